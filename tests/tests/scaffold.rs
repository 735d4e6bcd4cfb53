//! `posture plugin new` as a new user runs it: create a plugin in each supported language,
//! build it with the project's build, and run its declarative case with the test kit.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use posture::runtime::Runtime;
use posture_author::build::{BuildOptions, build_plugin};
use posture_author::scaffold::{Lang, new_plugin};
use posture_author::testkit::{load_cases, render, run_cases};
use posture_e2e::root;
use std::sync::Arc;

fn create_build_and_test(lang: Lang, name: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join(name);
    new_plugin(lang, name, &dir, None).expect("scaffolded");
    let wasm = build_plugin(&BuildOptions {
        crate_dir: dir.clone(),
        out_dir: dir.join("target/plugins"),
        // Reuse the workspace's guest build of the SDK and its dependencies.
        target_dir: Some(root().join("target/wasm")),
        quiet: true,
    })
    .unwrap_or_else(|e| panic!("{name}: build failed: {e}"));
    let rt = Runtime::new(Some(&root().join("target/e2e-cache"))).unwrap();
    let plugin = Arc::new(rt.load_file(&wasm).expect("loads"));
    assert_eq!(plugin.info.name, name);
    let outcomes = run_cases(&plugin, &load_cases(&dir.join("cases")).unwrap()).unwrap();
    assert!(outcomes.iter().all(|o| o.passed()), "{}", render(&outcomes));
}

#[test]
fn a_new_rust_plugin_builds_and_passes_its_case() {
    create_build_and_test(Lang::Rust, "scaffolded-rust");
}

#[test]
fn a_new_javascript_plugin_builds_and_passes_its_case() {
    create_build_and_test(Lang::Js, "scaffolded-js");
}

#[test]
fn a_new_python_plugin_builds_and_passes_its_case() {
    create_build_and_test(Lang::Python, "scaffolded-python");
}

#[test]
fn a_new_c_plugin_builds_and_passes_its_case() {
    create_build_and_test(Lang::C, "scaffolded-c");
}

#[test]
fn a_new_go_plugin_builds_and_passes_its_case() {
    create_build_and_test(Lang::Go, "scaffolded-go");
}
