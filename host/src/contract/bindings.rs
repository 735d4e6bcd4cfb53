//! The one `bindgen!` of the host: typed access to the exports of the `check-plugin` world.
//!
//! Only the export side (`describe`, `evaluate`) is used from here. The `snapshot` import is
//! implemented by [`super::host_api`] directly over the snapshot types, so that entities are
//! lowered into the guest without an intermediate copy; wasmtime typechecks those definitions
//! against each plugin's imports when the plugin is pre-instantiated.

// Generated code: documented in `wit/`, not here.
#![allow(missing_docs)]

wasmtime::component::bindgen!({
    path: "../wit",
    world: "check-plugin",
});

pub use self::posture::plugin::types as wit;
