//! The authorization details (`get-account-authorization-details`): the users, groups, roles
//! and customer-managed policies it lists, who of them holds administrative rights
//! ([`Admins`]: AWS's `AdministratorAccess`, a policy allowing `*` on `*`, or membership of a
//! group that has either), and the snapshot's IAM groups, roles and grants built from them.

use super::policy;
use super::shapes::{AttachedPolicy, AwsTag, attached_is_admin_policy};
use super::time::AwsTime;
use crate::snapshot::{Grant, Group, GroupKind, SubjectKind};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeSet;

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct AuthorizationDetails {
    pub(super) user_detail_list: Vec<UserDetail>,
    group_detail_list: Vec<GroupDetail>,
    role_detail_list: Vec<RoleDetail>,
    policies: Vec<ManagedPolicy>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct UserDetail {
    pub(super) user_name: String,
    pub(super) arn: String,
    #[serde(default)]
    pub(super) create_date: Option<AwsTime>,
    #[serde(default)]
    group_list: Vec<String>,
    #[serde(default)]
    attached_managed_policies: Vec<AttachedPolicy>,
    #[serde(default)]
    user_policy_list: Vec<InlinePolicy>,
    #[serde(default)]
    pub(super) tags: Vec<AwsTag>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct GroupDetail {
    group_name: String,
    arn: String,
    #[serde(default)]
    attached_managed_policies: Vec<AttachedPolicy>,
    #[serde(default)]
    group_policy_list: Vec<InlinePolicy>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct RoleDetail {
    role_name: String,
    arn: String,
    #[serde(default)]
    attached_managed_policies: Vec<AttachedPolicy>,
    #[serde(default)]
    role_policy_list: Vec<InlinePolicy>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct InlinePolicy {
    policy_name: String,
    #[serde(default)]
    policy_document: Value,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct ManagedPolicy {
    arn: String,
    #[serde(default)]
    policy_version_list: Vec<PolicyVersion>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct PolicyVersion {
    #[serde(default)]
    document: Value,
    #[serde(default)]
    is_default_version: bool,
}

/// Which users, groups and roles hold administrative rights.
pub(super) struct Admins {
    /// Customer-managed policies (by ARN) whose default version grants admin.
    admin_policies: BTreeSet<String>,
    /// Groups (by name) that grant admin.
    admin_groups: BTreeSet<String>,
}

impl Admins {
    pub(super) fn new(d: &AuthorizationDetails) -> Admins {
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

    pub(super) fn user_is_admin(&self, u: &UserDetail) -> bool {
        self.any_admin(&u.attached_managed_policies, &u.user_policy_list)
            || u.group_list.iter().any(|g| self.admin_groups.contains(g))
    }
}

pub(super) fn groups(d: &AuthorizationDetails, a: &Admins) -> Vec<Group> {
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

pub(super) fn grants(d: &AuthorizationDetails, a: &Admins) -> Vec<Grant> {
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
