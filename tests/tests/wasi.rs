//! A plugin that imports WASI gets it with nothing granted: no environment, arguments, files
//! or network; the clock reads the evaluation's `now`; randomness is seeded, so two runs agree.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use posture::config::Config;
use posture::runtime::Runtime;
use posture_e2e::{NOW_UNIX, example_snapshot, plugin_dir, scan_with, wasi_probe_plugin};
use std::collections::BTreeMap;

fn probe() -> BTreeMap<String, String> {
    let dir = plugin_dir(&[wasi_probe_plugin()]);
    let report = scan_with(dir.path(), &example_snapshot(), &Config::default(), 1);
    assert!(
        report.plugins.iter().all(|p| p.error.is_none()),
        "{:?}",
        report.plugins
    );
    let f = report
        .findings
        .iter()
        .find(|f| f.check_id == "probe.wasi")
        .expect("probe finding");
    f.evidence
        .iter()
        .map(|e| (e.key.clone(), e.value.clone()))
        .collect()
}

#[test]
fn wasi_plugin_is_detected_as_such() {
    let rt = Runtime::new(None).expect("runtime");
    let p = rt.load_file(&wasi_probe_plugin()).expect("load");
    assert!(p.uses_wasi);
}

#[test]
fn wasi_grants_nothing_and_is_deterministic() {
    let first = probe();
    assert_eq!(first["env"], "0", "{first:?}");
    assert_eq!(first["args"], "0", "{first:?}");
    assert!(first["root"].starts_with("denied"), "{first:?}");
    assert!(first["file"].starts_with("denied"), "{first:?}");
    assert!(first["tcp"].starts_with("denied"), "{first:?}");
    assert_eq!(
        first["clock"],
        NOW_UNIX.to_string(),
        "clock must read `now`"
    );
    let second = probe();
    assert_eq!(first["random"], second["random"], "seeded randomness");
}
