//! Tenant entities: sharing levels, password policies and tenant- or account-wide settings.

use super::{PublicAccessBlock, account_id, account_schema, raw_json};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use wasmtime::component::{ComponentType, Lift, Lower};

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
