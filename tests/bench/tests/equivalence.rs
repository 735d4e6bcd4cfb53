//! The three arms of the benchmark compute the same thing, on a small synthetic snapshot: the
//! Wasm plugins and the native build of the same checks give identical findings, and the Rego
//! policy gives the same status per resource for the five checks it implements. Speed is
//! measured by the `posture-bench` binary, never here.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use posture::config::Config;
use posture_bench::generate::{self, NOW, Scale};
use posture_bench::{native, rego};
use posture_e2e::{first_party_plugins, plugin_dir, scan_snapshot};
use std::collections::BTreeMap;

fn small() -> (Vec<u8>, posture::snapshot::Snapshot) {
    let json = serde_json::to_vec(&generate::snapshot(Scale {
        principals: 400,
        shares: 2_000,
        seed: 3,
    }))
    .unwrap();
    let snap = posture::snapshot::from_slice(&json, "synthetic").expect("valid");
    (json, snap)
}

/// (check, resource id, status, message, evidence) of every finding, sorted.
type Row = (
    String,
    String,
    String,
    String,
    Vec<(String, String, String)>,
);

/// The evidence of a finding as (key, value, path).
fn evidence<E>(
    items: Vec<E>,
    parts: impl Fn(E) -> (String, String, String),
) -> Vec<(String, String, String)> {
    items.into_iter().map(parts).collect()
}

fn native_rows(snap: &posture::snapshot::Snapshot) -> Vec<Row> {
    let sdk = native::snapshot(snap);
    let mut rows: Vec<Row> = native::run(&native::plugins(), snap, &sdk, NOW, &|_| true)
        .unwrap()
        .into_iter()
        .map(|f| {
            let status = posture_sdk::wit_name(f.status);
            let ev = evidence(f.evidence, |e| (e.key, e.value, e.path));
            (f.check_id, f.resource.id, status, f.message, ev)
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn wasm_and_native_give_identical_findings() {
    let (_, snap) = small();
    let native = native_rows(&snap);
    let dir = plugin_dir(&first_party_plugins());
    let report = scan_snapshot(dir.path(), snap, "synthetic", &Config::default(), 2, NOW);
    assert!(report.plugins.iter().all(|p| p.error.is_none()));
    let mut wasm: Vec<Row> = report
        .findings
        .into_iter()
        .map(|f| {
            let status = f.status.as_str().to_string();
            let ev = evidence(f.evidence, |e| (e.key, e.value, e.path));
            (f.check_id, f.resource.id, status, f.message, ev)
        })
        .collect();
    wasm.sort();
    assert!(native.len() > 2_000, "{} findings", native.len());
    assert_eq!(wasm.len(), native.len());
    assert!(wasm == native, "the Wasm and native findings differ");
}

#[test]
fn rego_decides_like_the_checks_it_mirrors() {
    let (json, snap) = small();
    let mut expected: BTreeMap<(String, String), String> = BTreeMap::new();
    for (check, id, status, _, _) in native_rows(&snap) {
        if rego::CHECKS.contains(&check.as_str()) {
            expected.insert((check, id), status);
        }
    }
    let text = rego::evaluate(std::str::from_utf8(&json).unwrap(), NOW).expect("rego runs");
    let got: BTreeMap<(String, String), String> = rego::decisions(&text)
        .unwrap()
        .into_iter()
        .map(|d| ((d.check, d.id), d.status))
        .collect();
    let mut by_check: BTreeMap<&str, usize> = BTreeMap::new();
    for (check, _) in expected.keys() {
        *by_check.entry(check.as_str()).or_default() += 1;
    }
    assert_eq!(by_check.len(), rego::CHECKS.len(), "{by_check:?}");
    let differ: Vec<_> = expected
        .iter()
        .filter(|(k, v)| got.get(*k) != Some(*v))
        .take(10)
        .collect();
    assert!(differ.is_empty(), "Rego differs on {differ:?}");
    assert_eq!(got.len(), expected.len());
}
