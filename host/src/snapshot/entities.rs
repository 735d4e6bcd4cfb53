//! The entity types of the normalised snapshot schema v1, one per WIT record or enum in the
//! "Snapshot entities" section of `wit/types.wit`, in the same field order.
//!
//! Each type serves three purposes at once: it is deserialised from the snapshot JSON (serde;
//! keys are the snake_case field names, enum values kebab-case), it documents the JSON Schema
//! (schemars, from these doc comments), and it is lowered straight into plugins (wasmtime's
//! component derives, names matching the WIT) without an intermediate copy. A unit test in
//! `runtime` links a component generated from `wit/` against these types, so any drift from
//! the contract fails the build's tests.

use super::raw_json;
use super::time;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};
use wasmtime::component::{ComponentType, Lift, Lower};

/// An entity's `account`: may be omitted (validation then fills in the snapshot's only
/// account, which is why the field defaults to the empty string) but never given empty.
fn account_id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let id = String::deserialize(d)?;
    if id.is_empty() {
        return Err(serde::de::Error::custom(
            "`account` is empty; name an account of `accounts` or omit the field",
        ));
    }
    Ok(id)
}

/// Schema of an entity's `account`: a non-empty string that may be omitted (no default value).
fn account_schema(schema: &mut schemars::Schema) {
    schema.remove("default");
    schema.insert("minLength".into(), 1.into());
}

/// A key/value tag on a resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, ComponentType, Lower)]
#[component(record)]
pub struct Tag {
    /// Tag key.
    pub key: String,
    /// Tag value.
    pub value: String,
}

/// What kind of identity a principal is.
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
pub enum PrincipalKind {
    /// A person's account.
    #[component(name = "user")]
    User,
    /// A workload identity: service account, IAM user used by a machine, app registration.
    #[component(name = "service")]
    Service,
    /// The provider's all-powerful account (AWS root user).
    #[component(name = "root")]
    Root,
    /// An emergency account kept outside normal controls.
    #[component(name = "break-glass")]
    BreakGlass,
}

/// Whether a principal can sign in.
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
pub enum AccountStatus {
    /// Can sign in.
    #[component(name = "enabled")]
    Enabled,
    /// Sign-in is switched off (by an administrator or a lifecycle process).
    #[component(name = "disabled")]
    Disabled,
    /// Temporarily blocked (by the provider or a policy), e.g. after failed sign-ins.
    #[component(name = "suspended")]
    Suspended,
}

/// The person's standing in the HR directory, when the snapshot carries it.
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
pub enum EmploymentStatus {
    /// Currently employed or engaged.
    #[component(name = "active")]
    Active,
    /// Employed but temporarily absent.
    #[component(name = "on-leave")]
    OnLeave,
    /// Has left the organisation: the accounts should be disabled.
    #[component(name = "departed")]
    Departed,
}

/// What a credential is.
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
pub enum CredentialKind {
    /// A sign-in password.
    #[component(name = "password")]
    Password,
    /// An API access key (e.g. an AWS access key id and secret).
    #[component(name = "access-key")]
    AccessKey,
    /// A client certificate.
    #[component(name = "certificate")]
    Certificate,
    /// A long-lived API or personal access token.
    #[component(name = "token")]
    Token,
    /// An SSH public key.
    #[component(name = "ssh-key")]
    SshKey,
    /// Any other kind.
    #[component(name = "other")]
    Other,
}

/// A long-lived credential of a principal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, ComponentType, Lower)]
#[component(record)]
pub struct Credential {
    /// Provider id, e.g. the access key id.
    pub id: String,
    /// What the credential is.
    pub kind: CredentialKind,
    /// Whether the credential is usable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// When it was created.
    #[serde(
        default,
        with = "time::optional",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<time::Rfc3339>")]
    pub created: Option<i64>,
    /// When it was last used.
    #[component(name = "last-used")]
    #[serde(
        default,
        with = "time::optional",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<time::Rfc3339>")]
    pub last_used: Option<i64>,
}

/// A user or service identity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, ComponentType, Lower)]
#[component(record)]
pub struct Principal {
    /// Provider id (ARN, object id, …), unique among the entities of this kind in the same
    /// account.
    #[schemars(length(min = 1))]
    pub id: String,
    /// Id of the account it belongs to, one of `accounts`. May be omitted when the snapshot
    /// declares exactly one account.
    #[serde(default, deserialize_with = "account_id")]
    #[schemars(transform = account_schema)]
    pub account: String,
    /// What kind of identity this is.
    pub kind: PrincipalKind,
    /// Display name.
    pub name: String,
    /// Sign-in name or e-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login: Option<String>,
    /// Whether the principal can sign in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<AccountStatus>,
    /// Holds administrative rights, directly or through groups and roles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin: Option<bool>,
    /// Whether the principal can sign in interactively (console, web).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interactive: Option<bool>,
    /// Whether a second factor is registered and required for sign-in.
    #[component(name = "mfa-enabled")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_enabled: Option<bool>,
    /// Second-factor methods registered (e.g. `totp`, `fido2`, `sms`).
    #[component(name = "mfa-methods")]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mfa_methods: Vec<String>,
    /// When it was created.
    #[serde(
        default,
        with = "time::optional",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<time::Rfc3339>")]
    pub created: Option<i64>,
    /// Last interactive or token sign-in.
    #[component(name = "last-sign-in")]
    #[serde(
        default,
        with = "time::optional",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<time::Rfc3339>")]
    pub last_sign_in: Option<i64>,
    /// Long-lived credentials (passwords, access keys, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credentials: Vec<Credential>,
    /// Where the identity is mastered: `local`, `sso`, `federated`, or a directory name
    /// (`entra-id`, `google-workspace`, `aws-iam`; `on-premises-ad` for accounts synchronised
    /// from an on-premises Active Directory).
    #[component(name = "identity-source")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_source: Option<String>,
    /// The person's standing in the HR directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employment: Option<EmploymentStatus>,
    /// An external or guest identity invited into the tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guest: Option<bool>,
    /// When a guest's access expires.
    #[component(name = "access-expires")]
    #[serde(
        default,
        with = "time::optional",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<time::Rfc3339>")]
    pub access_expires: Option<i64>,
    /// When access was last reviewed.
    #[component(name = "last-reviewed")]
    #[serde(
        default,
        with = "time::optional",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<time::Rfc3339>")]
    pub last_reviewed: Option<i64>,
    /// Key/value tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    /// Provider-specific extras the schema does not model yet (any JSON object).
    #[serde(default, with = "raw_json", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    pub attributes: Option<String>,
}

/// Whether a group is a membership group or a role.
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
pub enum GroupKind {
    /// A membership group.
    #[component(name = "group")]
    Group,
    /// A role (directory role, IAM role) principals are assigned to.
    #[component(name = "role")]
    Role,
}

/// A group or role principals belong to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, ComponentType, Lower)]
#[component(record)]
pub struct Group {
    /// Provider id (ARN, object id, …), unique among the entities of this kind in the same
    /// account.
    #[schemars(length(min = 1))]
    pub id: String,
    /// Id of the account it belongs to, one of `accounts`. May be omitted when the snapshot
    /// declares exactly one account.
    #[serde(default, deserialize_with = "account_id")]
    #[schemars(transform = account_schema)]
    pub account: String,
    /// Whether this is a membership group or a role.
    pub kind: GroupKind,
    /// Display name.
    pub name: String,
    /// Membership confers administrative rights.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin: Option<bool>,
    /// Ids of member principals.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<String>,
    /// Provider-specific extras the schema does not model yet (any JSON object).
    #[serde(default, with = "raw_json", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    pub attributes: Option<String>,
}

/// Who receives a grant.
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
pub enum SubjectKind {
    /// The subject is a principal.
    #[component(name = "principal")]
    Principal,
    /// The subject is a group or role.
    #[component(name = "group")]
    Group,
}

/// A permission (policy, role assignment) granted to a principal or group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, ComponentType, Lower)]
#[component(record)]
pub struct Grant {
    /// Provider id (ARN, object id, …), unique among the entities of this kind in the same
    /// account.
    #[schemars(length(min = 1))]
    pub id: String,
    /// Id of the account it belongs to, one of `accounts`. May be omitted when the snapshot
    /// declares exactly one account.
    #[serde(default, deserialize_with = "account_id")]
    #[schemars(transform = account_schema)]
    pub account: String,
    /// Whether the subject is a principal or a group.
    #[component(name = "subject-kind")]
    pub subject_kind: SubjectKind,
    /// Id of the principal or group.
    #[component(name = "subject-id")]
    pub subject_id: String,
    /// Name of the permission, policy or role, e.g. `AdministratorAccess`.
    pub permission: String,
    /// Where it applies (`*`, an ARN, an organisational unit), if scoped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The permission is administrative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin: Option<bool>,
    /// Provider-specific extras the schema does not model yet (any JSON object).
    #[serde(default, with = "raw_json", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    pub attributes: Option<String>,
}

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

/// How far a tenant lets users share.
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
pub enum SharingLevel {
    /// No sharing outside the organisation.
    #[component(name = "internal-only")]
    InternalOnly,
    /// Only with guests already in the directory.
    #[component(name = "existing-guests")]
    ExistingGuests,
    /// With new and existing guests who sign in.
    #[component(name = "new-and-existing-guests")]
    NewAndExistingGuests,
    /// With anyone, including anyone-with-the-link.
    #[component(name = "anyone")]
    Anyone,
}

/// An account's rules for sign-in passwords (the AWS IAM account password policy and the
/// like). An account without a custom policy has the provider's defaults here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, ComponentType, Lower)]
#[component(record)]
pub struct PasswordPolicy {
    /// Fewest characters a password may have.
    #[component(name = "min-length")]
    pub min_length: u32,
    /// At least one upper-case letter is required.
    #[component(name = "require-uppercase")]
    #[serde(default)]
    pub require_uppercase: bool,
    /// At least one lower-case letter is required.
    #[component(name = "require-lowercase")]
    #[serde(default)]
    pub require_lowercase: bool,
    /// At least one digit is required.
    #[component(name = "require-numbers")]
    #[serde(default)]
    pub require_numbers: bool,
    /// At least one symbol is required.
    #[component(name = "require-symbols")]
    #[serde(default)]
    pub require_symbols: bool,
    /// Days after which a password expires; absent: passwords never expire.
    #[component(name = "max-age-days")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age_days: Option<u32>,
    /// How many previous passwords cannot be reused; 0: reuse is allowed.
    #[component(name = "reuse-prevention")]
    #[serde(default)]
    pub reuse_prevention: u32,
}

/// Tenant- or account-wide settings of one service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, ComponentType, Lower)]
#[component(record)]
pub struct TenantSettings {
    /// Id of the account it belongs to, one of `accounts`. May be omitted when the snapshot
    /// declares exactly one account.
    #[serde(default, deserialize_with = "account_id")]
    #[schemars(transform = account_schema)]
    pub account: String,
    /// Service the settings belong to, e.g. `aws-s3`, `sharepoint`, `google-drive`; unique per
    /// account.
    #[schemars(length(min = 1))]
    pub service: String,
    /// Widest external sharing allowed.
    #[component(name = "external-sharing")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_sharing: Option<SharingLevel>,
    /// Domains sharing is restricted to, when an allow-list is set.
    #[component(name = "sharing-allowed-domains")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sharing_allowed_domains: Option<Vec<String>>,
    /// Whether the tenant's audit logging is switched on.
    #[component(name = "audit-logging-enabled")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_logging_enabled: Option<bool>,
    /// Account-level public-access block.
    #[component(name = "public-access-block")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_access_block: Option<PublicAccessBlock>,
    /// New volumes are encrypted by default.
    #[component(name = "default-encryption")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_encryption: Option<bool>,
    /// Guest access expires automatically.
    #[component(name = "guest-expiry-enabled")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guest_expiry_enabled: Option<bool>,
    /// Days after which guest access expires, when expiry is enabled.
    #[component(name = "guest-expiry-days")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guest_expiry_days: Option<u32>,
    /// Second-factor sign-in is enforced for all users.
    #[component(name = "mfa-enforced")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_enforced: Option<bool>,
    /// Password rules, for services whose users sign in with passwords.
    #[component(name = "password-policy")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_policy: Option<PasswordPolicy>,
    /// Sign-in through legacy protocols that cannot do MFA (basic authentication: IMAP, POP,
    /// SMTP AUTH, Exchange ActiveSync, …) is blocked for all users.
    #[component(name = "legacy-auth-blocked")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legacy_auth_blocked: Option<bool>,
    /// Every user's sign-in requires a phishing-resistant method (FIDO2 security keys, Windows
    /// Hello for Business, certificates), not just any second factor.
    #[component(name = "mfa-phishing-resistant")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_phishing_resistant: Option<bool>,
    /// Sign-ins of users the provider rates as high risk (leaked credentials, …) are blocked,
    /// and the licence that makes the rating work is in place.
    #[component(name = "high-risk-users-blocked")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high_risk_users_blocked: Option<bool>,
    /// Sign-ins the provider rates as high risk (impossible travel, anonymous IP, …) are
    /// blocked, and the licence that makes the rating work is in place.
    #[component(name = "high-risk-sign-ins-blocked")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high_risk_sign_ins_blocked: Option<bool>,
    /// Second factors that can be intercepted or redirected (`sms`, `voice`, `email` one-time
    /// codes) that users may still use; empty when all are switched off.
    #[component(name = "weak-mfa-methods")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weak_mfa_methods: Option<Vec<String>>,
    /// Guests' access to the directory is restricted (they cannot list users and groups as
    /// members can).
    #[component(name = "guest-access-restricted")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guest_access_restricted: Option<bool>,
    /// The account's root user has MFA, as an account-wide summary states it (AWS
    /// `get-account-summary`), for snapshots without the root user among `principals`.
    #[component(name = "root-mfa-enabled")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_mfa_enabled: Option<bool>,
    /// The account's root user has access keys, as an account-wide summary states it.
    #[component(name = "root-access-keys-present")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_access_keys_present: Option<bool>,
    /// Provider-specific extras the schema does not model yet (any JSON object).
    #[serde(default, with = "raw_json", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    pub attributes: Option<String>,
}

impl TenantSettings {
    /// Settings of `service` in `account` with nothing known yet.
    pub fn new(account: &str, service: &str) -> TenantSettings {
        TenantSettings {
            account: account.to_string(),
            service: service.to_string(),
            external_sharing: None,
            sharing_allowed_domains: None,
            audit_logging_enabled: None,
            public_access_block: None,
            default_encryption: None,
            guest_expiry_enabled: None,
            guest_expiry_days: None,
            mfa_enforced: None,
            password_policy: None,
            legacy_auth_blocked: None,
            mfa_phishing_resistant: None,
            high_risk_users_blocked: None,
            high_risk_sign_ins_blocked: None,
            weak_mfa_methods: None,
            guest_access_restricted: None,
            root_mfa_enabled: None,
            root_access_keys_present: None,
            attributes: None,
        }
    }

    /// Whether anything besides the account and the service is known: importers keep only
    /// settings that say something.
    pub fn states_anything(&self) -> bool {
        *self != TenantSettings::new(&self.account, &self.service)
    }
}
