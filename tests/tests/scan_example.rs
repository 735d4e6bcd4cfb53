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

/// One problem, one finding, as listed in examples/snapshots/README.md: the root user's access
/// key is `iam.root-access-keys`' finding, not `iam.credential-age`'s; the departed jonas.berg,
/// still enabled and dormant for 144 days in AWS and Microsoft 365, is `iam.departed-accounts`'
/// finding, not `iam.stale-accounts`'.
#[test]
fn root_keys_and_departed_people_are_reported_once_by_their_owner() {
    let dir = plugin_dir(&[iam_plugin()]);
    let report = scan_with(dir.path(), &example_snapshot(), &Config::default(), 1);
    // The findings of `checks` on the resources `ids`.
    let on = |checks: [&str; 2], ids: &[&str]| -> Vec<(String, String, Status, Severity)> {
        let mut got: Vec<_> = report
            .findings
            .iter()
            .filter(|f| checks.contains(&f.check_id.as_str()))
            .filter(|f| ids.contains(&f.resource.id.as_str()))
            .map(|f| {
                (
                    f.check_id.clone(),
                    f.resource.id.clone(),
                    f.status,
                    f.severity,
                )
            })
            .collect();
        got.sort();
        got
    };
    let finding = |check: &str, id: &str, status, severity| {
        (check.to_string(), id.to_string(), status, severity)
    };
    assert_eq!(
        on(
            ["iam.root-access-keys", "iam.credential-age"],
            &["aws-root", "AKIAACMEROOT0001"]
        ),
        [finding(
            "iam.root-access-keys",
            "aws-root",
            Status::Fail,
            Severity::Critical
        )]
    );
    assert_eq!(
        on(
            ["iam.departed-accounts", "iam.stale-accounts"],
            &["AIDAACMEJONAS", "u-jonas"]
        ),
        [
            finding(
                "iam.departed-accounts",
                "AIDAACMEJONAS",
                Status::Fail,
                Severity::High
            ),
            finding(
                "iam.departed-accounts",
                "u-jonas",
                Status::Fail,
                Severity::High
            ),
        ]
    );
    // Everyone else is still judged by the broader checks: the other keys, the dormant Kai.
    let failing = |check: &str| -> Vec<&str> {
        report
            .findings
            .iter()
            .filter(|f| f.check_id == check && f.status == Status::Fail)
            .map(|f| f.resource.id.as_str())
            .collect()
    };
    assert_eq!(
        failing("iam.credential-age"),
        ["AKIAACMEBK000001", "AKIAACMECI000001", "AKIAACMETOM0001"]
    );
    assert_eq!(failing("iam.stale-accounts"), ["u-kai"]);
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
