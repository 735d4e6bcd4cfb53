//! IAM: the credential report (users, root, MFA, passwords, access keys), the authorization
//! details (groups, roles, policies → administrators and grants), the account summary (root
//! MFA and keys when the report lacks root), virtual MFA devices, aliases, password policy.

use super::credential_report::{self, KeyColumns, Row};
use super::policy::{self, ADMIN_POLICY_ARN};
use super::time::{AwsTime, secs};
use crate::import::{ExportFiles, ImportError};
use crate::snapshot::{
    AccountStatus, Credential, CredentialKind, Grant, Group, GroupKind, PasswordPolicy, Principal,
    PrincipalKind, SubjectKind, Tag, TenantSettings,
};
use serde::Deserialize;
use serde_json::Value;
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

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct AuthorizationDetails {
    user_detail_list: Vec<UserDetail>,
    group_detail_list: Vec<GroupDetail>,
    role_detail_list: Vec<RoleDetail>,
    policies: Vec<ManagedPolicy>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UserDetail {
    user_name: String,
    arn: String,
    #[serde(default)]
    create_date: Option<AwsTime>,
    #[serde(default)]
    group_list: Vec<String>,
    #[serde(default)]
    attached_managed_policies: Vec<AttachedPolicy>,
    #[serde(default)]
    user_policy_list: Vec<InlinePolicy>,
    #[serde(default)]
    tags: Vec<AwsTag>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GroupDetail {
    group_name: String,
    arn: String,
    #[serde(default)]
    attached_managed_policies: Vec<AttachedPolicy>,
    #[serde(default)]
    group_policy_list: Vec<InlinePolicy>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RoleDetail {
    role_name: String,
    arn: String,
    #[serde(default)]
    attached_managed_policies: Vec<AttachedPolicy>,
    #[serde(default)]
    role_policy_list: Vec<InlinePolicy>,
}

/// A managed policy attached to a user, group or role.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttachedPolicy {
    /// Its name.
    pub policy_name: String,
    /// Its ARN.
    pub policy_arn: String,
}

/// AWS's own administrator policy (customer policies need their document: see [`Admins`]).
pub fn attached_is_admin_policy(p: &AttachedPolicy) -> bool {
    p.policy_arn == ADMIN_POLICY_ARN
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct InlinePolicy {
    policy_name: String,
    #[serde(default)]
    policy_document: Value,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ManagedPolicy {
    arn: String,
    #[serde(default)]
    policy_version_list: Vec<PolicyVersion>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PolicyVersion {
    #[serde(default)]
    document: Value,
    #[serde(default)]
    is_default_version: bool,
}

/// An AWS tag (`{"Key": …, "Value": …}`).
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AwsTag {
    /// Tag key.
    pub key: String,
    /// Tag value.
    #[serde(default)]
    pub value: String,
}

impl From<AwsTag> for Tag {
    fn from(t: AwsTag) -> Tag {
        Tag {
            key: t.key,
            value: t.value,
        }
    }
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
pub fn collect(files: &mut ExportFiles) -> Result<Iam, ImportError> {
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

/// Which users, groups and roles hold administrative rights.
struct Admins {
    /// Customer-managed policies (by ARN) whose default version grants admin.
    admin_policies: BTreeSet<String>,
    /// Groups (by name) that grant admin.
    admin_groups: BTreeSet<String>,
}

impl Admins {
    fn new(d: &AuthorizationDetails) -> Admins {
        let admin_policies = d
            .policies
            .iter()
            .filter(|p| {
                p.policy_version_list
                    .iter()
                    .filter(|v| v.is_default_version)
                    .any(|v| {
                        policy::document(&v.document).is_some_and(|doc| policy::grants_admin(&doc))
                    })
            })
            .map(|p| p.arn.clone())
            .collect();
        let mut admins = Admins {
            admin_policies,
            admin_groups: BTreeSet::new(),
        };
        admins.admin_groups = d
            .group_detail_list
            .iter()
            .filter(|g| admins.any_admin(&g.attached_managed_policies, &g.group_policy_list))
            .map(|g| g.group_name.clone())
            .collect();
        admins
    }

    fn attached_is_admin(&self, p: &AttachedPolicy) -> bool {
        attached_is_admin_policy(p) || self.admin_policies.contains(&p.policy_arn)
    }

    fn inline_is_admin(p: &InlinePolicy) -> bool {
        policy::document(&p.policy_document).is_some_and(|doc| policy::grants_admin(&doc))
    }

    fn any_admin(&self, attached: &[AttachedPolicy], inline: &[InlinePolicy]) -> bool {
        attached.iter().any(|p| self.attached_is_admin(p))
            || inline.iter().any(Self::inline_is_admin)
    }

    fn user_is_admin(&self, u: &UserDetail) -> bool {
        self.any_admin(&u.attached_managed_policies, &u.user_policy_list)
            || u.group_list.iter().any(|g| self.admin_groups.contains(g))
    }
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

/// An IAM user named `name` (id: its ARN) with nothing else known yet.
pub fn aws_user(arn: &str, name: &str) -> Principal {
    Principal {
        id: arn.to_string(),
        account: String::new(),
        kind: PrincipalKind::User,
        name: name.to_string(),
        login: None,
        status: None,
        admin: None,
        interactive: None,
        mfa_enabled: None,
        mfa_methods: Vec::new(),
        created: None,
        last_sign_in: None,
        credentials: Vec::new(),
        identity_source: Some("aws-iam".into()),
        employment: None,
        guest: Some(false),
        access_expires: None,
        last_reviewed: None,
        tags: Vec::new(),
        attributes: None,
    }
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

fn groups(d: &AuthorizationDetails, a: &Admins) -> Vec<Group> {
    let mut out: Vec<Group> = d
        .group_detail_list
        .iter()
        .map(|g| Group {
            id: g.arn.clone(),
            account: String::new(),
            kind: GroupKind::Group,
            name: g.group_name.clone(),
            admin: Some(a.admin_groups.contains(&g.group_name)),
            members: d
                .user_detail_list
                .iter()
                .filter(|u| u.group_list.contains(&g.group_name))
                .map(|u| u.arn.clone())
                .collect(),
            attributes: None,
        })
        .collect();
    out.extend(d.role_detail_list.iter().map(|r| Group {
        id: r.arn.clone(),
        account: String::new(),
        kind: GroupKind::Role,
        name: r.role_name.clone(),
        admin: Some(a.any_admin(&r.attached_managed_policies, &r.role_policy_list)),
        members: Vec::new(),
        attributes: None,
    }));
    out
}

fn grants(d: &AuthorizationDetails, a: &Admins) -> Vec<Grant> {
    let mut out = Vec::new();
    let mut add =
        |subject_kind, subject: &str, attached: &[AttachedPolicy], inline: &[InlinePolicy]| {
            for p in attached {
                out.push(Grant {
                    id: format!("{subject}#{}", p.policy_arn),
                    account: String::new(),
                    subject_kind,
                    subject_id: subject.to_string(),
                    permission: p.policy_name.clone(),
                    scope: None,
                    admin: Some(a.attached_is_admin(p)),
                    attributes: None,
                });
            }
            for p in inline {
                out.push(Grant {
                    id: format!("{subject}#inline/{}", p.policy_name),
                    account: String::new(),
                    subject_kind,
                    subject_id: subject.to_string(),
                    permission: p.policy_name.clone(),
                    scope: None,
                    admin: Some(Admins::inline_is_admin(p)),
                    attributes: None,
                });
            }
        };
    for u in &d.user_detail_list {
        add(
            SubjectKind::Principal,
            &u.arn,
            &u.attached_managed_policies,
            &u.user_policy_list,
        );
    }
    for g in &d.group_detail_list {
        add(
            SubjectKind::Group,
            &g.arn,
            &g.attached_managed_policies,
            &g.group_policy_list,
        );
    }
    for r in &d.role_detail_list {
        add(
            SubjectKind::Group,
            &r.arn,
            &r.attached_managed_policies,
            &r.role_policy_list,
        );
    }
    out
}
