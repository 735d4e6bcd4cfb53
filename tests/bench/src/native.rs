//! Arm (b): the first-party checks compiled natively and run in-process through the SDK, on
//! the same parsed snapshot. The check functions are the plugins' own code (their crates are
//! linked as libraries), so only the boundary differs from posture's Wasm path.
//!
//! The host's entity types and the SDK's are both generated from `wit/types.wit`, with the
//! same field and case names, so the conversion is a field-by-field copy spelled out once per
//! record below.

use posture::snapshot as host;
use posture_sdk as sdk;
use posture_sdk::testing::SnapshotBuilder;

/// A copy from a host type into the SDK type of the same WIT name.
trait ToSdk {
    type Out;
    fn to_sdk(&self) -> Self::Out;
}

macro_rules! same {
    ($($t:ty),*) => {$(
        impl ToSdk for $t {
            type Out = $t;
            fn to_sdk(&self) -> $t {
                self.clone()
            }
        }
    )*};
}
same!(String, bool, i64, u32);

impl<T: ToSdk> ToSdk for Option<T> {
    type Out = Option<T::Out>;
    fn to_sdk(&self) -> Self::Out {
        self.as_ref().map(ToSdk::to_sdk)
    }
}

impl<T: ToSdk> ToSdk for Vec<T> {
    type Out = Vec<T::Out>;
    fn to_sdk(&self) -> Self::Out {
        self.iter().map(ToSdk::to_sdk).collect()
    }
}

macro_rules! records {
    ($($name:ident { $($field:ident),* $(,)? })*) => {$(
        impl ToSdk for host::$name {
            type Out = sdk::$name;
            fn to_sdk(&self) -> sdk::$name {
                sdk::$name { $($field: self.$field.to_sdk()),* }
            }
        }
    )*};
}

macro_rules! enums {
    ($($name:ident { $($case:ident),* $(,)? })*) => {$(
        impl ToSdk for host::$name {
            type Out = sdk::$name;
            fn to_sdk(&self) -> sdk::$name {
                match self { $(host::$name::$case => sdk::$name::$case),* }
            }
        }
    )*};
}

enums! {
    PrincipalKind { User, Service, Root, BreakGlass }
    AccountStatus { Enabled, Disabled, Suspended }
    EmploymentStatus { Active, OnLeave, Departed }
    CredentialKind { Password, AccessKey, Certificate, Token, SshKey, Other }
    GroupKind { Group, Role }
    SubjectKind { Principal, Group }
    StorageKind { Bucket, Drive, Site, Repository, Other }
    DataStoreKind { Database, Volume, FileSystem, Cache, Other }
    KeyManager { Customer, Provider }
    ShareAudience { Public, AnyoneWithLink, ExternalDomain, ExternalUser, Internal }
    SharingLevel { InternalOnly, ExistingGuests, NewAndExistingGuests, Anyone }
}

records! {
    Tag { key, value }
    Credential { id, kind, active, created, last_used }
    Principal {
        id, account, kind, name, login, status, admin, interactive, mfa_enabled, mfa_methods,
        created, last_sign_in, credentials, identity_source, employment, guest, access_expires,
        last_reviewed, tags, attributes,
    }
    Group { id, account, kind, name, admin, members, attributes }
    Grant { id, account, subject_kind, subject_id, permission, scope, admin, attributes }
    PublicAccessBlock { block_public_acls, ignore_public_acls, block_public_policy, restrict_public_buckets }
    PasswordPolicy {
        min_length, require_uppercase, require_lowercase, require_numbers, require_symbols,
        max_age_days, reuse_prevention,
    }
    Storage {
        id, account, kind, name, region, public_read, public_write, public_access_block,
        encrypted, encryption_key, transport_encryption_enforced, versioning, immutable, tags,
        attributes,
    }
    DataStore {
        id, account, kind, name, engine, region, encrypted, encryption_key, publicly_accessible,
        backup_retention_days, tags, attributes,
    }
    AuditLog {
        id, account, name, service, enabled, logging, all_regions, management_events,
        retention_days, integrity_validation, immutable, destination, encrypted, encryption_key,
        last_delivery, attributes,
    }
    BackupPlan {
        id, account, name, retention_days, frequency_hours, vault, vault_locked,
        cross_region_copy, cross_account_copy, attributes,
    }
    ProtectedResource { resource_id, account, resource_kind, plan_id, last_backup, attributes }
    Key {
        id, account, name, manager, enabled, rotation_enabled, rotation_period_days,
        last_rotated, created, attributes,
    }
    Share {
        id, account, item_id, item_name, item_kind, owner, audience, domains, grantee,
        permission, created, expires, attributes,
    }
    TenantSettings {
        account, service, external_sharing, sharing_allowed_domains, audit_logging_enabled,
        public_access_block, default_encryption, guest_expiry_enabled, guest_expiry_days,
        mfa_enforced, password_policy, legacy_auth_blocked, mfa_phishing_resistant,
        high_risk_users_blocked, high_risk_sign_ins_blocked, weak_mfa_methods,
        guest_access_restricted, root_mfa_enabled, root_access_keys_present, attributes,
    }
}

/// The SDK snapshot holding a copy of every kind `s` carries (absent kinds stay absent).
pub fn snapshot(s: &host::Snapshot) -> sdk::Snapshot {
    let mut b = SnapshotBuilder::new();
    macro_rules! kinds {
        ($($field:ident),*) => {$(
            if let Some(v) = &s.$field {
                b = b.$field(v.to_sdk());
            }
        )*};
    }
    kinds!(
        principals,
        groups,
        grants,
        storage,
        data_stores,
        audit_logs,
        backup_plans,
        protected_resources,
        keys,
        shares,
        tenant_settings
    );
    b.build()
}

/// The five first-party plugins, as native code.
pub fn plugins() -> Vec<sdk::Plugin> {
    vec![
        posture_plugin_iam::plugin(),
        posture_plugin_logging::plugin(),
        posture_plugin_backup::plugin(),
        posture_plugin_encryption::plugin(),
        posture_plugin_sharing::plugin(),
    ]
}

/// Runs every check of `plugins` whose id `wanted` accepts, with default parameters, as
/// `evaluate` does in a component.
pub fn run(
    plugins: &[sdk::Plugin],
    s: &host::Snapshot,
    snap: &sdk::Snapshot,
    now: i64,
    wanted: &dyn Fn(&str) -> bool,
) -> anyhow::Result<Vec<sdk::Finding>> {
    let accounts: Vec<sdk::Account> = s
        .accounts
        .iter()
        .map(|a| sdk::Account {
            id: a.id.clone(),
            provider: a.provider.clone(),
            name: a.name.clone(),
        })
        .collect();
    let mut out = Vec::new();
    for p in plugins {
        let checks: Vec<sdk::CheckRequest> = p
            .describe()
            .checks
            .into_iter()
            .filter(|c| wanted(&c.id))
            .map(|c| sdk::CheckRequest {
                check_id: c.id,
                params: Vec::new(),
            })
            .collect();
        if checks.is_empty() {
            continue;
        }
        let ctx = sdk::EvaluationContext {
            now,
            captured_at: s.captured_at,
            accounts: accounts.clone(),
            checks,
        };
        out.extend(
            p.evaluate(ctx, snap)
                .map_err(|e| anyhow::anyhow!("{}: {}", p.name, e.message))?,
        );
    }
    Ok(out)
}
