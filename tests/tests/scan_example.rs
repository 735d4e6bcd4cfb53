//! End-to-end: the real IAM component built from `plugins/iam` scans the bundled example
//! snapshot; the exact findings are asserted, and the JSON report is byte-identical whatever
//! `--jobs` is.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use posture::config::Config;
use posture::model::{Severity, Status};
use posture_e2e::{example_snapshot, hostile_plugin, iam_plugin, plugin_dir, scan_with};

/// (resource id, status, severity) of every `iam.admin-mfa` finding on the example, as listed
/// in examples/snapshots/README.md. The root user and the break-glass account are not among
/// them: they are `iam.root-mfa`'s (one problem, one finding).
const EXPECTED_ADMIN_MFA: &[(&str, Status, Severity)] = &[
    ("AIDAACMETOM", Status::Fail, Severity::High),
    ("AIDAACMEPRIYA", Status::Pass, Severity::High),
    ("u-anna", Status::Pass, Severity::High),
    ("u-priya", Status::Pass, Severity::High),
    ("u-ben", Status::NotEvaluable, Severity::High),
    ("gh-priya-shah", Status::Pass, Severity::High),
];

#[test]
fn iam_component_finds_exactly_the_expected_admin_mfa_results() {
    let dir = plugin_dir(&[iam_plugin()]);
    let report = scan_with(dir.path(), &example_snapshot(), &Config::default(), 1);
    assert!(
        report.plugins.iter().all(|p| p.error.is_none()),
        "{:?}",
        report.plugins
    );
    let mut got: Vec<(String, Status, Severity)> = report
        .findings
        .iter()
        .filter(|f| f.check_id == "iam.admin-mfa")
        .map(|f| (f.resource.id.clone(), f.status, f.severity))
        .collect();
    got.sort();
    let mut want: Vec<(String, Status, Severity)> = EXPECTED_ADMIN_MFA
        .iter()
        .map(|(id, s, v)| (id.to_string(), *s, *v))
        .collect();
    want.sort();
    assert_eq!(got, want);
    for f in report
        .findings
        .iter()
        .filter(|f| f.check_id == "iam.admin-mfa")
    {
        assert_eq!(f.plugin, "posture-iam");
        assert_eq!(f.domain, "iam");
        assert_eq!(f.resource.kind, "principal");
        assert!(!f.evidence.is_empty(), "finding without evidence: {f:?}");
        for e in &f.evidence {
            assert!(e.path.starts_with("/principals/"), "evidence path {e:?}");
        }
    }
    // Their owner reports the root user and the break-glass account, once each.
    let owned: Vec<(&str, Status, Severity)> = report
        .findings
        .iter()
        .filter(|f| f.resource.id == "aws-root" || f.resource.id == "AIDAACMEBREAK")
        .filter(|f| f.check_id.ends_with("-mfa"))
        .map(|f| (f.resource.id.as_str(), f.status, f.severity))
        .collect();
    assert_eq!(
        owned,
        [
            ("AIDAACMEBREAK", Status::Pass, Severity::Critical),
            ("aws-root", Status::Fail, Severity::Critical),
        ]
    );
    assert_eq!(report.verdict(Some(Severity::High)).code(), 1);
    assert_eq!(report.verdict(None).code(), 0);
}

#[test]
fn report_is_byte_identical_across_jobs_and_runs() {
    let dir = plugin_dir(&[iam_plugin(), hostile_plugin()]);
    let config = Config::parse(
        "[checks.\"hostile.loop\"]\nenabled = false\n[checks.\"hostile.memory\"]\nenabled = false\n\
         [checks.\"hostile.panic\"]\nenabled = false\n[checks.\"hostile.stack\"]\nenabled = false\n\
         [checks.\"hostile.undeclared-read\"]\nenabled = false\n\
         [checks.\"hostile.undeclared-finding\"]\nenabled = false\n\
         [checks.\"hostile.flood\"]\nenabled = false\n[checks.\"hostile.giant-string\"]\nenabled = false\n\
         [checks.\"hostile.host-calls\"]\nenabled = false\n",
    )
    .expect("config");
    let one = scan_with(dir.path(), &example_snapshot(), &config, 1).to_json();
    let two = scan_with(dir.path(), &example_snapshot(), &config, 2).to_json();
    let again = scan_with(dir.path(), &example_snapshot(), &config, 2).to_json();
    assert_eq!(one, two);
    assert_eq!(two, again);
    assert!(one.contains("hostile.well-behaved") && one.contains("iam.admin-mfa"));
}
