//! S3: buckets (ACL, policy, public-access block, default encryption, versioning, object lock,
//! tags) and the account-level public-access block (S3 Control).

use super::policy;
use super::scope::Scoped;
use super::shapes::AwsTag;
use crate::import::common::ImportError;
use crate::import::files::Answer;
use crate::import::files::safe_component;
use crate::snapshot::{PublicAccessBlock, Storage, StorageKind, TenantSettings};
use serde::Deserialize;
use serde_json::Value;

/// What the S3 files give the snapshot.
pub struct S3 {
    /// Buckets; `None` when `list-buckets` was not collected.
    pub buckets: Option<Vec<Storage>>,
    /// The `aws-s3` tenant settings (account-level public-access block), when collected.
    pub tenant: Option<TenantSettings>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListBuckets {
    #[serde(default)]
    buckets: Vec<BucketEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct BucketEntry {
    name: String,
    /// The bucket's region, in the answers of newer S3 APIs.
    #[serde(default)]
    bucket_region: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Location {
    #[serde(default)]
    location_constraint: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct BucketPolicy {
    policy: Value,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Acl {
    #[serde(default)]
    grants: Vec<AclGrant>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AclGrant {
    grantee: Grantee,
    permission: String,
}

#[derive(Deserialize)]
struct Grantee {
    #[serde(rename = "URI", default)]
    uri: Option<String>,
}

/// `get-public-access-block` (bucket or account).
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PabAnswer {
    public_access_block_configuration: PabConfig,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct PabConfig {
    block_public_acls: bool,
    ignore_public_acls: bool,
    block_public_policy: bool,
    restrict_public_buckets: bool,
}

impl From<PabConfig> for PublicAccessBlock {
    fn from(c: PabConfig) -> PublicAccessBlock {
        PublicAccessBlock {
            block_public_acls: c.block_public_acls,
            ignore_public_acls: c.ignore_public_acls,
            block_public_policy: c.block_public_policy,
            restrict_public_buckets: c.restrict_public_buckets,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Encryption {
    server_side_encryption_configuration: EncryptionConfig,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct EncryptionConfig {
    #[serde(default)]
    rules: Vec<EncryptionRule>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct EncryptionRule {
    #[serde(default)]
    apply_server_side_encryption_by_default: Option<EncryptionDefault>,
}

#[derive(Deserialize)]
struct EncryptionDefault {
    #[serde(rename = "SSEAlgorithm")]
    algorithm: String,
    #[serde(rename = "KMSMasterKeyID", default)]
    key: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Versioning {
    #[serde(default)]
    status: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ObjectLock {
    object_lock_configuration: ObjectLockConfig,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ObjectLockConfig {
    #[serde(default)]
    object_lock_enabled: Option<String>,
    #[serde(default)]
    rule: Option<ObjectLockRule>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ObjectLockRule {
    #[serde(default)]
    default_retention: Option<DefaultRetention>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DefaultRetention {
    #[serde(default)]
    days: Option<u32>,
    #[serde(default)]
    years: Option<u32>,
}

impl ObjectLockConfig {
    /// New objects are locked: Object Lock on with a default retention period. Object Lock on
    /// without one locks only the objects their writer locks (CloudTrail locks none).
    fn locks_new_objects(&self) -> bool {
        self.object_lock_enabled.as_deref() == Some("Enabled")
            && self
                .rule
                .as_ref()
                .and_then(|r| r.default_retention.as_ref())
                .is_some_and(|d| d.days.unwrap_or(0) > 0 || d.years.unwrap_or(0) > 0)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Tagging {
    #[serde(default)]
    tag_set: Vec<AwsTag>,
}

const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
const AUTHENTICATED_USERS: &str = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

/// (public read, public write) granted by an ACL.
fn acl_public(acl: &Acl) -> (bool, bool) {
    let mut read = false;
    let mut write = false;
    for g in &acl.grants {
        let anyone = matches!(
            g.grantee.uri.as_deref(),
            Some(ALL_USERS | AUTHENTICATED_USERS)
        );
        if !anyone {
            continue;
        }
        match g.permission.as_str() {
            "READ" | "READ_ACP" => read = true,
            "WRITE" | "WRITE_ACP" => write = true,
            "FULL_CONTROL" => {
                read = true;
                write = true;
            }
            _ => {}
        }
    }
    (read, write)
}

/// Reads the S3 files (S3 is global: one list of buckets per account, each bucket's region
/// from its location).
pub fn collect(files: &mut Scoped<'_>, account: &str) -> Result<S3, ImportError> {
    let account_block = files
        .answer::<PabAnswer>("s3control/get-public-access-block.json")?
        .map(|a| a.public_access_block_configuration)
        .or_unset(
            &["NoSuchPublicAccessBlockConfiguration"],
            PabConfig::default(),
        );
    let account_pab = account_block
        .as_ref()
        .map(|c| (c.ignore_public_acls, c.restrict_public_buckets));
    let tenant = account_block.map(|c| TenantSettings {
        public_access_block: Some(c.into()),
        ..TenantSettings::new(account, "aws-s3")
    });
    let Some(list) = files.answer::<ListBuckets>("s3api/list-buckets.json")?.ok() else {
        return Ok(S3 {
            buckets: None,
            tenant,
        });
    };
    let mut buckets = Vec::new();
    for b in list.buckets {
        if !safe_component(&b.name) {
            return Err(ImportError::Invalid {
                path: files.display("s3api/list-buckets.json"),
                message: format!("bucket name `{}` cannot be a directory name", b.name),
            });
        }
        buckets.push(bucket(
            files,
            &b.name,
            account,
            b.bucket_region.as_deref(),
            account_pab,
        )?);
    }
    Ok(S3 {
        buckets: Some(buckets),
        tenant,
    })
}

/// One bucket. `listed_region` is the region `list-buckets` gave, if any; `account_pab` is the
/// account-level (ignore public ACLs, restrict public buckets), which AWS applies on top of
/// the bucket's own block.
fn bucket(
    files: &mut Scoped<'_>,
    name: &str,
    account: &str,
    listed_region: Option<&str>,
    account_pab: Option<(bool, bool)>,
) -> Result<Storage, ImportError> {
    let dir = format!("s3api/buckets/{name}");
    let at = |call: &str| format!("{dir}/{call}.json");
    let location = files.answer::<Location>(&at("get-bucket-location"))?.ok();
    let policy_doc = files
        .answer::<BucketPolicy>(&at("get-bucket-policy"))?
        .map(|p| policy::document(&p.policy))
        .or_unset(&["NoSuchBucketPolicy"], None);
    let acl = files.answer::<Acl>(&at("get-bucket-acl"))?.ok();
    let pab = files
        .answer::<PabAnswer>(&at("get-public-access-block"))?
        .map(|a| a.public_access_block_configuration)
        .or_unset(
            &["NoSuchPublicAccessBlockConfiguration"],
            PabConfig::default(),
        );
    let encryption = files
        .answer::<Encryption>(&at("get-bucket-encryption"))?
        .map(|e| e.server_side_encryption_configuration.rules)
        .or_unset(
            &["ServerSideEncryptionConfigurationNotFoundError"],
            Vec::new(),
        );
    let versioning = files
        .answer::<Versioning>(&at("get-bucket-versioning"))?
        .ok();
    let lock = files
        .answer::<ObjectLock>(&at("get-object-lock-configuration"))?
        .map(|l| l.object_lock_configuration.locks_new_objects())
        .or_unset(&["ObjectLockConfigurationNotFoundError"], false);
    let tags = match files.answer::<Tagging>(&at("get-bucket-tagging"))? {
        Answer::Ok(t) => t.tag_set,
        _ => Vec::new(),
    };

    // Public: an effective public ACL grant or policy statement, known only when both were
    // collected (one known to be public is enough). A public-access block that ignores public
    // ACLs or restricts public buckets (on the bucket or the account) neutralises them.
    let ignore_acls =
        pab.as_ref().is_some_and(|p| p.ignore_public_acls) || account_pab.is_some_and(|a| a.0);
    let restrict =
        pab.as_ref().is_some_and(|p| p.restrict_public_buckets) || account_pab.is_some_and(|a| a.1);
    let from_acl = acl.as_ref().map(|a| {
        if ignore_acls {
            (false, false)
        } else {
            acl_public(a)
        }
    });
    let from_policy = policy_doc.as_ref().map(|d| match d {
        Some(doc) if !restrict => policy::bucket_policy_public(doc),
        _ => (false, false),
    });
    let either = |pick: fn((bool, bool)) -> bool| match (from_acl.map(pick), from_policy.map(pick))
    {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    };
    let key = encryption.as_ref().and_then(|rules| {
        rules
            .iter()
            .filter_map(|r| r.apply_server_side_encryption_by_default.as_ref())
            .find_map(|d| d.key.clone())
    });
    let encrypted = encryption.as_ref().map(|rules| {
        rules
            .iter()
            .filter_map(|r| r.apply_server_side_encryption_by_default.as_ref())
            .any(|d| !d.algorithm.is_empty())
    });
    let transport = policy_doc
        .as_ref()
        .map(|d| d.as_ref().is_some_and(policy::denies_insecure_transport));
    let region = match location {
        // `null` (or empty) is us-east-1, the API's oldest quirk.
        Some(l) => Some(
            l.location_constraint
                .filter(|c| !c.is_empty())
                .unwrap_or_else(|| "us-east-1".into()),
        ),
        // Not the collecting CLI's region: buckets of every region are listed from one.
        None => listed_region.filter(|r| !r.is_empty()).map(str::to_string),
    };
    Ok(Storage {
        id: format!("arn:aws:s3:::{name}"),
        account: account.to_string(),
        kind: StorageKind::Bucket,
        name: name.to_string(),
        region,
        public_read: either(|(r, _)| r),
        public_write: either(|(_, w)| w),
        public_access_block: pab.map(Into::into),
        encrypted,
        encryption_key: key,
        transport_encryption_enforced: transport,
        versioning: versioning.map(|v| v.status.as_deref() == Some("Enabled")),
        immutable: lock,
        tags: tags.into_iter().map(Into::into).collect(),
        attributes: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acl_grants_to_everyone() {
        let acl: Acl = serde_json::from_value(serde_json::json!({"Grants": [
            {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"},
            {"Grantee": {"Type": "CanonicalUser", "ID": "abc"}, "Permission": "FULL_CONTROL"}
        ]}))
        .expect("acl");
        assert_eq!(acl_public(&acl), (true, false));
    }
}
