//! IAM: the credential report (users, root, MFA, passwords, access keys), the account summary
//! (root MFA and keys when the report lacks root), virtual MFA devices, aliases, password
//! policy, and the principals merged from them and the authorization details (whose groups,
//! roles, administrators and grants `iam_details` reads).

use super::credential_report::{self, KeyColumns, Row};
use super::iam_details::{Admins, AuthorizationDetails, grants, groups};
use super::scope::Scoped;
use super::shapes::aws_user;
use super::time::{AwsTime, secs};
use crate::import::common::ImportError;
use crate::snapshot::{
    AccountStatus, Credential, CredentialKind, Grant, Group, PasswordPolicy, Principal,
    PrincipalKind, Tag, TenantSettings,
};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What the IAM files give the snapshot.
pub struct Iam {
    /// Account id read from an ARN, when an IAM file has one.
    pub account_id: Option<String>,
    /// The account alias, if any.
    pub alias: Option<String>,
    /// When the credential report was generated.
    pub report_generated: Option<i64>,
    /// Users and root; `None` when neither the credential report nor the authorization
    /// details were collected.
    pub principals: Option<Vec<Principal>>,
    /// IAM groups and roles; `None` without authorization details.
    pub groups: Option<Vec<Group>>,
    /// Attached and inline policies; `None` without authorization details.
    pub grants: Option<Vec<Grant>>,
    /// The `iam` tenant settings (password policy), when collected.
    pub tenant: Option<TenantSettings>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CredentialReport {
    content: String,
    #[serde(default)]
    generated_time: Option<AwsTime>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AccountSummary {
    summary_map: BTreeMap<String, i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct VirtualMfaDevices {
    #[serde(rename = "VirtualMFADevices")]
    devices: Vec<VirtualMfaDevice>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct VirtualMfaDevice {
    #[serde(default)]
    user: Option<MfaUser>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct MfaUser {
    arn: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Aliases {
    account_aliases: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PasswordPolicyAnswer {
    password_policy: AwsPasswordPolicy,
}

/// `get-account-password-policy`'s `PasswordPolicy`; AWS leaves out the members that are off.
#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct AwsPasswordPolicy {
    minimum_password_length: Option<u32>,
    require_symbols: bool,
    require_numbers: bool,
    require_uppercase_characters: bool,
    require_lowercase_characters: bool,
    max_password_age: Option<u32>,
    password_reuse_prevention: Option<u32>,
}

/// The length IAM requires when the account has no custom password policy (AWS documents its
/// default policy as at least 8 characters and three of the four character types, which no
/// single type requirement expresses, so none is set).
const AWS_DEFAULT_MIN_LENGTH: u32 = 8;

/// The account's password policy, or AWS's defaults when it has none (`custom` false).
fn password_policy(p: Option<AwsPasswordPolicy>) -> (PasswordPolicy, bool) {
    let custom = p.is_some();
    let p = p.unwrap_or_default();
    let policy = PasswordPolicy {
        min_length: p.minimum_password_length.unwrap_or(AWS_DEFAULT_MIN_LENGTH),
        require_uppercase: p.require_uppercase_characters,
        require_lowercase: p.require_lowercase_characters,
        require_numbers: p.require_numbers,
        require_symbols: p.require_symbols,
        max_age_days: p.max_password_age.filter(|d| *d > 0),
        reuse_prevention: p.password_reuse_prevention.unwrap_or(0),
    };
    (policy, custom)
}

/// The account id in an ARN (`arn:aws:iam::123456789012:user/x`).
pub fn account_of(arn: &str) -> Option<String> {
    let id = arn.split(':').nth(4)?;
    (!id.is_empty()).then(|| id.to_string())
}

/// Reads the IAM files.
pub fn collect(files: &mut Scoped<'_>) -> Result<Iam, ImportError> {
    let report_path = "iam/get-credential-report.json";
    let (rows, report_generated) = match files.answer::<CredentialReport>(report_path)?.ok() {
        Some(r) => {
            let rows = credential_report::decode(&r.content)
                .and_then(|csv| credential_report::parse(&csv))
                .map_err(|message| ImportError::Invalid {
                    path: files.display(report_path),
                    message,
                })?;
            (Some(rows), secs(r.generated_time))
        }
        None => (None, None),
    };
    let details = files
        .answer::<AuthorizationDetails>("iam/get-account-authorization-details.json")?
        .ok();
    let summary = files
        .answer::<AccountSummary>("iam/get-account-summary.json")?
        .ok();
    let mfa_devices = files
        .answer::<VirtualMfaDevices>("iam/list-virtual-mfa-devices.json")?
        .ok();
    let alias = files
        .answer::<Aliases>("iam/list-account-aliases.json")?
        .ok()
        .and_then(|a| a.account_aliases.into_iter().next());
    let password_policy = files
        .answer::<PasswordPolicyAnswer>("iam/get-account-password-policy.json")?
        .map(|a| Some(a.password_policy))
        .or_unset(&["NoSuchEntity"], None)
        .map(password_policy);

    let account_id = rows
        .iter()
        .flatten()
        .map(|r| r.arn.as_str())
        .chain(
            details
                .iter()
                .flat_map(|d| d.user_detail_list.iter().map(|u| u.arn.as_str())),
        )
        .find_map(account_of);

    let admin = details.as_ref().map(Admins::new);
    let virtual_mfa: BTreeSet<String> = mfa_devices
        .into_iter()
        .flat_map(|d| d.devices)
        .filter_map(|d| d.user.map(|u| u.arn))
        .collect();

    // Without the credential report, the per-user calls (when collected) list the users.
    let per_user = match rows {
        Some(_) => None,
        None => super::iam_users::collect(files)?,
    };
    let account_id = account_id.or_else(|| {
        per_user
            .iter()
            .flat_map(|u| u.principals.iter())
            .find_map(|p| account_of(&p.id))
    });
    let mut principals = principals(
        rows.as_deref(),
        details.as_ref(),
        admin.as_ref(),
        summary.as_ref(),
        &virtual_mfa,
        account_id.as_deref(),
    );
    let (groups, mut grants) = match (&details, &admin) {
        (Some(d), Some(a)) => (Some(groups(d, a)), Some(grants(d, a))),
        _ => (None, None),
    };
    if let Some(per_user) = per_user {
        let list = principals.get_or_insert_with(Vec::new);
        for p in per_user.principals {
            match list.iter_mut().find(|q| q.id == p.id) {
                // Known from the authorization details: add what the per-user calls tell.
                Some(q) => {
                    q.mfa_enabled = p.mfa_enabled;
                    q.last_sign_in = p.last_sign_in;
                    q.interactive = p.interactive;
                }
                None => list.push(p),
            }
        }
        if grants.is_none() {
            grants = per_user.grants;
        }
        if let (Some(summary), Some(account)) = (&summary, &account_id)
            && !list.iter().any(|p| p.kind == PrincipalKind::Root)
        {
            list.push(root_from_summary(summary, account));
        }
    }
    // Account-level IAM settings: the password policy and the summary's root facts.
    let root_flag = |k: &str| {
        summary
            .as_ref()
            .and_then(|s| s.summary_map.get(k))
            .map(|v| *v != 0)
    };
    let mut tenant = TenantSettings {
        root_mfa_enabled: root_flag("AccountMFAEnabled"),
        root_access_keys_present: root_flag("AccountAccessKeysPresent"),
        ..TenantSettings::new("", "aws-iam")
    };
    if let Some((policy, custom)) = password_policy {
        tenant.password_policy = Some(policy);
        tenant.attributes =
            Some(serde_json::json!({ "custom_password_policy": custom }).to_string());
    }
    let tenant = tenant.states_anything().then_some(tenant);
    Ok(Iam {
        account_id,
        alias,
        report_generated,
        principals,
        groups,
        grants,
        tenant,
    })
}

fn key_credentials(
    owner: &str,
    kind: CredentialKind,
    label: &str,
    cols: &[KeyColumns; 2],
) -> Vec<Credential> {
    cols.iter()
        .enumerate()
        // A key that never existed reads `false` with no dates.
        .filter(|(_, k)| k.active == Some(true) || k.last_rotated.is_some())
        .map(|(i, k)| Credential {
            id: format!("{owner}#{label}_{}", i + 1),
            kind,
            active: k.active,
            created: k.last_rotated,
            last_used: k.last_used,
        })
        .collect()
}

fn from_report(row: &Row) -> Principal {
    let mut credentials = Vec::new();
    let root = row.is_root();
    let password = if root {
        Some(true)
    } else {
        row.password_enabled
    };
    if password == Some(true) {
        credentials.push(Credential {
            id: format!("{}#password", row.arn),
            kind: CredentialKind::Password,
            active: Some(true),
            created: row.password_last_changed,
            last_used: row.password_last_used,
        });
    }
    credentials.extend(key_credentials(
        &row.arn,
        CredentialKind::AccessKey,
        "access_key",
        &row.access_keys,
    ));
    credentials.extend(key_credentials(
        &row.arn,
        CredentialKind::Certificate,
        "cert",
        &row.certificates,
    ));
    let any_active_key = row.access_keys.iter().any(|k| k.active == Some(true));
    let status = if password == Some(false) && !any_active_key {
        AccountStatus::Disabled
    } else {
        AccountStatus::Enabled
    };
    let kind = match (root, password) {
        (true, _) => PrincipalKind::Root,
        (false, Some(false)) => PrincipalKind::Service,
        _ => PrincipalKind::User,
    };
    let name = if root { "root" } else { row.user.as_str() };
    Principal {
        kind,
        status: Some(status),
        admin: root.then_some(true),
        interactive: password,
        mfa_enabled: row.mfa_active,
        created: row.created,
        last_sign_in: row.password_last_used,
        credentials,
        ..aws_user(&row.arn, name)
    }
}

/// The root user from the account summary (when the report has no root row).
fn root_from_summary(summary: &AccountSummary, account: &str) -> Principal {
    let flag = |k: &str| summary.summary_map.get(k).map(|v| *v != 0);
    let arn = format!("arn:aws:iam::{account}:root");
    let credentials = match flag("AccountAccessKeysPresent") {
        Some(true) => vec![Credential {
            id: format!("{arn}#access_key"),
            kind: CredentialKind::AccessKey,
            active: Some(true),
            created: None,
            last_used: None,
        }],
        _ => Vec::new(),
    };
    Principal {
        kind: PrincipalKind::Root,
        status: Some(AccountStatus::Enabled),
        admin: Some(true),
        interactive: Some(true),
        mfa_enabled: flag("AccountMFAEnabled"),
        credentials,
        ..aws_user(&arn, "root")
    }
}

fn principals(
    rows: Option<&[Row]>,
    details: Option<&AuthorizationDetails>,
    admin: Option<&Admins>,
    summary: Option<&AccountSummary>,
    virtual_mfa: &BTreeSet<String>,
    account: Option<&str>,
) -> Option<Vec<Principal>> {
    if rows.is_none() && details.is_none() {
        return None;
    }
    let mut out: Vec<Principal> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for row in rows.unwrap_or_default() {
        let p = from_report(row);
        // A report can list a user twice (seen in real reports); the later row is newer.
        match index.get(&p.id) {
            Some(&i) => {
                tracing::warn!(
                    "credential report lists {} twice; keeping the later row",
                    p.id
                );
                out[i] = p;
            }
            None => {
                index.insert(p.id.clone(), out.len());
                out.push(p);
            }
        }
    }
    if let (Some(summary), Some(account)) = (summary, account)
        && !out.iter().any(|p| p.kind == PrincipalKind::Root)
    {
        out.push(root_from_summary(summary, account));
    }
    for u in details
        .map(|d| d.user_detail_list.as_slice())
        .unwrap_or_default()
    {
        let i = match index.get(&u.arn) {
            Some(&i) => i,
            None => {
                index.insert(u.arn.clone(), out.len());
                out.push(aws_user(&u.arn, &u.user_name));
                out.len() - 1
            }
        };
        let p = &mut out[i];
        p.admin = admin.map(|a| a.user_is_admin(u));
        p.created = p.created.or(secs(u.create_date));
        p.tags = u
            .tags
            .iter()
            .map(|t| Tag {
                key: t.key.clone(),
                value: t.value.clone(),
            })
            .collect();
    }
    for p in &mut out {
        if virtual_mfa.contains(&p.id) {
            p.mfa_methods.push("virtual".into());
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{GroupKind, SubjectKind};
    use std::fs;

    const ACCOUNT: &str = "111122223333";
    const ADMIN_ACCESS: &str = r#"{"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}"#;
    const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date";

    fn arn(rest: &str) -> String {
        format!("arn:aws:iam::{ACCOUNT}:{rest}")
    }

    /// `get-credential-report.json` holding `rows` under [`HEADER`] (as plain CSV, which
    /// `credential_report::decode` accepts as SDK dumps hold it).
    fn report(rows: &[&str]) -> String {
        let csv = format!("{HEADER}\n{}\n", rows.join("\n"));
        serde_json::json!({"Content": csv, "GeneratedTime": "2026-11-20T08:00:00Z"}).to_string()
    }

    /// Runs [`collect`] over an export directory holding `files`.
    fn collect_from(files: &[(&str, String)]) -> Iam {
        let dir = tempfile::tempdir().expect("temp dir");
        for (rel, body) in files {
            let path = dir.path().join(rel);
            fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            fs::write(path, body).expect("write");
        }
        let mut export = crate::import::files::ExportFiles::open_dir(dir.path()).expect("opens");
        collect(&mut Scoped::new(&mut export, "")).expect("collects")
    }

    fn principal<'a>(iam: &'a Iam, name: &str) -> &'a Principal {
        iam.principals
            .iter()
            .flatten()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("no principal {name}"))
    }

    /// Users, groups, a role and customer-managed policies covering each way to be admin.
    fn details() -> String {
        let allow_all = r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;
        let read_only =
            r#"{"Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}"#;
        format!(
            r#"{{
  "UserDetailList": [
    {{"UserName": "direct", "Arn": "{direct}", "AttachedManagedPolicies": [{ADMIN_ACCESS}]}},
    {{"UserName": "member", "Arn": "{member}", "GroupList": ["admins"]}},
    {{"UserName": "inline", "Arn": "{inline}", "UserPolicyList": [{{"PolicyName": "all",
      "PolicyDocument": {{"Statement": [{{"Effect": "Allow", "Action": "*:*", "Resource": "*"}}]}}}}]}},
    {{"UserName": "custom", "Arn": "{custom}", "AttachedManagedPolicies": [{{"PolicyName": "Full", "PolicyArn": "{full}"}}]}},
    {{"UserName": "reader", "Arn": "{reader}", "GroupList": ["readers"],
      "AttachedManagedPolicies": [{{"PolicyName": "WasFull", "PolicyArn": "{was_full}"}}],
      "UserPolicyList": [{{"PolicyName": "deny", "PolicyDocument": {{"Statement": [{{"Effect": "Deny", "Action": "*", "Resource": "*"}}]}}}}]}}
  ],
  "GroupDetailList": [
    {{"GroupName": "admins", "Arn": "{admins}", "AttachedManagedPolicies": [{ADMIN_ACCESS}]}},
    {{"GroupName": "readers", "Arn": "{readers}", "AttachedManagedPolicies": [{{"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}}]}}
  ],
  "RoleDetailList": [
    {{"RoleName": "ops", "Arn": "{ops}", "AttachedManagedPolicies": [{{"PolicyName": "Full", "PolicyArn": "{full}"}}]}}
  ],
  "Policies": [
    {{"Arn": "{full}", "PolicyVersionList": [{{"Document": {allow_all}, "IsDefaultVersion": true}}]}},
    {{"Arn": "{was_full}", "PolicyVersionList": [{{"Document": {allow_all}, "IsDefaultVersion": false}},
                                                {{"Document": {read_only}, "IsDefaultVersion": true}}]}}
  ]
}}"#,
            direct = arn("user/direct"),
            member = arn("user/member"),
            inline = arn("user/inline"),
            custom = arn("user/custom"),
            reader = arn("user/reader"),
            admins = arn("group/admins"),
            readers = arn("group/readers"),
            ops = arn("role/ops"),
            full = arn("policy/Full"),
            was_full = arn("policy/WasFull"),
        )
    }

    #[test]
    fn administrators_by_aws_policy_group_inline_or_customer_policy() {
        let iam = collect_from(&[("iam/get-account-authorization-details.json", details())]);
        for name in ["direct", "member", "inline", "custom"] {
            assert_eq!(principal(&iam, name).admin, Some(true), "{name}");
        }
        // A non-default admin version, a read-only group and a `Deny *` do not make admin.
        assert_eq!(principal(&iam, "reader").admin, Some(false));
        assert_eq!(iam.account_id.as_deref(), Some(ACCOUNT));

        let groups = iam.groups.as_ref().expect("groups");
        let group = |name: &str| groups.iter().find(|g| g.name == name).expect("group");
        assert_eq!(group("admins").admin, Some(true));
        assert_eq!(group("admins").members, vec![arn("user/member")]);
        assert_eq!(group("readers").admin, Some(false));
        assert_eq!(
            (group("ops").kind, group("ops").admin),
            (GroupKind::Role, Some(true))
        );

        let grants = iam.grants.as_ref().expect("grants");
        let grant = |id: String| grants.iter().find(|g| g.id == id).expect("grant");
        let custom = grant(format!("{}#{}", arn("user/custom"), arn("policy/Full")));
        assert_eq!(
            (custom.subject_kind, custom.admin),
            (SubjectKind::Principal, Some(true))
        );
        let inline = grant(format!("{}#inline/all", arn("user/inline")));
        assert_eq!(
            (inline.permission.as_str(), inline.admin),
            ("all", Some(true))
        );
        let old = grant(format!("{}#{}", arn("user/reader"), arn("policy/WasFull")));
        assert_eq!(old.admin, Some(false));
        let role = grant(format!("{}#{}", arn("role/ops"), arn("policy/Full")));
        assert_eq!(
            (role.subject_kind, role.admin),
            (SubjectKind::Group, Some(true))
        );
    }

    #[test]
    fn the_report_decides_root_mfa_credentials_and_status() {
        let iam = collect_from(&[
            (
                "iam/get-credential-report.json",
                report(&[
                    &format!(
                        "<root_account>,{},2016-05-16T18:13:11+00:00,not_supported,2026-10-01T00:00:00+00:00,not_supported,false,false,N/A,N/A,false,N/A,N/A",
                        arn("root")
                    ),
                    &format!(
                        "ann,{},2020-01-01T00:00:00+00:00,true,2026-11-01T00:00:00+00:00,2026-01-01T00:00:00+00:00,true,true,2026-02-01T00:00:00+00:00,2026-11-02T00:00:00+00:00,false,N/A,N/A",
                        arn("user/ann")
                    ),
                    &format!(
                        "bot,{},2020-01-01T00:00:00+00:00,false,N/A,N/A,false,false,2025-01-01T00:00:00+00:00,N/A,false,N/A,N/A",
                        arn("user/bot")
                    ),
                ]),
            ),
            // The report has root: the summary must not add a second one.
            (
                "iam/get-account-summary.json",
                r#"{"SummaryMap": {"AccountMFAEnabled": 1}}"#.into(),
            ),
        ]);
        let all = iam.principals.as_ref().expect("principals");
        assert_eq!(all.len(), 3);
        assert!(iam.groups.is_none() && iam.grants.is_none(), "no details");

        let root = principal(&iam, "root");
        assert_eq!(root.kind, PrincipalKind::Root);
        // Root always has a password, whatever `password_enabled` says, and is admin.
        assert_eq!(
            (root.admin, root.interactive, root.mfa_enabled),
            (Some(true), Some(true), Some(false))
        );
        assert_eq!(root.credentials.len(), 1);
        assert_eq!(root.credentials[0].kind, CredentialKind::Password);

        let ann = principal(&iam, "ann");
        assert_eq!(
            (ann.kind, ann.status, ann.mfa_enabled),
            (
                PrincipalKind::User,
                Some(AccountStatus::Enabled),
                Some(true)
            )
        );
        let ids: Vec<&str> = ann.credentials.iter().map(|c| c.id.as_str()).collect();
        let ann_arn = arn("user/ann");
        // Access key 2 never existed (inactive, never rotated): no credential.
        assert_eq!(
            ids,
            [
                format!("{ann_arn}#password"),
                format!("{ann_arn}#access_key_1")
            ]
        );
        assert!(ann.last_sign_in.is_some());

        // No password and no active key: a disabled service identity; its old key is kept.
        let bot = principal(&iam, "bot");
        assert_eq!(
            (bot.kind, bot.status, bot.interactive),
            (
                PrincipalKind::Service,
                Some(AccountStatus::Disabled),
                Some(false)
            )
        );
        assert_eq!(bot.credentials.len(), 1);
        assert_eq!(bot.credentials[0].active, Some(false));
    }

    #[test]
    fn without_a_root_row_the_summary_stands_in_for_root() {
        let iam = collect_from(&[
            (
                "iam/get-credential-report.json",
                report(&[&format!(
                    "ann,{},N/A,true,N/A,N/A,false,false,N/A,N/A,false,N/A,N/A",
                    arn("user/ann")
                )]),
            ),
            (
                "iam/get-account-summary.json",
                r#"{"SummaryMap": {"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 1}}"#.into(),
            ),
        ]);
        let root = principal(&iam, "root");
        assert_eq!(root.id, arn("root"));
        assert_eq!(
            (root.kind, root.admin, root.mfa_enabled),
            (PrincipalKind::Root, Some(true), Some(true))
        );
        assert_eq!(root.credentials.len(), 1);
        assert_eq!(root.credentials[0].kind, CredentialKind::AccessKey);
        let t = iam.tenant.as_ref().expect("settings");
        assert_eq!(
            (t.root_mfa_enabled, t.root_access_keys_present),
            (Some(true), Some(true))
        );
    }

    #[test]
    fn report_and_authorization_details_merge_on_the_arn() {
        let ann = arn("user/ann");
        let carol = arn("user/carol");
        let iam = collect_from(&[
            (
                "iam/get-credential-report.json",
                report(&[
                    // Listed twice: the later row wins.
                    &format!(
                        "ann,{ann},2020-01-01T00:00:00+00:00,true,N/A,N/A,false,false,N/A,N/A,false,N/A,N/A"
                    ),
                    &format!(
                        "ann,{ann},2020-01-01T00:00:00+00:00,true,N/A,N/A,true,false,N/A,N/A,false,N/A,N/A"
                    ),
                ]),
            ),
            (
                "iam/get-account-authorization-details.json",
                format!(
                    r#"{{"UserDetailList": [
                    {{"UserName": "ann", "Arn": "{ann}", "CreateDate": "2024-06-01T00:00:00Z",
                      "AttachedManagedPolicies": [{ADMIN_ACCESS}], "Tags": [{{"Key": "team", "Value": "ops"}}]}},
                    {{"UserName": "carol", "Arn": "{carol}", "CreateDate": "2024-06-01T00:00:00Z"}}]}}"#
                ),
            ),
            (
                "iam/list-virtual-mfa-devices.json",
                format!(
                    r#"{{"VirtualMFADevices": [{{"SerialNumber": "a", "User": {{"Arn": "{ann}"}}}},
                                               {{"SerialNumber": "unassigned"}}]}}"#
                ),
            ),
        ]);
        let all = iam.principals.as_ref().expect("principals");
        assert_eq!(all.len(), 2, "{all:?}");
        let a = principal(&iam, "ann");
        // The report's facts (later row), the details' admin and tags, the report's date.
        assert_eq!((a.mfa_enabled, a.admin), (Some(true), Some(true)));
        assert_eq!(
            a.created,
            crate::snapshot::time::parse("2020-01-01T00:00:00Z").ok()
        );
        assert_eq!(
            a.tags,
            vec![Tag {
                key: "team".into(),
                value: "ops".into()
            }]
        );
        assert_eq!(a.mfa_methods, vec!["virtual".to_string()]);
        // Only in the details: listed, nothing known about sign-in or MFA.
        let c = principal(&iam, "carol");
        assert_eq!(
            (c.admin, c.mfa_enabled, c.interactive),
            (Some(false), None, None)
        );
        assert_eq!(
            c.created,
            crate::snapshot::time::parse("2024-06-01T00:00:00Z").ok()
        );
        assert!(c.mfa_methods.is_empty());
    }

    #[test]
    fn account_id_is_read_from_an_arn() {
        assert_eq!(account_of(&arn("user/x")).as_deref(), Some(ACCOUNT));
        assert_eq!(account_of("arn:aws:s3:::bucket"), None);
        assert_eq!(account_of("not-an-arn"), None);
    }
}
