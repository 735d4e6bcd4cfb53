//! First-party encryption checks: data at rest (and volumes' account
//! default), data in transit, key rotation. This file is
//! the one place that declares the plugin and lists its checks.

mod at_rest;
mod default_encryption;
mod in_transit;
mod key_rotation;

use posture_sdk::Plugin;

/// The `posture-encryption` plugin.
pub fn plugin() -> Plugin {
    Plugin::new("posture-encryption", env!("CARGO_PKG_VERSION"), "posture")
        .check(at_rest::check())
        .check(default_encryption::check())
        .check(key_rotation::check())
        .check(in_transit::check())
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
