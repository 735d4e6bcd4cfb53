//! Identity entities: principals with their credentials, groups and roles, and the grants
//! that give them permissions.

use super::{Tag, account_id, account_schema, raw_json, time};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use wasmtime::component::{ComponentType, Lift, Lower};

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

impl Principal {
    /// Principal `id` of `kind` named `name` in `account`, with nothing else known yet:
    /// importers set what their export states on top of it.
    pub fn new(id: &str, account: &str, kind: PrincipalKind, name: &str) -> Principal {
        Principal {
            id: id.to_string(),
            account: account.to_string(),
            kind,
            name: name.to_string(),
            login: None,
            status: None,
            admin: None,
            interactive: None,
            mfa_enabled: None,
            mfa_methods: Vec::new(),
            created: None,
            last_sign_in: None,
            credentials: Vec::new(),
            identity_source: None,
            employment: None,
            guest: None,
            access_expires: None,
            last_reviewed: None,
            tags: Vec::new(),
            attributes: None,
        }
    }
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
