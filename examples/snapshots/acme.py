# Generates acme.json and wrong-type.json (run from this directory: python3 acme.py).
# acme.json is this script's output: edit here, rerun, and commit both.
import json
AWS="111122223333"; M365="acme-analytics.onmicrosoft.com"
def user(id, name, acct, login=None, kind="user", admin=False, mfa=True, status="enabled", interactive=True,
         created="2024-03-01T09:00:00Z", last="2026-11-19T08:30:00Z", creds=None, src=None, employment="active",
         guest=None, expires=None, reviewed=None, methods=None, tags=None, attrs=None, drop=()):
    p={"id":id,"account":acct,"kind":kind,"name":name,"login":login,"status":status,"admin":admin,
       "interactive":interactive,"mfa_enabled":mfa,"mfa_methods":methods if methods is not None else (["totp"] if mfa else []),
       "created":created,"last_sign_in":last,"credentials":creds or [],"identity_source":src,
       "employment":employment,"guest":guest,"access_expires":expires,"last_reviewed":reviewed,"tags":tags or []}
    if attrs: p["attributes"]=attrs
    for k in drop: p.pop(k,None)
    return {k:v for k,v in p.items() if v is not None}
def key(id, created, last, active=True):
    d={"id":id,"kind":"access-key","active":active,"created":created}
    if last: d["last_used"]=last
    return d
P=[]
P.append(user("aws-root","root",AWS,kind="root",admin=True,mfa=False,login="aws-admin@acme-analytics.example",
  created="2021-05-10T12:00:00Z",last="2026-09-02T10:11:00Z",src="local",employment=None,methods=[],
  creds=[{"id":"password","kind":"password","active":True,"created":"2021-05-10T12:00:00Z"},
         key("AKIAACMEROOT0001","2021-05-10T12:30:00Z","2025-02-03T08:00:00Z")],
  attrs={"arn":"arn:aws:iam::111122223333:root"}))
P.append(user("AIDAACMEPRIYA","priya.shah",AWS,login="priya.shah",admin=True,mfa=True,src="local",methods=["fido2"],
  creds=[{"id":"password","kind":"password","active":True,"created":"2024-02-01T09:00:00Z","last_used":"2026-11-19T08:30:00Z"},
         key("AKIAACMEPRIYA002","2026-10-01T09:00:00Z","2026-11-19T17:20:00Z")],
  attrs={"arn":"arn:aws:iam::111122223333:user/priya.shah"}))
P.append(user("AIDAACMETOM","tom.becker",AWS,login="tom.becker",admin=True,mfa=False,src="local",last="2026-11-18T16:02:00Z",methods=[],
  creds=[{"id":"password","kind":"password","active":True,"created":"2023-06-12T09:00:00Z","last_used":"2026-11-18T16:02:00Z"},
         key("AKIAACMETOM0001","2024-01-15T10:00:00Z","2026-11-17T22:10:00Z")],
  attrs={"arn":"arn:aws:iam::111122223333:user/tom.becker"}))
P.append(user("AIDAACMEOLD","olga.lind",AWS,login="olga.lind",admin=True,mfa=False,status="disabled",employment="departed",
  last="2025-12-20T11:00:00Z",src="local",methods=[],attrs={"arn":"arn:aws:iam::111122223333:user/olga.lind"}))
P.append(user("AIDAACMEMARC","marc.dubois",AWS,login="marc.dubois",admin=False,mfa=True,src="local",
  creds=[{"id":"password","kind":"password","active":True,"created":"2024-04-01T09:00:00Z"}]))
P.append(user("AIDAACMEJONAS","jonas.berg",AWS,login="jonas.berg",admin=False,mfa=False,src="local",employment="departed",
  last="2026-06-30T17:45:00Z",methods=[],
  creds=[{"id":"password","kind":"password","active":True,"created":"2023-09-01T09:00:00Z"}]))
P.append(user("AIDAACMECIDEPLOY","ci-deploy",AWS,kind="service",admin=True,mfa=None,interactive=False,src="local",employment=None,
  last=None,methods=[],creds=[key("AKIAACMECI000001","2024-08-01T10:00:00Z","2026-11-21T03:00:00Z")],
  tags=[{"key":"owner","value":"platform"}]))
P.append(user("AIDAACMEBACKUP","backup-exporter",AWS,kind="service",admin=False,mfa=None,interactive=False,src="local",employment=None,
  last=None,methods=[],creds=[key("AKIAACMEBK000001","2022-02-01T10:00:00Z",None)]))
P.append(user("AIDAACMEBREAK","breakglass-aws",AWS,kind="break-glass",admin=True,mfa=True,src="local",employment=None,
  last="2026-03-01T10:00:00Z",methods=["fido2"],reviewed="2026-10-01T00:00:00Z"))
names=[("u-anna","Anna Weber","anna.weber",True,True),("u-ben","Ben Okafor","ben.okafor",True,None),
       ("u-carla","Carla Ruiz","carla.ruiz",False,True),("u-dev","Dev Patel","dev.patel",False,False),
       ("u-emma","Emma Novak","emma.novak",False,True),("u-felix","Felix Hart","felix.hart",False,True),
       ("u-grace","Grace Liu","grace.liu",False,True),("u-hugo","Hugo Moreau","hugo.moreau",False,False),
       ("u-ines","Ines Costa","ines.costa",False,True),("u-priya","Priya Shah","priya.shah",True,True),
       ("u-tom","Tom Becker","tom.becker",False,True),("u-marc","Marc Dubois","marc.dubois",False,True)]
for id,name,login,admin,mfa in names:
    # Ben's account is synchronised from the on-premises directory; the others are cloud-only.
    P.append(user(id,name,M365,login=login+"@acme-analytics.example",admin=admin,mfa=mfa,
           src="on-premises-ad" if id=="u-ben" else "azure-ad",
           methods=(["microsoft-authenticator"] if mfa else [])))
P.append(user("u-jonas","Jonas Berg",M365,login="jonas.berg@acme-analytics.example",admin=False,mfa=True,src="azure-ad",
  employment="departed",last="2026-06-30T17:40:00Z",methods=["microsoft-authenticator"]))
P.append(user("u-kai","Kai Tanaka",M365,login="kai.tanaka@acme-analytics.example",admin=False,mfa=True,src="azure-ad",
  last="2026-05-02T09:00:00Z",methods=["sms"]))
P.append(user("u-guest-lee","Lee Morgan (Contoso)",M365,login="lee.morgan_contoso.example#EXT#@acme-analytics.onmicrosoft.com",
  admin=False,mfa=None,src="external",employment=None,guest=True,last="2026-10-11T13:00:00Z",methods=[]))
P.append(user("u-guest-sam","Sam Ito (auditor)",M365,login="sam.ito_audit.example#EXT#@acme-analytics.onmicrosoft.com",
  admin=False,mfa=True,src="external",employment=None,guest=True,expires="2027-01-31T00:00:00Z",reviewed="2026-10-01T00:00:00Z",
  methods=["microsoft-authenticator"]))
GH="acme-analytics"; SANDBOX="444455556666"; LABS="acme-labs.onmicrosoft.com"
P.append(user("gh-priya-shah","priya-shah",GH,login="priya-shah",admin=True,mfa=True,src="github",methods=["totp"],
  attrs={"role":"owner"}))
P.append(user("gh-marc-dubois","marc-dubois",GH,login="marc-dubois",admin=False,mfa=True,src="github",methods=["totp"],
  attrs={"role":"member"}))
P.append(user("gh-hugo-moreau","hugo-moreau",GH,login="hugo-moreau",admin=False,mfa=False,src="github",methods=[],
  attrs={"role":"member"}))
KMS1="arn:aws:kms:eu-west-1:111122223333:key/1111aaaa-1111-aaaa-1111-aaaa1111aaaa"
KMS2="arn:aws:kms:eu-west-1:111122223333:key/2222bbbb-2222-bbbb-2222-bbbb2222bbbb"
PAB_ON={"block_public_acls":True,"ignore_public_acls":True,"block_public_policy":True,"restrict_public_buckets":True}
snap={
 "schema":"posture.snapshot/v1","captured_at":"2026-11-20T09:00:00Z",
 "accounts":[{"id":AWS,"provider":"aws","name":"acme-analytics-prod"},{"id":M365,"provider":"m365","name":"Acme Analytics"},
              {"id":GH,"provider":"github","name":"Acme Analytics on GitHub"},
              {"id":SANDBOX,"provider":"aws","name":"acme-analytics-sandbox"},
              {"id":LABS,"provider":"m365","name":"Acme Labs (acquired 2026)"}],
 "provenance":{"tool":"hand-written example","source_format":"posture.snapshot/v1"},
 "principals":P,
 "groups":[
  {"id":"AGPAACMEADMINS","account":AWS,"kind":"group","name":"Admins","admin":True,"members":["AIDAACMEPRIYA","AIDAACMEOLD"]},
  {"id":"AGPAACMEDEVS","account":AWS,"kind":"group","name":"Developers","admin":False,"members":["AIDAACMEMARC","AIDAACMEJONAS"]},
  {"id":"role-global-admin","account":M365,"kind":"role","name":"Global Administrator","admin":True,"members":["u-anna","u-ben","u-priya"]},
  {"id":"role-sharepoint-admin","account":M365,"kind":"role","name":"SharePoint Administrator","admin":True,"members":["u-anna"]}],
 "grants":[
  {"id":"g1","account":AWS,"subject_kind":"group","subject_id":"AGPAACMEADMINS","permission":"AdministratorAccess","scope":"*","admin":True},
  {"id":"g2","account":AWS,"subject_kind":"principal","subject_id":"AIDAACMETOM","permission":"AdministratorAccess","scope":"*","admin":True},
  {"id":"g3","account":AWS,"subject_kind":"principal","subject_id":"AIDAACMECIDEPLOY","permission":"AdministratorAccess","scope":"*","admin":True},
  {"id":"g4","account":AWS,"subject_kind":"group","subject_id":"AGPAACMEDEVS","permission":"PowerUserAccess","scope":"*","admin":False},
  {"id":"g5","account":M365,"subject_kind":"group","subject_id":"role-global-admin","permission":"Global Administrator","admin":True}],
 "storage":[
  {"id":"acme-prod-data","account":AWS,"kind":"bucket","name":"acme-prod-data","region":"eu-west-1","public_read":False,"public_write":False,
   "public_access_block":PAB_ON,"encrypted":True,"encryption_key":KMS1,
   "transport_encryption_enforced":True,"versioning":True,"immutable":False,"tags":[{"key":"criticality","value":"high"}]},
  {"id":"acme-marketing-site","account":AWS,"kind":"bucket","name":"acme-marketing-site","region":"eu-west-1","public_read":True,"public_write":False,
   "public_access_block":{"block_public_acls":False,"ignore_public_acls":False,"block_public_policy":False,"restrict_public_buckets":False},
   "encrypted":True,"transport_encryption_enforced":False,"versioning":False},
  {"id":"acme-analytics-scratch","account":AWS,"kind":"bucket","name":"acme-analytics-scratch","region":"eu-west-1","public_read":False,
   "public_write":False,"encrypted":False,"transport_encryption_enforced":False,"versioning":False},
  {"id":"acme-cloudtrail-logs","account":AWS,"kind":"bucket","name":"acme-cloudtrail-logs","region":"eu-west-1","public_read":False,"public_write":False,
   "public_access_block":PAB_ON,"encrypted":True,"encryption_key":KMS2,
   "transport_encryption_enforced":True,"versioning":True,"immutable":True},
  {"id":"site-finance","account":M365,"kind":"site","name":"Finance","encrypted":True},
  {"id":"acme-analytics/pipeline","account":GH,"kind":"repository","name":"pipeline","public_read":False,"public_write":False}],
 "data_stores":[
  {"id":"arn:aws:rds:eu-west-1:111122223333:db:acme-prod","account":AWS,"kind":"database","name":"acme-prod","engine":"postgres","region":"eu-west-1",
   "encrypted":True,"encryption_key":KMS1,"publicly_accessible":False,
   "backup_retention_days":14,"tags":[{"key":"criticality","value":"high"}]},
  {"id":"arn:aws:rds:eu-west-1:111122223333:db:acme-reporting","account":AWS,"kind":"database","name":"acme-reporting","engine":"mysql",
   "region":"eu-west-1","encrypted":False,"publicly_accessible":True,"backup_retention_days":0},
  {"id":"vol-0a1b2c3d4e5f60001","account":AWS,"kind":"volume","name":"etl-worker-root","engine":"gp3","region":"eu-west-1","encrypted":True},
  {"id":"vol-0a1b2c3d4e5f60002","account":AWS,"kind":"volume","name":"legacy-ftp-data","engine":"gp2","region":"eu-west-1","encrypted":False,
   "tags":[{"key":"criticality","value":"high"}]}],
 "audit_logs":[
  {"id":"arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail","account":AWS,"name":"org-trail","service":"cloudtrail","enabled":True,"logging":True,
   "all_regions":True,"management_events":True,"retention_days":365,"integrity_validation":True,"immutable":True,"destination":"acme-cloudtrail-logs",
   "encrypted":True,"encryption_key":KMS2,"last_delivery":"2026-11-20T08:55:00Z"},
  {"id":"arn:aws:cloudtrail:us-east-1:111122223333:trail/legacy-trail","account":AWS,"name":"legacy-trail","service":"cloudtrail","enabled":True,
   "logging":False,"all_regions":False,"management_events":True,"retention_days":30,"integrity_validation":False,"immutable":False,
   "destination":"acme-analytics-scratch","encrypted":False},
  {"id":"arn:aws:cloudtrail:eu-west-1:444455556666:trail/sandbox","account":SANDBOX,"name":"sandbox-trail","service":"cloudtrail","enabled":True,
   "logging":False,"all_regions":True,"management_events":True,"retention_days":90,"integrity_validation":True},
  {"id":"m365-unified-audit-log","account":M365,"name":"Unified audit log","service":"m365-unified-audit-log","enabled":True,"logging":True,
   "all_regions":True,"retention_days":180}],
 "backup_plans":[
  {"id":"plan-daily","account":AWS,"name":"daily-35d","retention_days":35,"frequency_hours":24,"vault":"acme-vault","vault_locked":True,
   "cross_region_copy":True,"cross_account_copy":False},
  {"id":"plan-weekly-volumes","account":AWS,"name":"weekly-volumes","retention_days":7,"frequency_hours":168,"vault":"default","vault_locked":False,
   "cross_region_copy":False,"cross_account_copy":False}],
 "protected_resources":[
  {"resource_id":"arn:aws:rds:eu-west-1:111122223333:db:acme-prod","account":AWS,"resource_kind":"database","plan_id":"plan-daily","last_backup":"2026-11-20T02:10:00Z"},
  {"resource_id":"acme-prod-data","account":AWS,"resource_kind":"storage","plan_id":"plan-daily","last_backup":"2026-11-20T02:40:00Z"},
  {"resource_id":"vol-0a1b2c3d4e5f60001","account":AWS,"resource_kind":"volume","plan_id":"plan-weekly-volumes","last_backup":"2026-11-10T03:00:00Z"}],
 "keys":[
  {"id":KMS1,"account":AWS,"name":"alias/acme-data","manager":"customer",
   "enabled":True,"rotation_enabled":True,"rotation_period_days":365,"last_rotated":"2026-03-01T00:00:00Z","created":"2022-03-01T00:00:00Z"},
  {"id":KMS2,"account":AWS,"name":"alias/acme-logs","manager":"customer",
   "enabled":True,"rotation_enabled":False,"created":"2023-01-10T00:00:00Z"},
  {"id":"arn:aws:kms:eu-west-1:111122223333:key/3333cccc-3333-cccc-3333-cccc3333cccc","account":AWS,"name":"alias/aws/s3","manager":"provider",
   "enabled":True,"rotation_enabled":True}],
 "shares":[
  {"id":"share-1","account":M365,"item_id":"doc-pricing","item_name":"Pricing 2027.xlsx","item_kind":"file","owner":"u-carla","audience":"anyone-with-link",
   "permission":"read","created":"2026-10-02T10:00:00Z"},
  {"id":"share-2","account":M365,"item_id":"folder-audit","item_name":"SOC 2 evidence","item_kind":"folder","owner":"u-anna","audience":"external-user",
   "domains":["audit.example"],"grantee":"sam.ito@audit.example","permission":"read","created":"2026-09-15T10:00:00Z","expires":"2027-01-31T00:00:00Z"},
  {"id":"share-3","account":M365,"item_id":"site-finance","item_name":"Finance","item_kind":"site","owner":"u-ben","audience":"external-domain",
   "domains":["gmail.com"],"permission":"write","created":"2026-07-01T10:00:00Z"},
  {"id":"share-4","account":M365,"item_id":"doc-handbook","item_name":"Employee handbook.docx","item_kind":"file","owner":"u-emma","audience":"internal",
   "permission":"read"}],
 "tenant_settings":[
  {"account":AWS,"service":"aws-s3","public_access_block":{"block_public_acls":True,"ignore_public_acls":True,"block_public_policy":False,"restrict_public_buckets":False}},
  {"account":AWS,"service":"aws-ec2","default_encryption":False},
  {"account":AWS,"service":"aws-iam","password_policy":{"min_length":8,"require_uppercase":True,"require_lowercase":True,
   "require_numbers":True,"require_symbols":False,"max_age_days":90,"reuse_prevention":0}},
  {"account":SANDBOX,"service":"aws-ec2","default_encryption":True},
  {"account":SANDBOX,"service":"aws-iam","password_policy":{"min_length":16,"reuse_prevention":24}},
  {"account":M365,"service":"sharepoint","external_sharing":"anyone","guest_expiry_enabled":False},
  {"account":M365,"service":"m365","audit_logging_enabled":True,"mfa_enforced":False,"legacy_auth_blocked":False,
   "mfa_phishing_resistant":False,"high_risk_users_blocked":True,"high_risk_sign_ins_blocked":False,
   "weak_mfa_methods":["sms","voice"],"guest_access_restricted":False},
  {"account":SANDBOX,"service":"aws-s3","public_access_block":PAB_ON},
  {"account":LABS,"service":"sharepoint","external_sharing":"existing-guests","guest_expiry_enabled":True,"guest_expiry_days":60},
  {"account":LABS,"service":"m365","audit_logging_enabled":False,"mfa_enforced":True,"legacy_auth_blocked":True,
   "mfa_phishing_resistant":True,"high_risk_users_blocked":True,"high_risk_sign_ins_blocked":True,
   "weak_mfa_methods":[],"guest_access_restricted":True},
  {"account":GH,"service":"github","mfa_enforced":True}]
}
open("acme.json","w").write(json.dumps(snap,indent=2)+"\n")
bad={"schema":"posture.snapshot/v1","captured_at":"2026-11-20T09:00:00Z","accounts":[{"id":AWS,"provider":"aws"}],
 "principals":[{"id":"AIDAOK","kind":"user","name":"ok","admin":True,"mfa_enabled":True},
               {"id":"AIDABAD","kind":"user","name":"bad","admin":True,"mfa_enabled":"yes"}]}
open("wrong-type.json","w").write(json.dumps(bad,indent=2)+"\n")
