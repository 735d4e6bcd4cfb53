//! Plugins written in other languages, built from source by the project's build and run like
//! any other component. Where one implements a check the Rust plugins also have, its findings
//! on the example snapshot must be identical (the plugin field aside).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use posture::config::Config;
use posture::model::Finding;
use posture::runtime::Runtime;
use posture_e2e::{component, example_snapshot, plugin_dir, scan_with};
use std::time::Instant;

/// Findings without the field that names the plugin.
fn comparable(mut findings: Vec<Finding>) -> Vec<Finding> {
    for f in &mut findings {
        f.plugin.clear();
    }
    findings
}

/// The Rust sharing plugin with only `check` enabled.
fn rust_only(check: &str) -> Config {
    let others = [
        "sharing.public-storage",
        "sharing.account-public-access-block",
        "sharing.tenant-sharing-level",
        "sharing.link-shares",
        "sharing.guest-expiry",
    ];
    let mut toml = String::new();
    for c in others.iter().filter(|c| **c != check) {
        toml.push_str(&format!("[checks.\"{c}\"]\nenabled = false\n"));
    }
    Config::parse(&toml).unwrap()
}

#[test]
fn python_link_shares_matches_the_rust_check() {
    let python = component("examples/plugins/python");
    let dir = plugin_dir(std::slice::from_ref(&python));
    let py = scan_with(dir.path(), &example_snapshot(), &Config::default(), 1);
    assert!(
        py.plugins.iter().all(|p| p.error.is_none()),
        "{:?}",
        py.plugins
    );
    assert!(!py.findings.is_empty());

    let rust = plugin_dir(&[component("plugins/sharing")]);
    let rs = scan_with(
        rust.path(),
        &example_snapshot(),
        &rust_only("sharing.link-shares"),
        1,
    );
    assert_eq!(comparable(py.findings), comparable(rs.findings));
}

#[test]
fn python_component_imports_no_wasi_and_is_cached_after_the_first_load() {
    let python = component("examples/plugins/python");
    let cache = tempfile::tempdir().unwrap();
    let rt = Runtime::new(Some(cache.path())).unwrap();
    let t0 = Instant::now();
    let first = rt.load_file(&python).expect("loads");
    let compile = t0.elapsed();
    assert!(!first.uses_wasi, "built with WASI stubbed out");
    let rt2 = Runtime::new(Some(cache.path())).unwrap();
    let t1 = Instant::now();
    rt2.load_file(&python).expect("loads from cache");
    let cached = t1.elapsed();
    assert_eq!(rt2.cache_stats().hits, 1, "second load is a cache hit");
    eprintln!(
        "python component {} KiB: compile {compile:?}, from cache {cached:?}",
        std::fs::metadata(&python).unwrap().len() / 1024
    );
}
