//! A third-party plugin for the plugin-distribution tests: `acme-vendor` 1.1.0 by Acme
//! Security, the update of `posture-test-vendor` (tests/plugins/vendor, version 1.0.0) that is
//! published over it. Against 1.0.0 it keeps `acme.mfa-everywhere`, removes
//! `acme.no-stale-keys` and adds `acme.admin-count`, the changes an update must report. The
//! checks are shared with 1.0.0 (`../vendor/src/checks.rs`); this file lists the ones 1.1.0
//! ships.

#[path = "../../vendor/src/checks.rs"]
pub mod checks;

use posture_sdk::Plugin;

/// The `acme-vendor` plugin, version 1.1.0 (its own version, not the workspace's).
pub fn plugin() -> Plugin {
    Plugin::new("acme-vendor", "1.1.0", "Acme Security")
        .check(checks::mfa_everywhere())
        .check(checks::admin_count())
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
    fn version_one_one_keeps_mfa_drops_stale_keys_adds_admin_count() {
        let info = super::plugin().describe();
        let ids: Vec<&str> = info.checks.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(
            (
                info.name.as_str(),
                info.version.as_str(),
                info.vendor.as_str()
            ),
            ("acme-vendor", "1.1.0", "Acme Security")
        );
        assert_eq!(ids, ["acme.mfa-everywhere", "acme.admin-count"]);
    }
}
