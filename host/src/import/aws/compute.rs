//! Data stores: RDS instances and EBS volumes, and the region's EBS encryption-by-default
//! setting.

use super::scope::Scoped;
use super::shapes::AwsTag;
use crate::import::common::ImportError;
use crate::snapshot::{DataStore, DataStoreKind, Tag, TenantSettings};
use serde::Deserialize;

/// What the RDS and EC2 files give the snapshot.
pub struct Compute {
    /// Databases and volumes; `None` when neither list was collected.
    pub data_stores: Option<Vec<DataStore>>,
    /// The `aws-ec2` tenant settings (EBS encryption by default), when collected.
    pub tenant: Option<TenantSettings>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeDbInstances {
    #[serde(rename = "DBInstances", default)]
    instances: Vec<DbInstance>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DbInstance {
    #[serde(rename = "DBInstanceIdentifier")]
    identifier: String,
    #[serde(rename = "DBInstanceArn", default)]
    arn: Option<String>,
    #[serde(default)]
    engine: Option<String>,
    #[serde(default)]
    availability_zone: Option<String>,
    #[serde(default)]
    storage_encrypted: Option<bool>,
    #[serde(default)]
    kms_key_id: Option<String>,
    #[serde(default)]
    publicly_accessible: Option<bool>,
    #[serde(default)]
    backup_retention_period: Option<u32>,
    #[serde(default)]
    tag_list: Vec<AwsTag>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeVolumes {
    #[serde(default)]
    volumes: Vec<Volume>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Volume {
    volume_id: String,
    #[serde(default)]
    availability_zone: Option<String>,
    #[serde(default)]
    encrypted: Option<bool>,
    #[serde(default)]
    kms_key_id: Option<String>,
    #[serde(default)]
    tags: Vec<AwsTag>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct EbsDefault {
    ebs_encryption_by_default: bool,
}

/// `eu-west-1a` → `eu-west-1`.
fn region_of(zone: Option<&str>) -> Option<String> {
    zone.map(|z| {
        z.trim_end_matches(|c: char| c.is_ascii_lowercase())
            .to_string()
    })
    .filter(|r| !r.is_empty())
}

fn tags(list: Vec<AwsTag>) -> Vec<Tag> {
    list.into_iter().map(Into::into).collect()
}

/// Reads one region's RDS and EC2 files. `region` is the region they were collected in, when
/// known (the region of a resource whose answer names no availability zone); `service` names
/// the region's EBS setting (`aws-ec2`, or `aws-ec2/REGION` when the export has several
/// regions, as the service is unique per account).
pub fn collect(
    files: &mut Scoped<'_>,
    account: &str,
    region: Option<&str>,
    service: &str,
) -> Result<Compute, ImportError> {
    let in_region = |zone: Option<&str>| region_of(zone).or(region.map(str::to_string));
    let rds = files
        .answer::<DescribeDbInstances>("rds/describe-db-instances.json")?
        .ok();
    let volumes = files
        .answer::<DescribeVolumes>("ec2/describe-volumes.json")?
        .ok();
    let default = files
        .answer::<EbsDefault>("ec2/get-ebs-encryption-by-default.json")?
        .ok();
    let data_stores = (rds.is_some() || volumes.is_some()).then(|| {
        let mut out: Vec<DataStore> = Vec::new();
        for db in rds.into_iter().flat_map(|r| r.instances) {
            out.push(DataStore {
                id: db.arn.unwrap_or_else(|| db.identifier.clone()),
                account: account.to_string(),
                kind: DataStoreKind::Database,
                name: db.identifier,
                engine: db.engine,
                region: in_region(db.availability_zone.as_deref()),
                encrypted: db.storage_encrypted,
                encryption_key: db.kms_key_id,
                publicly_accessible: db.publicly_accessible,
                backup_retention_days: db.backup_retention_period,
                tags: tags(db.tag_list),
                attributes: None,
            });
        }
        for v in volumes.into_iter().flat_map(|v| v.volumes) {
            let region = in_region(v.availability_zone.as_deref());
            out.push(DataStore {
                id: match &region {
                    Some(r) => format!("arn:aws:ec2:{r}:{account}:volume/{}", v.volume_id),
                    None => v.volume_id.clone(),
                },
                account: account.to_string(),
                kind: DataStoreKind::Volume,
                name: v.volume_id,
                engine: None,
                region,
                encrypted: v.encrypted,
                encryption_key: v.kms_key_id,
                // EBS volumes have no public-access setting in the answer.
                publicly_accessible: None,
                backup_retention_days: None,
                tags: tags(v.tags),
                attributes: None,
            });
        }
        out
    });
    let tenant = default.map(|d| TenantSettings {
        default_encryption: Some(d.ebs_encryption_by_default),
        ..TenantSettings::new(account, service)
    });
    Ok(Compute {
        data_stores,
        tenant,
    })
}
