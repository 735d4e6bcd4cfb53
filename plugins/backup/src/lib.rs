//! First-party backup checks: coverage of in-scope resources, retention, recency, and
//! protection of backups against deletion. This file is the one place that declares the
//! plugin and lists its checks.

mod coverage;
mod immutability;
mod recency;
mod retention;

use posture_sdk::Plugin;

/// The `posture-backup` plugin.
pub fn plugin() -> Plugin {
    Plugin::new("posture-backup", env!("CARGO_PKG_VERSION"), "posture")
        .check(coverage::check())
        .check(retention::check())
        .check(recency::check())
        .check(immutability::check())
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
