//! Data entities: storage containers, data stores, encryption keys and shares.

use super::{Tag, account_id, account_schema, raw_json, time};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use wasmtime::component::{ComponentType, Lift, Lower};

/// What kind of storage container.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
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
pub enum StorageKind {
    /// An object-storage bucket (S3, GCS, Azure Blob container).
    #[component(name = "bucket")]
    Bucket,
    /// A personal or shared drive (OneDrive, Google Drive).
    #[component(name = "drive")]
    Drive,
    /// A collaboration site (SharePoint).
    #[component(name = "site")]
    Site,
    /// A source-code repository.
    #[component(name = "repository")]
    Repository,
    /// Any other kind.
    #[component(name = "other")]
    Other,
}

/// Block-public-access style settings (AWS S3 names; other providers map onto them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, ComponentType, Lower)]
#[component(record)]
pub struct PublicAccessBlock {
    /// Reject new public ACLs.
    #[component(name = "block-public-acls")]
    pub block_public_acls: bool,
    /// Ignore existing public ACLs.
    #[component(name = "ignore-public-acls")]
    pub ignore_public_acls: bool,
    /// Reject public bucket policies.
    #[component(name = "block-public-policy")]
    pub block_public_policy: bool,
    /// Restrict access to buckets with public policies.
    #[component(name = "restrict-public-buckets")]
    pub restrict_public_buckets: bool,
}

/// A storage container: bucket, drive, site, repository.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, ComponentType, Lower)]
#[component(record)]
pub struct Storage {
    /// Provider id (ARN, object id, …), unique among the entities of this kind in the same
    /// account.
    #[schemars(length(min = 1))]
    pub id: String,
    /// Id of the account it belongs to, one of `accounts`. May be omitted when the snapshot
    /// declares exactly one account.
    #[serde(default, deserialize_with = "account_id")]
    #[schemars(transform = account_schema)]
    pub account: String,
    /// What kind of storage container this is.
    pub kind: StorageKind,
    /// Name (bucket name, site title, repository name).
    pub name: String,
    /// Region, if regional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Anyone on the internet can read objects.
    #[component(name = "public-read")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_read: Option<bool>,
    /// Anyone on the internet can write objects.
    #[component(name = "public-write")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_write: Option<bool>,
    /// Block-public-access settings of this container.
    #[component(name = "public-access-block")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_access_block: Option<PublicAccessBlock>,
    /// Encrypted at rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted: Option<bool>,
    /// Customer-managed key used for encryption at rest, if any.
    #[component(name = "encryption-key")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_key: Option<String>,
    /// Requests without TLS are refused.
    #[component(name = "transport-encryption-enforced")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transport_encryption_enforced: Option<bool>,
    /// Object versioning is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versioning: Option<bool>,
    /// Object lock / retention lock / immutability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub immutable: Option<bool>,
    /// Key/value tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    /// Provider-specific extras the schema does not model yet (any JSON object).
    #[serde(default, with = "raw_json", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    pub attributes: Option<String>,
}

/// What kind of data store.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
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
pub enum DataStoreKind {
    /// A managed or self-hosted database.
    #[component(name = "database")]
    Database,
    /// A block-storage volume (EBS, managed disk).
    #[component(name = "volume")]
    Volume,
    /// A network file system (EFS, FSx, Azure Files).
    #[component(name = "file-system")]
    FileSystem,
    /// An in-memory cache (ElastiCache, Memorystore).
    #[component(name = "cache")]
    Cache,
    /// Any other kind.
    #[component(name = "other")]
    Other,
}

/// A database, volume or file system.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, ComponentType, Lower)]
#[component(record)]
pub struct DataStore {
    /// Provider id (ARN, object id, …), unique among the entities of this kind in the same
    /// account.
    #[schemars(length(min = 1))]
    pub id: String,
    /// Id of the account it belongs to, one of `accounts`. May be omitted when the snapshot
    /// declares exactly one account.
    #[serde(default, deserialize_with = "account_id")]
    #[schemars(transform = account_schema)]
    pub account: String,
    /// What kind of data store this is.
    pub kind: DataStoreKind,
    /// Name or identifier.
    pub name: String,
    /// Engine or type, e.g. `postgres`, `gp3`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<String>,
    /// Region, if regional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Encrypted at rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted: Option<bool>,
    /// Customer-managed key used, if any.
    #[component(name = "encryption-key")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_key: Option<String>,
    /// Reachable from the internet.
    #[component(name = "publicly-accessible")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publicly_accessible: Option<bool>,
    /// Retention of the store's own automated backups in days (0 = off).
    #[component(name = "backup-retention-days")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_retention_days: Option<u32>,
    /// Key/value tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    /// Provider-specific extras the schema does not model yet (any JSON object).
    #[serde(default, with = "raw_json", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    pub attributes: Option<String>,
}

/// Who manages a key.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
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
pub enum KeyManager {
    /// Managed by the customer (customer-managed key).
    #[component(name = "customer")]
    Customer,
    /// Managed by the cloud provider on the customer's behalf.
    #[component(name = "provider")]
    Provider,
}

/// An encryption key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, ComponentType, Lower)]
#[component(record)]
pub struct Key {
    /// Provider id (ARN, object id, …), unique among the entities of this kind in the same
    /// account.
    #[schemars(length(min = 1))]
    pub id: String,
    /// Id of the account it belongs to, one of `accounts`. May be omitted when the snapshot
    /// declares exactly one account.
    #[serde(default, deserialize_with = "account_id")]
    #[schemars(transform = account_schema)]
    pub account: String,
    /// Alias or display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Who manages the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager: Option<KeyManager>,
    /// The key can be used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Automatic rotation is on.
    #[component(name = "rotation-enabled")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_enabled: Option<bool>,
    /// Rotation period in days.
    #[component(name = "rotation-period-days")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_period_days: Option<u32>,
    /// When it was last rotated.
    #[component(name = "last-rotated")]
    #[serde(
        default,
        with = "time::optional",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<time::Rfc3339>")]
    pub last_rotated: Option<i64>,
    /// When it was created.
    #[serde(
        default,
        with = "time::optional",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<time::Rfc3339>")]
    pub created: Option<i64>,
    /// Provider-specific extras the schema does not model yet (any JSON object).
    #[serde(default, with = "raw_json", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    pub attributes: Option<String>,
}

/// Who a share reaches.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
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
pub enum ShareAudience {
    /// Public on the internet, no link needed.
    #[component(name = "public")]
    Public,
    /// Anyone holding the link, without signing in.
    #[component(name = "anyone-with-link")]
    AnyoneWithLink,
    /// Everyone in one or more external domains.
    #[component(name = "external-domain")]
    ExternalDomain,
    /// Named external people or guests.
    #[component(name = "external-user")]
    ExternalUser,
    /// People inside the organisation only.
    #[component(name = "internal")]
    Internal,
}

/// A sharing grant on a file, folder, site or repository.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, ComponentType, Lower)]
#[component(record)]
pub struct Share {
    /// Provider id (ARN, object id, …), unique among the entities of this kind in the same
    /// account.
    #[schemars(length(min = 1))]
    pub id: String,
    /// Id of the account it belongs to, one of `accounts`. May be omitted when the snapshot
    /// declares exactly one account.
    #[serde(default, deserialize_with = "account_id")]
    #[schemars(transform = account_schema)]
    pub account: String,
    /// Id of the shared item.
    #[component(name = "item-id")]
    pub item_id: String,
    /// Name of the shared item.
    #[component(name = "item-name")]
    pub item_name: String,
    /// `file`, `folder`, `site`, `drive`, `repository`, …
    #[component(name = "item-kind")]
    pub item_kind: String,
    /// Owner of the item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Who the share reaches.
    pub audience: ShareAudience,
    /// Domains reached (for `external-domain`, or the grantee's domain).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<String>,
    /// The grantee, for `external-user`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grantee: Option<String>,
    /// `read`, `comment`, `write`, `owner`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission: Option<String>,
    /// When it was created.
    #[serde(
        default,
        with = "time::optional",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<time::Rfc3339>")]
    pub created: Option<i64>,
    /// When the share expires.
    #[serde(
        default,
        with = "time::optional",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<time::Rfc3339>")]
    pub expires: Option<i64>,
    /// Provider-specific extras the schema does not model yet (any JSON object).
    #[serde(default, with = "raw_json", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    pub attributes: Option<String>,
}
