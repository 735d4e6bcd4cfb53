//! CloudTrail: trails with their status (logging, last delivery) and event selectors
//! (management events).

use super::scope::Scoped;
use super::time::{AwsTime, secs};
use crate::import::common::ImportError;
use crate::import::files::safe_component;
use crate::snapshot::AuditLog;
use serde::Deserialize;

#[derive(Deserialize)]
struct DescribeTrails {
    #[serde(rename = "trailList", default)]
    trails: Vec<Trail>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Trail {
    name: String,
    #[serde(rename = "TrailARN", default)]
    arn: Option<String>,
    #[serde(default)]
    is_multi_region_trail: Option<bool>,
    #[serde(default)]
    log_file_validation_enabled: Option<bool>,
    #[serde(default)]
    s3_bucket_name: Option<String>,
    #[serde(default)]
    kms_key_id: Option<String>,
    #[serde(default)]
    has_custom_event_selectors: Option<bool>,
    #[serde(default)]
    home_region: Option<String>,
}

/// A trail as one region's `describe-trails` lists it.
pub struct Listed {
    /// The trail; its `immutable` is left for the importer to take from the destination
    /// bucket.
    pub log: AuditLog,
    /// Listed in its home region (a multi-region trail is also listed, as a shadow, in every
    /// other region, where its status may not be readable).
    pub home: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TrailStatus {
    #[serde(default)]
    is_logging: Option<bool>,
    #[serde(default)]
    latest_delivery_time: Option<AwsTime>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct EventSelectors {
    event_selectors: Vec<EventSelector>,
    advanced_event_selectors: Vec<AdvancedSelector>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct EventSelector {
    #[serde(default)]
    read_write_type: Option<String>,
    #[serde(default)]
    include_management_events: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AdvancedSelector {
    #[serde(default)]
    field_selectors: Vec<FieldSelector>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct FieldSelector {
    field: String,
    #[serde(default)]
    equals: Vec<String>,
}

impl EventSelectors {
    /// Records all (read and write) management events.
    fn management_events(&self) -> bool {
        let basic = self.event_selectors.iter().any(|s| {
            s.include_management_events != Some(false)
                && s.read_write_type.as_deref().is_none_or(|t| t == "All")
        });
        let advanced = self.advanced_event_selectors.iter().any(|s| {
            let category = s
                .field_selectors
                .iter()
                .any(|f| f.field == "eventCategory" && f.equals.iter().any(|e| e == "Management"));
            let read_only_filter = s.field_selectors.iter().any(|f| f.field == "readOnly");
            category && !read_only_filter
        });
        basic || advanced
    }
}

/// Reads one region's CloudTrail files (`region`: the region they were collected in, when
/// known); `None` when `describe-trails` was not collected.
pub fn collect(
    files: &mut Scoped<'_>,
    account: &str,
    region: Option<&str>,
) -> Result<Option<Vec<Listed>>, ImportError> {
    let Some(list) = files
        .answer::<DescribeTrails>("cloudtrail/describe-trails.json")?
        .ok()
    else {
        return Ok(None);
    };
    let mut out = Vec::new();
    for t in list.trails {
        if !safe_component(&t.name) {
            return Err(ImportError::Invalid {
                path: files.display("cloudtrail/describe-trails.json"),
                message: format!("trail name `{}` cannot be a directory name", t.name),
            });
        }
        let dir = format!("cloudtrail/trails/{}", t.name);
        let status = files
            .answer::<TrailStatus>(&format!("{dir}/get-trail-status.json"))?
            .ok();
        let selectors = files
            .answer::<EventSelectors>(&format!("{dir}/get-event-selectors.json"))?
            .ok();
        let home = region.is_some() && t.home_region.as_deref() == region;
        let log = AuditLog {
            id: t.arn.clone().unwrap_or_else(|| t.name.clone()),
            account: account.to_string(),
            name: t.name,
            service: "cloudtrail".into(),
            enabled: Some(true),
            logging: status.as_ref().and_then(|s| s.is_logging),
            all_regions: t.is_multi_region_trail,
            // Without custom selectors a trail records every management event.
            management_events: selectors
                .as_ref()
                .map(EventSelectors::management_events)
                .or((t.has_custom_event_selectors == Some(false)).then_some(true)),
            // Kept by the destination bucket's lifecycle rules, which the export does not read.
            retention_days: None,
            integrity_validation: t.log_file_validation_enabled,
            // The destination bucket's Object Lock: set from the bucket by the importer.
            immutable: None,
            destination: t.s3_bucket_name.map(|b| format!("arn:aws:s3:::{b}")),
            // A KMS key on the trail encrypts the log files; without one, the log files are
            // encrypted as the destination bucket's default encryption says, a fact of the
            // bucket (its `get-bucket-encryption`), which the checks read there.
            encrypted: t.kms_key_id.as_ref().map(|_| true),
            encryption_key: t.kms_key_id,
            last_delivery: status.and_then(|s| secs(s.latest_delivery_time)),
            attributes: None,
        };
        out.push(Listed { log, home });
    }
    Ok(Some(out))
}
