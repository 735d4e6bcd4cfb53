//! First-party identity and access management checks. This file is the one place that
//! declares the plugin and lists its checks; each check lives in its own module.

mod admin_count;
mod admin_mfa;
mod cloud_only_admins;
mod common;
mod credential_age;
mod departed_accounts;
mod direct_admin_grants;
mod guest_access;
mod legacy_auth;
mod password_policy;
mod risk_blocking;
mod root_access_keys;
mod root_mfa;
mod stale_accounts;
mod tenant_mfa;
mod user_mfa;
mod weak_mfa;

use posture_sdk::Plugin;

/// The `posture-iam` plugin.
pub fn plugin() -> Plugin {
    Plugin::new("posture-iam", env!("CARGO_PKG_VERSION"), "posture")
        .check(admin_mfa::check())
        .check(user_mfa::check())
        .check(tenant_mfa::check())
        .check(legacy_auth::check())
        .check(risk_blocking::check())
        .check(weak_mfa::check())
        .check(guest_access::check())
        .check(admin_count::check())
        .check(cloud_only_admins::check())
        .check(stale_accounts::check())
        .check(departed_accounts::check())
        .check(credential_age::check())
        .check(root_mfa::check())
        .check(root_access_keys::check())
        .check(direct_admin_grants::check())
        .check(password_policy::check())
}

posture_sdk::export_plugin!(plugin);

#[cfg(test)]
mod tests {
    #[test]
    fn metadata_is_complete() {
        let problems = posture_sdk::testing::metadata_problems(&super::plugin());
        assert!(problems.is_empty(), "{problems:#?}");
    }
}
