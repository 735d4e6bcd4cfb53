//! The declarative test kit (`posture test`) over the real first-party components: every
//! plugin's `cases/` pass, and a wrong expectation is reported with a diff, not passed.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use posture::runtime::Runtime;
use posture_author::testkit::{load_cases, render, run_cases};
use posture_e2e::{component, root};
use std::sync::Arc;

fn run(plugin: &str, cases: &std::path::Path) -> Vec<posture_author::testkit::Outcome> {
    let rt = Runtime::new(None).expect("runtime");
    let loaded = Arc::new(
        rt.load_file(&component(&format!("plugins/{plugin}")))
            .expect("load"),
    );
    run_cases(&loaded, &load_cases(cases).expect("cases load")).expect("cases run")
}

#[test]
fn every_first_party_plugin_passes_its_cases() {
    for plugin in ["iam", "logging", "backup", "encryption", "sharing"] {
        let outcomes = run(plugin, &root().join("plugins").join(plugin).join("cases"));
        assert!(outcomes.len() >= 2, "{plugin}: at least two cases");
        assert!(
            outcomes.iter().all(|o| o.passed()),
            "{plugin}:\n{}",
            render(&outcomes)
        );
    }
}

#[test]
fn a_wrong_expectation_fails_with_a_diff() {
    let tmp = tempfile::tempdir().unwrap();
    let case = std::fs::read_to_string(root().join("plugins/iam/cases/admin-mfa.json")).unwrap();
    let wrong = case.replace(
        r#""resource": "u-bob", "status": "pass""#,
        r#""resource": "u-bob", "status": "fail""#,
    );
    assert_ne!(case, wrong, "the case still has u-bob passing");
    std::fs::write(tmp.path().join("wrong.json"), wrong).unwrap();
    let outcomes = run("iam", tmp.path());
    let text = render(&outcomes);
    assert!(!outcomes[0].passed(), "{text}");
    assert!(text.contains("- iam.admin-mfa u-bob: fail"), "{text}");
    assert!(
        text.contains("+ iam.admin-mfa u-bob [test]: pass"),
        "{text}"
    );
    assert!(text.contains("0 passed, 1 failed"), "{text}");
}

#[test]
fn a_case_without_an_account_of_the_checks_provider_says_it_is_not_applicable() {
    let tmp = tempfile::tempdir().unwrap();
    let case = std::fs::read_to_string(root().join("plugins/backup/cases/recency.json")).unwrap();
    let elsewhere = case.replace(r#""provider": "aws""#, r#""provider": "m365""#);
    assert_ne!(case, elsewhere, "the case declares an AWS account");
    std::fs::write(tmp.path().join("m365.json"), elsewhere).unwrap();
    let outcomes = run("backup", tmp.path());
    let text = render(&outcomes);
    assert!(!outcomes[0].passed(), "{text}");
    assert!(
        text.contains("+ backup.recency is not applicable: it applies to aws, azure, gcp"),
        "{text}"
    );
}

#[test]
fn malformed_cases_name_the_file_and_json_path() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("bad.json"),
        r#"{"snapshot": {}, "expect": [{"check": "x", "resource": "y", "status": "maybe"}]}"#,
    )
    .unwrap();
    let e = load_cases(tmp.path()).expect_err("refused").to_string();
    assert!(
        e.contains("bad.json") && e.contains("expect[0].status"),
        "{e}"
    );
    let empty = tempfile::tempdir().unwrap();
    assert!(load_cases(empty.path()).is_err(), "no cases is an error");
}
