//! The per-user IAM calls, read when the credential report is missing (for instance where
//! `iam:GenerateCredentialReport` is denied): `list-users`, and per user `list-mfa-devices` and
//! `list-attached-user-policies`. Slower to collect (calls per user) and less complete (no
//! access-key dates), so only a fallback.

use super::scope::Scoped;
use super::shapes::{AttachedPolicy, attached_is_admin_policy, aws_user};
use super::time::{AwsTime, secs};
use crate::import::common::ImportError;
use crate::import::files::safe_component;
use crate::snapshot::{Grant, Principal, SubjectKind};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListUsers {
    #[serde(default)]
    users: Vec<User>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct User {
    user_name: String,
    arn: String,
    #[serde(default)]
    create_date: Option<AwsTime>,
    #[serde(default)]
    password_last_used: Option<AwsTime>,
}

#[derive(Deserialize)]
struct MfaDevices {
    #[serde(rename = "MFADevices", default)]
    devices: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AttachedPolicies {
    #[serde(default)]
    attached_policies: Vec<AttachedPolicy>,
}

/// Users from the per-user calls, and the grants their attached policies make (`None` when
/// no user's policies were collected).
pub struct PerUser {
    /// One principal per user.
    pub principals: Vec<Principal>,
    /// Directly attached managed policies.
    pub grants: Option<Vec<Grant>>,
}

/// Reads `iam/list-users.json` and the per-user files; `None` without `list-users`.
pub fn collect(files: &mut Scoped<'_>) -> Result<Option<PerUser>, ImportError> {
    let Some(list) = files.answer::<ListUsers>("iam/list-users.json")?.ok() else {
        return Ok(None);
    };
    let mut principals = Vec::new();
    let mut grants: Option<Vec<Grant>> = None;
    for u in list.users {
        if !safe_component(&u.user_name) {
            return Err(ImportError::Invalid {
                path: files.display("iam/list-users.json"),
                message: format!("user name `{}` cannot be a directory name", u.user_name),
            });
        }
        let dir = format!("iam/users/{}", u.user_name);
        let mfa = files
            .answer::<MfaDevices>(&format!("{dir}/list-mfa-devices.json"))?
            .ok()
            .map(|m| !m.devices.is_empty());
        let attached = files
            .answer::<AttachedPolicies>(&format!("{dir}/list-attached-user-policies.json"))?
            .ok()
            .map(|a| a.attached_policies);
        // An attached administrator policy is conclusive; its absence is not (groups and
        // inline policies are not read here).
        let admin = attached
            .as_ref()
            .and_then(|ps| ps.iter().any(attached_is_admin_policy).then_some(true));
        if let Some(attached) = attached {
            grants
                .get_or_insert_with(Vec::new)
                .extend(attached.into_iter().map(|p| Grant {
                    id: format!("{}#{}", u.arn, p.policy_arn),
                    account: String::new(),
                    subject_kind: SubjectKind::Principal,
                    subject_id: u.arn.clone(),
                    admin: Some(attached_is_admin_policy(&p)),
                    permission: p.policy_name,
                    scope: None,
                    attributes: None,
                }));
        }
        let last = secs(u.password_last_used);
        principals.push(Principal {
            admin,
            // A password used at least once: a console user. Otherwise unknown.
            interactive: last.map(|_| true),
            mfa_enabled: mfa,
            created: secs(u.create_date),
            last_sign_in: last,
            ..aws_user(&u.arn, &u.user_name)
        });
    }
    Ok(Some(PerUser { principals, grants }))
}
