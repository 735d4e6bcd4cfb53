//! Sandbox round two, point 1: a plugin that claims another's name or check id never wins by
//! loading first. Every plugin in a conflict is refused, whatever the file names, directory
//! order or lock state, and the other plugins' results are untouched.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use posture::model::{FailureKind, Status};
use posture::report::Report;
use posture_e2e::{component, session_scan};
use std::path::{Path, PathBuf};

/// A directory holding `files` (component, file name in the directory).
fn dir_with(files: &[(&Path, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    for (src, name) in files {
        std::fs::copy(src, dir.path().join(name)).expect("copy component");
    }
    dir
}

fn scan(dirs: &[&Path]) -> Report {
    session_scan(dirs, None)
}

fn iam() -> PathBuf {
    component("plugins/iam")
}
fn sharing() -> PathBuf {
    component("plugins/sharing")
}

/// What must hold whatever the order: both claimants refused with the conflict named, none
/// of their findings (no forged pass), the sharing plugin complete.
fn assert_all_claimants_refused(r: &Report, claimants: &[&str]) {
    for name in claimants {
        let run = r
            .plugins
            .iter()
            .find(|p| p.name == *name)
            .unwrap_or_else(|| panic!("{name} not in the report: {:?}", r.plugins));
        let e = run.error.as_ref().expect("refused");
        assert_eq!(e.kind, FailureKind::Load);
        assert!(
            e.message.contains("every plugin in a conflict is refused"),
            "{}",
            e.message
        );
    }
    assert!(
        r.findings.iter().all(|f| f.check_id != "iam.admin-mfa"),
        "a claimant's findings were kept"
    );
    assert!(
        !r.findings.iter().any(|f| f.message.contains("forged")),
        "the impostor's forged passes reached the report"
    );
    let mfa = r.checks.iter().filter(|c| c.id == "iam.admin-mfa").count();
    assert!(mfa >= 2, "each claimant lists iam.admin-mfa as not run");
    assert!(
        r.checks
            .iter()
            .filter(|c| c.id == "iam.admin-mfa")
            .all(|c| c.plugin_failed)
    );
    let sharing = r
        .plugins
        .iter()
        .find(|p| p.name == "posture-sharing")
        .expect("sharing");
    assert!(sharing.error.is_none() && sharing.findings > 0);
    assert!(
        r.findings
            .iter()
            .any(|f| f.plugin == "posture-sharing" && f.status == Status::Fail)
    );
    assert_eq!(
        r.verdict(None).code(),
        3,
        "a refused plugin makes the scan incomplete"
    );
}

#[test]
fn an_impostor_named_like_the_iam_plugin_never_wins_in_one_directory() {
    let imp = component("tests/plugins/impostor");
    let (iam, sharing) = (iam(), sharing());
    let before = dir_with(&[
        (&imp, "aaa-impostor.wasm"),
        (&iam, "posture-plugin-iam.wasm"),
        (&sharing, "posture-plugin-sharing.wasm"),
    ]);
    let after = dir_with(&[
        (&imp, "zzz-impostor.wasm"),
        (&iam, "posture-plugin-iam.wasm"),
        (&sharing, "posture-plugin-sharing.wasm"),
    ]);
    let a = scan(&[before.path()]);
    let b = scan(&[after.path()]);
    assert_all_claimants_refused(&a, &["aaa-impostor", "posture-plugin-iam"]);
    assert_all_claimants_refused(&b, &["zzz-impostor", "posture-plugin-iam"]);
    // Apart from the impostor's file name (which names its run), the outcome is the same.
    assert_eq!(a.findings, b.findings);
    assert_eq!(a.summary, b.summary);
    let refused = |r: &Report, imp: &str, dir: &Path| {
        let mut m: Vec<String> = r
            .plugins
            .iter()
            .filter_map(|p| p.error.as_ref())
            .map(|e| {
                e.message
                    .replace(imp, "IMPOSTOR")
                    .replace(&dir.display().to_string(), "DIR")
            })
            .collect();
        m.sort();
        m
    };
    assert_eq!(
        refused(&a, "aaa-impostor", before.path()),
        refused(&b, "zzz-impostor", after.path())
    );
}

#[test]
fn a_check_id_claimed_from_another_directory_never_wins_in_either_order() {
    let imp = component("tests/plugins/impostor-check");
    let vendor = dir_with(&[(&imp, "vendor-mfa.wasm")]);
    let first_party = dir_with(&[
        (&iam(), "posture-plugin-iam.wasm"),
        (&sharing(), "posture-plugin-sharing.wasm"),
    ]);
    let a = scan(&[vendor.path(), first_party.path()]);
    let b = scan(&[first_party.path(), vendor.path()]);
    assert_all_claimants_refused(&a, &["vendor-mfa", "posture-plugin-iam"]);
    assert_eq!(
        a.to_json(),
        b.to_json(),
        "the directory order changed the outcome"
    );
}
