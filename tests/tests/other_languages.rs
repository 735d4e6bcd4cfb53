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

/// Scans the example with the example plugin in `dir` and with the Rust check, and requires the
/// same findings.
fn matches_the_rust_check(dir: &str) {
    let plugin = component(dir);
    let only = plugin_dir(std::slice::from_ref(&plugin));
    let theirs = scan_with(only.path(), &example_snapshot(), &Config::default(), 1);
    assert!(
        theirs.plugins.iter().all(|p| p.error.is_none()),
        "{dir}: {:?}",
        theirs.plugins
    );
    assert!(!theirs.findings.is_empty());
    let rust = plugin_dir(&[component("plugins/sharing")]);
    let ours = scan_with(
        rust.path(),
        &example_snapshot(),
        &rust_only("sharing.link-shares"),
        1,
    );
    assert_eq!(
        comparable(theirs.findings),
        comparable(ours.findings),
        "{dir}"
    );
}

#[test]
fn python_link_shares_matches_the_rust_check() {
    matches_the_rust_check("examples/plugins/python");
}

#[test]
fn javascript_link_shares_matches_the_rust_check() {
    matches_the_rust_check("examples/plugins/javascript");
}

#[test]
fn large_components_import_no_wasi_and_come_from_the_cache_after_the_first_load() {
    for dir in ["examples/plugins/python", "examples/plugins/javascript"] {
        cached_after_first_load(dir);
    }
}

fn cached_after_first_load(dir: &str) {
    let plugin = component(dir);
    // The shared e2e cache: the first load here compiles unless another test already did.
    let cache = posture_e2e::root().join("target/e2e-cache");
    let rt = Runtime::new(Some(&cache)).unwrap();
    let t0 = Instant::now();
    let first = rt.load_file(&plugin).expect("loads");
    let compile = t0.elapsed();
    assert!(!first.uses_wasi, "{dir}: built with WASI stubbed out");
    let rt2 = Runtime::new(Some(&cache)).unwrap();
    let t1 = Instant::now();
    rt2.load_file(&plugin).expect("loads from cache");
    let cached = t1.elapsed();
    assert_eq!(
        rt2.cache_stats().hits,
        1,
        "{dir}: second load is a cache hit"
    );
    eprintln!(
        "{dir}: component {} KiB, first load {compile:?}, from cache {cached:?}",
        std::fs::metadata(&plugin).unwrap().len() / 1024
    );
}
