//! First-party sharing and exposure checks: public storage, publicly accessible databases,
//! account-wide and bucket public-access blocks, tenant sharing levels, link and external shares,
//! guest lifecycle. This file is the one place that declares the plugin and lists its checks.

mod account_block;
mod bucket_block;
mod guest_expiry;
mod link_shares;
mod public_databases;
mod public_storage;
mod tenant_level;

use posture_sdk::Plugin;

/// The `posture-sharing` plugin.
pub fn plugin() -> Plugin {
    Plugin::new("posture-sharing", env!("CARGO_PKG_VERSION"), "posture")
        .check(public_storage::check())
        .check(public_databases::check())
        .check(account_block::check())
        .check(bucket_block::check())
        .check(tenant_level::check())
        .check(link_shares::check())
        .check(guest_expiry::check())
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
