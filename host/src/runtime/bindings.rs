//! The one `bindgen!` of the host: typed access to the exports of the `check-plugin` world.
//!
//! Only the export side (`describe`, `evaluate`) is used from here. The `snapshot` import is
//! implemented by [`super::host_api`] directly over the snapshot types, so that entities are
//! lowered into the guest without an intermediate copy; wasmtime typechecks those definitions
//! against each plugin's imports when the plugin is pre-instantiated.

wasmtime::component::bindgen!({
    path: "../wit",
    world: "check-plugin",
});

pub use self::posture::plugin::types as wit;

/// The contract version of the WIT package this host was built from.
pub const CONTRACT_VERSION: &str = "0.2.0";
/// Interface names the host looks for, without their `@version` suffix.
pub const PLUGIN_EXPORT: &str = "posture:plugin/plugin";
/// The package prefix of the contract's interfaces.
pub const CONTRACT_PACKAGE: &str = "posture:plugin/";
