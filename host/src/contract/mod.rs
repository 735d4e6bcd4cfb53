//! The contract room: everything that knows the WIT contract in `wit/`.
//!
//! - The contract version, read from `wit/world.wit` at build time and written nowhere else
//!   in the host ([`CONTRACT_VERSION`]), and which plugin versions are compatible with it.
//! - [`bindings`]: the one `bindgen!` of the host (the exports of the `check-plugin-scoped`
//!   world: `plugin`, and `scope` when a plugin has it).
//! - [`entities`]: the snapshot entity types, one per WIT record or enum, lowered straight
//!   into plugins.
//! - [`convert`]: every conversion between WIT binding types and the host's model.
//! - [`host_api`]: the `snapshot` interface the plugins call.
//!
//! wasmtime types appear only here and in the runtime. A change to `wit/` touches this
//! folder and the SDK; the test below fails when the entity types drift from the WIT.

pub mod bindings;
pub mod convert;
pub mod entities;
pub mod host_api;

pub use host_api::{EntitySource, SnapshotHost};

/// The contract version of the WIT package this host was built from (`wit/world.wit`).
pub const CONTRACT_VERSION: &str = env!("POSTURE_CONTRACT_VERSION");
/// The plugin interface a component must export, without its `@version` suffix.
pub const PLUGIN_EXPORT: &str = "posture:plugin/plugin";
/// The optional interface through which a plugin scopes its checks to providers, without its
/// `@version` suffix.
pub const SCOPE_EXPORT: &str = "posture:plugin/scope";
/// The package prefix of the contract's interfaces.
pub const CONTRACT_PACKAGE: &str = "posture:plugin/";

/// The contract versions this host accepts, for messages: `MAJOR.MINOR.x` of
/// [`CONTRACT_VERSION`].
pub fn supported_contracts() -> String {
    match semver::Version::parse(CONTRACT_VERSION) {
        Ok(v) => format!("{}.{}.x", v.major, v.minor),
        Err(_) => CONTRACT_VERSION.to_string(),
    }
}

/// Whether a plugin built for contract `v` can run on this host: same major and minor
/// version as [`CONTRACT_VERSION`] (while the major version is 0, the minor version is the
/// compatibility line).
pub fn contract_compatible(v: &semver::Version) -> bool {
    semver::Version::parse(CONTRACT_VERSION)
        .is_ok_and(|ours| v.major == ours.major && v.minor == ours.minor)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::entities::*;
    use super::*;
    use crate::model::EntityKind;
    use std::path::Path;
    use std::time::Duration;
    use wasmtime::component::{Component, Linker};
    use wit_parser::{LiftLowerAbi, ManglingAndAbi, Resolve};

    #[test]
    fn the_version_is_the_wit_packages() {
        let wit =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../wit/world.wit"))
                .unwrap_or_default();
        assert!(wit.contains(&format!("package posture:plugin@{CONTRACT_VERSION};")));
        let v = semver::Version::parse(CONTRACT_VERSION).unwrap_or(semver::Version::new(0, 0, 0));
        assert!(contract_compatible(&v));
        assert!(!contract_compatible(&semver::Version::new(
            v.major,
            v.minor + 1,
            0
        )));
        assert_eq!(supported_contracts(), format!("{}.{}.x", v.major, v.minor));
    }

    struct Nothing;
    impl EntitySource for Nothing {
        fn count(&self, _: EntityKind) -> Option<usize> {
            None
        }
        fn principals(&self) -> Option<&[Principal]> {
            None
        }
        fn groups(&self) -> Option<&[Group]> {
            None
        }
        fn grants(&self) -> Option<&[Grant]> {
            None
        }
        fn storage(&self) -> Option<&[Storage]> {
            None
        }
        fn data_stores(&self) -> Option<&[DataStore]> {
            None
        }
        fn audit_logs(&self) -> Option<&[AuditLog]> {
            None
        }
        fn backup_plans(&self) -> Option<&[BackupPlan]> {
            None
        }
        fn protected_resources(&self) -> Option<&[ProtectedResource]> {
            None
        }
        fn keys(&self) -> Option<&[Key]> {
            None
        }
        fn shares(&self) -> Option<&[Share]> {
            None
        }
        fn tenant_settings(&self) -> Option<&[TenantSettings]> {
            None
        }
    }
    impl SnapshotHost for Nothing {
        fn entities(&self) -> &dyn EntitySource {
            self
        }
        fn admit(&mut self, _: EntityKind) -> wasmtime::Result<()> {
            Ok(())
        }
        fn served_page(&mut self, _: Duration) {}
    }

    /// A component of `world` generated from `wit/` itself, whose functions all trap: it
    /// imports everything the world imports, so linking it proves that every snapshot function
    /// the host defines has exactly the WIT type (records, field order, enums, options).
    pub(crate) fn dummy_plugin(world: &str) -> Vec<u8> {
        let mut resolve = Resolve::new();
        let wit = Path::new(env!("CARGO_MANIFEST_DIR")).join("../wit");
        let (pkg, _) = resolve.push_dir(&wit).expect("wit/ parses");
        let world = resolve.select_world(&[pkg], Some(world)).expect("world");
        let mut module = wit_component::dummy_module(
            &resolve,
            world,
            ManglingAndAbi::Legacy(LiftLowerAbi::Sync),
        );
        wit_component::embed_component_metadata(
            &mut module,
            &resolve,
            world,
            wit_component::StringEncoding::UTF8,
            false,
        )
        .expect("embed");
        wit_component::ComponentEncoder::default()
            .module(&module)
            .expect("module")
            .validate(true)
            .encode()
            .expect("encode")
    }

    #[test]
    fn host_snapshot_functions_match_the_wit_types() {
        let engine = wasmtime::Engine::default();
        let mut linker: Linker<Nothing> = Linker::new(&engine);
        host_api::add_to_linker(&mut linker).expect("define the snapshot interface");
        let component = Component::new(&engine, dummy_plugin("check-plugin")).expect("compile");
        let imports: Vec<String> = component
            .component_type()
            .imports(&engine)
            .map(|(n, _)| n.to_string())
            .collect();
        assert!(
            imports
                .iter()
                .any(|n| n == &host_api::snapshot_instance_name()),
            "{imports:?}"
        );
        if let Err(e) = linker.instantiate_pre(&component) {
            panic!("host snapshot interface does not match wit/: {e:#}");
        }
    }
}
