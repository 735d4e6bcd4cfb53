//! CloudTrail: trails with their status (logging, last delivery) and event selectors
//! (management events).

use super::time::{AwsTime, secs};
use crate::import::common::ImportError;
use crate::import::files::ExportFiles;
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

/// Reads the CloudTrail files; `None` when `describe-trails` was not collected.
pub fn collect(
    files: &mut ExportFiles,
    account: &str,
) -> Result<Option<Vec<AuditLog>>, ImportError> {
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
        out.push(AuditLog {
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
            immutable: None,
            destination: t.s3_bucket_name.map(|b| format!("arn:aws:s3:::{b}")),
            // CloudTrail always encrypts log files (SSE-S3 unless a KMS key is set).
            encrypted: Some(true),
            encryption_key: t.kms_key_id,
            last_delivery: status.and_then(|s| secs(s.latest_delivery_time)),
            attributes: None,
        });
    }
    Ok(Some(out))
}
