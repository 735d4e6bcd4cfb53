//! Plugins written in other languages, built from source by the project's build and run like
//! any other component. Where one implements a check the Rust plugins also have, its findings
//! on the example snapshot must be identical (the plugin field aside). Languages: Python,
//! JavaScript, C (all three importing no WASI) and Go (importing WASI, which the host seals).

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

/// Scans the example with the example plugin in `dir` and with the Rust plugin `rust`, and
/// requires the same findings for `check`.
fn matches_the_rust_check(dir: &str, rust: &str, check: &str) {
    let plugin = component(dir);
    let only = plugin_dir(std::slice::from_ref(&plugin));
    let theirs = scan_with(only.path(), &example_snapshot(), &Config::default(), 1);
    assert!(
        theirs.plugins.iter().all(|p| p.error.is_none()),
        "{dir}: {:?}",
        theirs.plugins
    );
    assert!(!theirs.findings.is_empty());
    assert!(theirs.findings.iter().all(|f| f.check_id == check));
    let rust = plugin_dir(&[component(rust)]);
    let ours = scan_with(rust.path(), &example_snapshot(), &Config::default(), 1);
    let ours: Vec<Finding> = ours
        .findings
        .into_iter()
        .filter(|f| f.check_id == check)
        .collect();
    assert_eq!(comparable(theirs.findings), comparable(ours), "{dir}");
}

#[test]
fn python_link_shares_matches_the_rust_check() {
    matches_the_rust_check(
        "examples/plugins/python",
        "plugins/sharing",
        "sharing.link-shares",
    );
}

#[test]
fn javascript_link_shares_matches_the_rust_check() {
    matches_the_rust_check(
        "examples/plugins/javascript",
        "plugins/sharing",
        "sharing.link-shares",
    );
}

#[test]
fn c_link_shares_matches_the_rust_check() {
    matches_the_rust_check(
        "examples/plugins/c",
        "plugins/sharing",
        "sharing.link-shares",
    );
}

/// Go's runtime imports WASI: this also proves the sealed WASI (frozen clocks, no files) is
/// enough for it.
#[test]
fn go_stale_accounts_matches_the_rust_check() {
    matches_the_rust_check("examples/plugins/go", "plugins/iam", "iam.stale-accounts");
}

#[test]
fn c_imports_no_wasi_and_go_imports_only_wasi_the_host_seals() {
    let rt = Runtime::new(None).unwrap();
    let c = rt
        .load_file(&component("examples/plugins/c"))
        .expect("loads");
    assert!(!c.uses_wasi, "C without stdio needs no WASI");
    let go = rt
        .load_file(&component("examples/plugins/go"))
        .expect("loads");
    assert!(go.uses_wasi, "Go's runtime imports WASI");
}

#[test]
fn large_components_come_from_the_cache_after_the_first_load() {
    for dir in [
        "examples/plugins/python",
        "examples/plugins/javascript",
        "examples/plugins/go",
    ] {
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
    if !dir.ends_with("/go") {
        assert!(!first.uses_wasi, "{dir}: built with WASI stubbed out");
    }
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
