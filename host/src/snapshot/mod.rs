//! The normalised snapshot, schema v1: the document type, its entity kinds, loading with
//! errors that name the file and JSON path, post-parse validation, and the JSON Schema.
//!
//! A snapshot is one capture of one or more accounts (an AWS account, a Microsoft 365 tenant,
//! …). Each entity kind is an optional list: a missing list means "not collected" and makes
//! the checks that need it report not-evaluable; an empty list means "collected, none".

mod entities;
mod load;
mod raw_json;
pub mod time;

pub use entities::*;
pub use load::{DEFAULT_MAX_SNAPSHOT_BYTES, SnapshotError, from_slice, load, load_capped};
pub(crate) use load::{pointer as json_pointer, strip_position as strip_json_position};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use wasmtime::component::{ComponentType, Lift, Lower};

/// The value of the `schema` field of every v1 snapshot.
pub const SCHEMA_V1: &str = "posture.snapshot/v1";

/// The kinds of entity a snapshot holds (WIT `entity-kind`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    JsonSchema,
    ComponentType,
    Lower,
    Lift,
)]
#[serde(rename_all = "kebab-case")]
#[component(enum)]
#[repr(u8)]
pub enum EntityKind {
    /// Users and service identities.
    #[component(name = "principals")]
    Principals,
    /// Groups and roles.
    #[component(name = "groups")]
    Groups,
    /// Permissions granted to principals or groups.
    #[component(name = "grants")]
    Grants,
    /// Buckets, drives, sites, repositories.
    #[component(name = "storage")]
    Storage,
    /// Databases, volumes, file systems.
    #[component(name = "data-stores")]
    DataStores,
    /// Audit-log configurations.
    #[component(name = "audit-logs")]
    AuditLogs,
    /// Backup plans.
    #[component(name = "backup-plans")]
    BackupPlans,
    /// Resources covered by backups.
    #[component(name = "protected-resources")]
    ProtectedResources,
    /// Encryption keys.
    #[component(name = "keys")]
    Keys,
    /// Sharing grants on items.
    #[component(name = "shares")]
    Shares,
    /// Tenant-wide settings per service.
    #[component(name = "tenant-settings")]
    TenantSettings,
}

impl EntityKind {
    /// Every kind, in contract order.
    pub const ALL: [EntityKind; 11] = [
        EntityKind::Principals,
        EntityKind::Groups,
        EntityKind::Grants,
        EntityKind::Storage,
        EntityKind::DataStores,
        EntityKind::AuditLogs,
        EntityKind::BackupPlans,
        EntityKind::ProtectedResources,
        EntityKind::Keys,
        EntityKind::Shares,
        EntityKind::TenantSettings,
    ];

    /// The WIT name, e.g. `data-stores`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Principals => "principals",
            EntityKind::Groups => "groups",
            EntityKind::Grants => "grants",
            EntityKind::Storage => "storage",
            EntityKind::DataStores => "data-stores",
            EntityKind::AuditLogs => "audit-logs",
            EntityKind::BackupPlans => "backup-plans",
            EntityKind::ProtectedResources => "protected-resources",
            EntityKind::Keys => "keys",
            EntityKind::Shares => "shares",
            EntityKind::TenantSettings => "tenant-settings",
        }
    }

    /// The key of this kind's list in the snapshot JSON, e.g. `data_stores`.
    pub fn json_key(self) -> &'static str {
        match self {
            EntityKind::DataStores => "data_stores",
            EntityKind::AuditLogs => "audit_logs",
            EntityKind::BackupPlans => "backup_plans",
            EntityKind::ProtectedResources => "protected_resources",
            EntityKind::TenantSettings => "tenant_settings",
            other => other.as_str(),
        }
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EntityKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EntityKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s || k.json_key() == s)
            .ok_or_else(|| format!("unknown entity kind `{s}`"))
    }
}

/// An account the snapshot covers (WIT `account`): an AWS account, a Microsoft 365 tenant, a
/// Google Workspace customer, a GitHub organisation, …
#[derive(
    Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, ComponentType, Lower, Lift,
)]
#[component(record)]
pub struct Account {
    /// Id referenced by each entity's `account` field (AWS account id, tenant domain, …);
    /// unique within the snapshot.
    #[schemars(length(min = 1))]
    pub id: String,
    /// Provider: `aws`, `m365`, `google-workspace`, `github`, `azure`, `gcp`, …
    pub provider: String,
    /// Human name, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Where a snapshot came from: recorded by importers so that reports can cite their source.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Provenance {
    /// Tool or importer that produced the snapshot, e.g. `posture import aws`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    /// Source format and version, e.g. `aws-cli-json` or `scubagear-provider-export/1.5`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_format: Option<String>,
    /// Version of the source: the exporting tool and its version, e.g. `aws-cli/1.46.3`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_version: Option<String>,
    /// Input files with their sha256 digests.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<ProvenanceFile>,
}

/// One input file of a snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ProvenanceFile {
    /// Path as given to the importer.
    pub path: String,
    /// sha256 of its bytes, hex.
    pub sha256: String,
}

/// A normalised snapshot (schema v1): one capture of the configuration of one or more accounts.
///
/// Each entity list is optional: a missing (or `null`) list means the kind was not collected,
/// and checks that need it report not-evaluable; an empty list means collected, none found.
/// Fields this schema does not know are ignored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "posture normalised snapshot v1")]
pub struct Snapshot {
    /// Schema version of the document; always `posture.snapshot/v1` for this schema.
    #[schemars(extend("const" = "posture.snapshot/v1"))]
    pub schema: String,
    /// When the configuration was captured (RFC 3339).
    #[serde(with = "time::required")]
    #[schemars(with = "time::Rfc3339")]
    pub captured_at: i64,
    /// The accounts covered; at least one, with unique ids. An entity may omit its `account`
    /// only when exactly one account is declared.
    #[schemars(length(min = 1))]
    pub accounts: Vec<Account>,
    /// Where the snapshot came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
    /// Users and service identities; absent = not collected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principals: Option<Vec<Principal>>,
    /// Groups and roles; absent = not collected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<Group>>,
    /// Permissions granted; absent = not collected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grants: Option<Vec<Grant>>,
    /// Buckets, drives, sites, repositories; absent = not collected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<Vec<Storage>>,
    /// Databases, volumes, file systems; absent = not collected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_stores: Option<Vec<DataStore>>,
    /// Audit-log configurations; absent = not collected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_logs: Option<Vec<AuditLog>>,
    /// Backup plans; absent = not collected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_plans: Option<Vec<BackupPlan>>,
    /// Resources covered by backups; absent = not collected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protected_resources: Option<Vec<ProtectedResource>>,
    /// Encryption keys; absent = not collected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keys: Option<Vec<Key>>,
    /// Sharing grants; absent = not collected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shares: Option<Vec<Share>>,
    /// Tenant-wide settings per service; absent = not collected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_settings: Option<Vec<TenantSettings>>,
}

macro_rules! accessors {
    ($($field:ident: $ty:ty),* $(,)?) => {
        impl Snapshot {
            $(
                #[doc = concat!("The `", stringify!($field), "` list, or `None` if not collected.")]
                pub fn $field(&self) -> Option<&[$ty]> {
                    self.$field.as_deref()
                }
            )*
        }
    };
}

accessors!(
    principals: Principal,
    groups: Group,
    grants: Grant,
    storage: Storage,
    data_stores: DataStore,
    audit_logs: AuditLog,
    backup_plans: BackupPlan,
    protected_resources: ProtectedResource,
    keys: Key,
    shares: Share,
    tenant_settings: TenantSettings,
);

impl Snapshot {
    /// A snapshot with no accounts and no entity kinds, for callers that need one before any
    /// snapshot is loaded (e.g. `describe`). It does not pass validation.
    pub fn empty() -> Snapshot {
        Snapshot {
            schema: SCHEMA_V1.into(),
            captured_at: 0,
            accounts: Vec::new(),
            provenance: None,
            principals: None,
            groups: None,
            grants: None,
            storage: None,
            data_stores: None,
            audit_logs: None,
            backup_plans: None,
            protected_resources: None,
            keys: None,
            shares: None,
            tenant_settings: None,
        }
    }

    /// Number of entities of `kind`, or `None` if the kind was not collected.
    pub fn count(&self, kind: EntityKind) -> Option<usize> {
        match kind {
            EntityKind::Principals => self.principals.as_ref().map(Vec::len),
            EntityKind::Groups => self.groups.as_ref().map(Vec::len),
            EntityKind::Grants => self.grants.as_ref().map(Vec::len),
            EntityKind::Storage => self.storage.as_ref().map(Vec::len),
            EntityKind::DataStores => self.data_stores.as_ref().map(Vec::len),
            EntityKind::AuditLogs => self.audit_logs.as_ref().map(Vec::len),
            EntityKind::BackupPlans => self.backup_plans.as_ref().map(Vec::len),
            EntityKind::ProtectedResources => self.protected_resources.as_ref().map(Vec::len),
            EntityKind::Keys => self.keys.as_ref().map(Vec::len),
            EntityKind::Shares => self.shares.as_ref().map(Vec::len),
            EntityKind::TenantSettings => self.tenant_settings.as_ref().map(Vec::len),
        }
    }
}

/// A copy of items `[offset, offset + limit)` of `items` (empty if absent or past the end).
pub fn page_of<T: Clone>(items: Option<&[T]>, offset: u32, limit: u32) -> Vec<T> {
    let Some(items) = items else {
        return Vec::new();
    };
    let start = (offset as usize).min(items.len());
    let end = start.saturating_add(limit as usize).min(items.len());
    items[start..end].to_vec()
}

/// The JSON Schema of the snapshot document.
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Snapshot)).unwrap_or(serde_json::Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_clamp_to_the_list() {
        let v = [1, 2, 3, 4, 5];
        assert_eq!(page_of(Some(&v[..]), 0, 2), vec![1, 2]);
        assert_eq!(page_of(Some(&v[..]), 4, 10), vec![5]);
        assert_eq!(page_of(Some(&v[..]), 9, 10), Vec::<i32>::new());
        assert_eq!(page_of(Some(&v[..]), u32::MAX, u32::MAX), Vec::<i32>::new());
        assert_eq!(page_of::<i32>(None, 0, 10), Vec::<i32>::new());
    }

    #[test]
    fn entity_kind_names_round_trip() {
        for k in EntityKind::ALL {
            assert_eq!(k.as_str().parse::<EntityKind>(), Ok(k));
            assert_eq!(k.json_key().parse::<EntityKind>(), Ok(k));
        }
    }

    #[test]
    fn committed_json_schema_is_current() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/snapshot-v1.schema.json");
        let mut current = serde_json::to_string_pretty(&json_schema()).unwrap_or_default();
        current.push('\n');
        if std::env::var_os("POSTURE_BLESS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap_or(&path)).ok();
            std::fs::write(&path, &current).ok();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == current,
            "{} is out of date; regenerate with `POSTURE_BLESS=1 cargo test -p posture --lib snapshot`",
            path.display()
        );
    }
}
