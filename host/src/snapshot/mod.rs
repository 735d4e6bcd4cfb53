//! The normalised snapshot, schema v1: the document type, its entity kinds, loading with
//! errors that name the file and JSON path, post-parse validation, and the JSON Schema.
//!
//! A snapshot is one capture of one or more accounts (an AWS account, a Microsoft 365 tenant,
//! …). Each entity kind is an optional list: a missing list means "not collected" and makes
//! the checks that need it report not-evaluable; an empty list means "collected, none".

mod load;

pub use crate::contract::entities::*;
pub use crate::model::EntityKind;
pub use load::{
    DEFAULT_MAX_SNAPSHOT_BYTES, SnapshotError, from_slice, load, load_capped, read_capped,
};
pub(crate) use load::{pointer as json_pointer, strip_position as strip_json_position};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The value of the `schema` field of every v1 snapshot.
pub const SCHEMA_V1: &str = "posture.snapshot/v1";

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

impl crate::contract::EntitySource for Snapshot {
    fn count(&self, kind: EntityKind) -> Option<usize> {
        Snapshot::count(self, kind)
    }
    fn principals(&self) -> Option<&[Principal]> {
        self.principals.as_deref()
    }
    fn groups(&self) -> Option<&[Group]> {
        self.groups.as_deref()
    }
    fn grants(&self) -> Option<&[Grant]> {
        self.grants.as_deref()
    }
    fn storage(&self) -> Option<&[Storage]> {
        self.storage.as_deref()
    }
    fn data_stores(&self) -> Option<&[DataStore]> {
        self.data_stores.as_deref()
    }
    fn audit_logs(&self) -> Option<&[AuditLog]> {
        self.audit_logs.as_deref()
    }
    fn backup_plans(&self) -> Option<&[BackupPlan]> {
        self.backup_plans.as_deref()
    }
    fn protected_resources(&self) -> Option<&[ProtectedResource]> {
        self.protected_resources.as_deref()
    }
    fn keys(&self) -> Option<&[Key]> {
        self.keys.as_deref()
    }
    fn shares(&self) -> Option<&[Share]> {
        self.shares.as_deref()
    }
    fn tenant_settings(&self) -> Option<&[TenantSettings]> {
        self.tenant_settings.as_deref()
    }
}

/// The JSON Schema of the snapshot document.
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Snapshot)).unwrap_or(serde_json::Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

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
            std::fs::create_dir_all(path.parent().unwrap_or(&path)).expect("create schema/");
            std::fs::write(&path, &current).expect("write the schema");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "cannot read {}: {e} (POSTURE_BLESS=1 writes it)",
                path.display()
            )
        });
        assert!(
            committed == current,
            "{} is out of date; regenerate with `POSTURE_BLESS=1 cargo test -p posture --lib snapshot`",
            path.display()
        );
    }
}
