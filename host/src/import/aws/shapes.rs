//! AWS answers' shapes that several readers share: attached managed policies, tags, and the
//! base IAM user every reader of IAM principals starts from.

use super::policy::ADMIN_POLICY_ARN;
use crate::snapshot::{Principal, PrincipalKind, Tag};
use serde::Deserialize;

/// A managed policy attached to a user, group or role.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttachedPolicy {
    /// Its name.
    pub policy_name: String,
    /// Its ARN.
    pub policy_arn: String,
}

/// AWS's own administrator policy (customer policies need their document: see `iam_details::Admins`).
pub fn attached_is_admin_policy(p: &AttachedPolicy) -> bool {
    p.policy_arn == ADMIN_POLICY_ARN
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

/// An IAM user named `name` (id: its ARN) with nothing else known yet.
pub fn aws_user(arn: &str, name: &str) -> Principal {
    Principal {
        identity_source: Some("aws-iam".into()),
        guest: Some(false),
        ..Principal::new(arn, "", PrincipalKind::User, name)
    }
}
