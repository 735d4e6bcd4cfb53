//! Operational entities: audit-log configurations, backup plans and the resources they
//! protect.

use super::{account_id, account_schema, raw_json, time};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use wasmtime::component::{ComponentType, Lower};

/// An audit-log configuration: a CloudTrail trail, the M365 unified audit log, Google
/// Workspace audit logs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, ComponentType, Lower)]
#[component(record)]
pub struct AuditLog {
    /// Provider id (ARN, object id, …), unique among the entities of this kind in the same
    /// account.
    #[schemars(length(min = 1))]
    pub id: String,
    /// Id of the account it belongs to, one of `accounts`. May be omitted when the snapshot
    /// declares exactly one account.
    #[serde(default, deserialize_with = "account_id")]
    #[schemars(transform = account_schema)]
    pub account: String,
    /// Name (trail name, log name).
    pub name: String,
    /// Service that produces it, e.g. `cloudtrail`, `m365-unified-audit-log`.
    pub service: String,
    /// Configured on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Currently delivering events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logging: Option<bool>,
    /// Covers all regions / the whole tenant.
    #[component(name = "all-regions")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all_regions: Option<bool>,
    /// Records management (control-plane) events.
    #[component(name = "management-events")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub management_events: Option<bool>,
    /// How long events are kept, in days.
    #[component(name = "retention-days")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_days: Option<u32>,
    /// Log files are integrity-validated (digests, signatures).
    #[component(name = "integrity-validation")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integrity_validation: Option<bool>,
    /// Stored immutably (object lock, retention lock).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub immutable: Option<bool>,
    /// Id of the storage entity the logs are written to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
    /// Encrypted at rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted: Option<bool>,
    /// Customer-managed key used, if any.
    #[component(name = "encryption-key")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_key: Option<String>,
    /// Time of the last successful delivery of events.
    #[component(name = "last-delivery")]
    #[serde(
        default,
        with = "time::optional",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<time::Rfc3339>")]
    pub last_delivery: Option<i64>,
    /// Provider-specific extras the schema does not model yet (any JSON object).
    #[serde(default, with = "raw_json", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    pub attributes: Option<String>,
}

/// A backup plan or policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, ComponentType, Lower)]
#[component(record)]
pub struct BackupPlan {
    /// Provider id (ARN, object id, …), unique among the entities of this kind in the same
    /// account.
    #[schemars(length(min = 1))]
    pub id: String,
    /// Id of the account it belongs to, one of `accounts`. May be omitted when the snapshot
    /// declares exactly one account.
    #[serde(default, deserialize_with = "account_id")]
    #[schemars(transform = account_schema)]
    pub account: String,
    /// Name of the plan.
    pub name: String,
    /// How long recovery points are kept, in days.
    #[component(name = "retention-days")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_days: Option<u32>,
    /// Interval between scheduled backups, in hours.
    #[component(name = "frequency-hours")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency_hours: Option<u32>,
    /// Vault or repository the backups go to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vault: Option<String>,
    /// The vault refuses deletion of recovery points before expiry (vault lock, immutability).
    #[component(name = "vault-locked")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vault_locked: Option<bool>,
    /// Copies go to another region.
    #[component(name = "cross-region-copy")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_region_copy: Option<bool>,
    /// Copies go to another account.
    #[component(name = "cross-account-copy")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_account_copy: Option<bool>,
    /// Provider-specific extras the schema does not model yet (any JSON object).
    #[serde(default, with = "raw_json", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    pub attributes: Option<String>,
}

/// A resource covered by a backup plan or by its own automated backups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, ComponentType, Lower)]
#[component(record)]
pub struct ProtectedResource {
    /// Id of the storage or data-store entity protected.
    #[component(name = "resource-id")]
    #[schemars(length(min = 1))]
    pub resource_id: String,
    /// Id of the account it belongs to, one of `accounts`. May be omitted when the snapshot
    /// declares exactly one account.
    #[serde(default, deserialize_with = "account_id")]
    #[schemars(transform = account_schema)]
    pub account: String,
    /// `storage`, `database`, `volume`, `file-system`, …
    #[component(name = "resource-kind")]
    pub resource_kind: String,
    /// Backup plan covering it, if any.
    #[component(name = "plan-id")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_id: Option<String>,
    /// Time of the last successful backup.
    #[component(name = "last-backup")]
    #[serde(
        default,
        with = "time::optional",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<time::Rfc3339>")]
    pub last_backup: Option<i64>,
    /// Provider-specific extras the schema does not model yet (any JSON object).
    #[serde(default, with = "raw_json", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    pub attributes: Option<String>,
}
