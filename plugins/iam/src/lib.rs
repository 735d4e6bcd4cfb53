//! First-party identity and access management checks. This file is the one place that
//! declares the plugin and lists its checks; each check lives in its own module.

mod admin_mfa;

use posture_sdk::Plugin;

/// The `posture-iam` plugin.
pub fn plugin() -> Plugin {
    Plugin::new("posture-iam", env!("CARGO_PKG_VERSION"), "posture").check(admin_mfa::check())
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
