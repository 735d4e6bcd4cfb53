//! The one `bindgen!` of the host: typed access to the exports of the `check-plugin-scoped`
//! world, which is `check-plugin` plus the optional `scope` export.
//!
//! Only the export side is used from here, one interface at a time
//! ([`plugin_exports`], [`scope_exports`]) rather than through the world's own `…Pre` type,
//! which would require every plugin to export `scope`: a plugin built for the plain
//! `check-plugin` world has no `scope`, and its checks apply to every provider. The `snapshot` import is
//! implemented by [`super::host_api`] directly over the snapshot types, so that entities are
//! lowered into the guest without an intermediate copy; wasmtime typechecks those definitions
//! against each plugin's imports when the plugin is pre-instantiated.

// Generated code: documented in `wit/`, not here.
#![allow(missing_docs)]

wasmtime::component::bindgen!({
    path: "../wit",
    world: "check-plugin-scoped",
});

pub use self::exports::posture::plugin::plugin as plugin_exports;
pub use self::exports::posture::plugin::scope as scope_exports;
pub use self::posture::plugin::types as wit;
