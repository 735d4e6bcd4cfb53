//! Loading end-to-end tests: contract-version refusal, foreign imports, the compile cache,
//! and the real IAM plugin's metadata.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use posture::runtime::{LoadError, Runtime};
use posture_e2e::iam_plugin;
use std::path::Path;

/// A component exporting the plugin interface of contract 0.1.0 (which this host no longer
/// supports: 0.2.0 changed `tenant-settings`). The host must refuse it from its type, before
/// running anything.
const CONTRACT_0_1: &str = r#"
(component
  (core module $m (func (export "describe")))
  (core instance $i (instantiate $m))
  (func $describe (canon lift (core func $i "describe")))
  (instance $plugin (export "describe" (func $describe)))
  (export "posture:plugin/plugin@0.1.0" (instance $plugin))
)
"#;

const NOT_A_PLUGIN: &str = r#"
(component
  (core module $m (func (export "run")))
  (core instance $i (instantiate $m))
  (func $run (canon lift (core func $i "run")))
  (export "run" (func $run))
)
"#;

const FOREIGN_IMPORT: &str = r#"
(component
  (import "evil:net/socket@1.0.0" (instance (export "connect" (func))))
  (core module $m (func (export "describe")))
  (core instance $i (instantiate $m))
  (func $describe (canon lift (core func $i "describe")))
  (instance $plugin (export "describe" (func $describe)))
  (export "posture:plugin/plugin@0.2.0" (instance $plugin))
)
"#;

fn load_wat(wat: &str) -> LoadError {
    let rt = Runtime::new(None).expect("runtime");
    match rt.load_bytes(Path::new("test.wasm"), wat.as_bytes()) {
        Ok(_) => panic!("component was accepted"),
        Err(e) => e,
    }
}

#[test]
fn plugin_for_another_contract_version_is_refused_with_both_versions() {
    let e = load_wat(CONTRACT_0_1);
    assert!(matches!(e, LoadError::IncompatibleContract { .. }), "{e}");
    let msg = e.to_string();
    assert!(msg.contains("posture:plugin@0.1.0"), "{msg}");
    assert!(msg.contains("0.2.x"), "{msg}");
    assert!(msg.contains("test.wasm"), "{msg}");
}

#[test]
fn component_without_the_plugin_export_is_refused() {
    let e = load_wat(NOT_A_PLUGIN);
    assert!(matches!(e, LoadError::NotAPlugin { .. }), "{e}");
    assert!(e.to_string().contains("exports: run"), "{e}");
}

#[test]
fn foreign_import_is_refused_at_load() {
    let e = load_wat(FOREIGN_IMPORT);
    assert!(matches!(e, LoadError::UnsupportedImport { .. }), "{e}");
    assert!(e.to_string().contains("evil:net/socket@1.0.0"), "{e}");
}

#[test]
fn garbage_bytes_are_refused() {
    let rt = Runtime::new(None).expect("runtime");
    let e = rt
        .load_bytes(Path::new("junk.wasm"), b"\0asm\x0d\0\x01\0garbage")
        .err()
        .expect("refused");
    assert!(matches!(e, LoadError::Compile { .. }), "{e}");
}

#[test]
fn second_load_uses_the_compile_cache() {
    let cache = tempfile::tempdir().expect("tmp");
    let path = iam_plugin();
    let first = Runtime::new(Some(cache.path())).expect("runtime");
    first.load_file(&path).expect("load");
    let s = first.cache_stats();
    assert_eq!((s.hits, s.compiled), (0, 1));

    let second = Runtime::new(Some(cache.path())).expect("runtime");
    let plugin = second.load_file(&path).expect("load from cache");
    let s = second.cache_stats();
    assert_eq!(
        (s.hits, s.compiled),
        (1, 0),
        "second scan must not recompile"
    );
    assert_eq!(plugin.info.name, "posture-iam");
}

#[test]
fn iam_plugin_describes_itself_completely() {
    let rt = Runtime::new(None).expect("runtime");
    let p = rt.load_file(&iam_plugin()).expect("load");
    assert!(
        !p.uses_wasi,
        "a Rust plugin built for wasm32-unknown-unknown imports no WASI"
    );
    assert_eq!(p.info.contract_version, "0.2.0");
    assert_eq!(p.info.vendor, "posture");
    let c = p
        .info
        .checks
        .iter()
        .find(|c| c.id == "iam.admin-mfa")
        .expect("iam.admin-mfa");
    assert_eq!(c.domain, "iam");
    assert_eq!(c.default_severity, posture::model::Severity::High);
    let controls: Vec<String> = c
        .controls
        .iter()
        .map(|k| format!("{}:{}", k.framework, k.id))
        .collect();
    for want in ["soc2:CC6.1", "iso27001:A.5.17", "iso27001:A.8.5"] {
        assert!(
            controls.iter().any(|c| c == want),
            "missing {want} in {controls:?}"
        );
    }
    assert!(!c.remediation.trim().is_empty() && !c.rationale.trim().is_empty());
    assert_eq!(c.reads, vec![posture::snapshot::EntityKind::Principals]);
}
