//! First-party audit-logging checks: trail coverage, retention, integrity, protection of the
//! log store, SaaS audit logging. This file is the one place that declares the plugin and
//! lists its checks.

mod audit_trail;
mod integrity;
mod log_storage;
mod retention;
mod saas_audit;

use posture_sdk::Plugin;

/// The `posture-logging` plugin.
pub fn plugin() -> Plugin {
    Plugin::new("posture-logging", env!("CARGO_PKG_VERSION"), "posture")
        .check(audit_trail::check())
        .check(retention::check())
        .check(integrity::check())
        .check(log_storage::check())
        .check(saas_audit::check())
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
