//! The Rust guest SDK for posture check plugins.
//!
//! A check is a plain function from a [`Context`] and a [`Snapshot`] to findings; a
//! [`Plugin`] value declares the plugin's identity and all its checks in one place, and
//! [`export_plugin!`] turns it into the component's exports. The same code runs natively, so
//! checks are unit-tested with [`testing`] without any WebAssembly.
//!
//! ```
//! use posture_sdk::prelude::*;
//!
//! fn admins_use_mfa(_cx: &Context, snap: &Snapshot) -> CheckResult {
//!     const ID: &str = "example.admin-mfa";
//!     let mut out = Vec::new();
//!     // `?` turns a kind missing from the snapshot into a not-evaluable finding.
//!     for (i, p) in snap.principals()?.iter().enumerate() {
//!         if p.admin != Some(true) {
//!             continue;
//!         }
//!         let f = match p.mfa_enabled {
//!             Some(true) => Finding::pass(ID, resource::principal(p), "administrator uses MFA"),
//!             Some(false) => Finding::fail(ID, resource::principal(p), "administrator has no MFA"),
//!             None => Finding::not_evaluable(ID, resource::principal(p), "MFA state unknown"),
//!         };
//!         out.push(f.evidence("mfa_enabled", show(p.mfa_enabled), path(EntityKind::Principals, i, "mfa_enabled")));
//!     }
//!     Ok(out)
//! }
//!
//! fn plugin() -> Plugin {
//!     Plugin::new("example", "0.1.0", "Example Corp").check(
//!         Check::new("example.admin-mfa", admins_use_mfa)
//!             .title("Administrators use MFA")
//!             .severity(Severity::High)
//!             .soc2("CC6.1")
//!             .reads(&[EntityKind::Principals]),
//!         // A check of one provider's settings would also say `.providers(&["aws"])`.
//!     )
//! }
//! posture_sdk::export_plugin!(plugin);
//!
//! // Natively, in a unit test:
//! use posture_sdk::testing::{self, SnapshotBuilder};
//! let mut admin = testing::principal("u1", "Ann");
//! admin.admin = Some(true);
//! admin.mfa_enabled = Some(false);
//! let snap = SnapshotBuilder::new().principals(vec![admin]).build();
//! let findings = testing::run(&plugin(), "example.admin-mfa", &snap, &[]);
//! assert_eq!(findings[0].status, Status::Fail);
//! ```

pub mod check;
pub mod context;
#[doc(hidden)]
pub mod export;
pub mod finding;
pub mod snapshot;
pub mod tenant;
pub mod testing;

/// Bindings generated from the contract in `wit/` (one `generate!` for the whole SDK).
#[allow(missing_docs, clippy::all)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "../wit",
        world: "check-plugin-scoped",
        pub_export_macro: true,
        export_macro_name: "__export_check_plugin",
        default_bindings_module: "posture_sdk::bindings",
        additional_derives: [PartialEq],
    });
}

pub use bindings::exports::posture::plugin::scope::CheckScope;
pub use bindings::posture::plugin::types::*;
pub use check::{Check, CheckError, CheckFn, CheckResult, Plugin};
pub use context::Context;
pub use finding::{path, resource, rfc3339, show, show_enum, show_time, wit_name};
pub use snapshot::{Absent, Snapshot};

/// The repository README's Rust examples, compiled and run as doctests.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// The contract version this SDK builds plugins for.
pub const CONTRACT_VERSION: &str = "0.2.0";

/// Everything a check author needs, in one import.
pub mod prelude {
    pub use crate::bindings::exports::posture::plugin::scope::CheckScope;
    pub use crate::bindings::posture::plugin::types::*;
    pub use crate::check::{Check, CheckError, CheckResult, Plugin};
    pub use crate::context::Context;
    pub use crate::finding::{path, resource, rfc3339, show, show_enum, show_time, wit_name};
    pub use crate::snapshot::{Absent, Snapshot};
}

#[cfg(test)]
mod tests {
    #[test]
    fn contract_version_is_the_wit_package_version() {
        let wit = include_str!("../../wit/world.wit");
        let package = format!("package posture:plugin@{};", super::CONTRACT_VERSION);
        assert!(
            wit.lines().any(|l| l == package),
            "{package} not in wit/world.wit"
        );
    }
}
