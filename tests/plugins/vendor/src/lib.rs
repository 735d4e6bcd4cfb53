//! A third-party plugin for the plugin-distribution tests: `acme-vendor` 1.0.0 by Acme
//! Security, the version that is published to an OCI registry and added from it. Its update,
//! 1.1.0, is `posture-test-vendor-next` (tests/plugins/vendor-next): it keeps
//! `acme.mfa-everywhere`, drops `acme.no-stale-keys` and adds `acme.admin-count`, so that an
//! update has checks to report as added and removed. The checks of both versions live in
//! `checks.rs`; this file lists the ones 1.0.0 ships.

pub mod checks;

use posture_sdk::Plugin;

/// The `acme-vendor` plugin, version 1.0.0 (its own version, not the workspace's).
pub fn plugin() -> Plugin {
    Plugin::new("acme-vendor", "1.0.0", "Acme Security")
        .check(checks::mfa_everywhere())
        .check(checks::no_stale_keys())
}

posture_sdk::export_plugin!(plugin);

#[cfg(test)]
mod tests {
    #[test]
    fn metadata_is_complete() {
        let problems = posture_sdk::testing::metadata_problems(&super::plugin());
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn version_one_ships_mfa_and_stale_keys() {
        let info = super::plugin().describe();
        let ids: Vec<&str> = info.checks.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(
            (
                info.name.as_str(),
                info.version.as_str(),
                info.vendor.as_str()
            ),
            ("acme-vendor", "1.0.0", "Acme Security")
        );
        assert_eq!(ids, ["acme.mfa-everywhere", "acme.no-stale-keys"]);
    }
}
