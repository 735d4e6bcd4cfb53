//! Sandbox end-to-end tests: a hostile plugin built from source misbehaves in one way per
//! test, next to the real IAM plugin; the hostile plugin must be stopped and reported as an
//! error with the limit it hit, and the IAM plugin's findings must still be complete.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use posture::config::Config;
use posture::model::FailureKind;
use posture::report::Report;
use posture_e2e::{example_snapshot, hostile_plugin, iam_plugin, plugin_dir, scan_with};
use std::time::{Duration, Instant};

const ALL: [&str; 11] = posture_e2e::HOSTILE_CHECKS;

/// Config enabling only `check` of the hostile plugin, with tight limits for it.
fn only(check: &str) -> Config {
    let all = ALL;
    let mut toml = String::from(
        "[plugins.hostile.limits]\nmemory-mib = 32\ndeadline-ms = 500\nmax-findings = 1000\nmax-output-mib = 1\n",
    );
    for c in all.iter().filter(|c| **c != check) {
        toml.push_str(&format!("[checks.\"{c}\"]\nenabled = false\n"));
    }
    Config::parse(&toml).expect("test config parses")
}

fn run(check: &str) -> (Report, Duration) {
    let dir = plugin_dir(&[iam_plugin(), hostile_plugin()]);
    let start = Instant::now();
    let report = scan_with(dir.path(), &example_snapshot(), &only(check), 2);
    (report, start.elapsed())
}

fn hostile_error(report: &Report) -> (FailureKind, String) {
    let run = report
        .plugins
        .iter()
        .find(|p| p.name == "hostile")
        .expect("hostile plugin in report");
    let e = run
        .error
        .as_ref()
        .expect("hostile plugin reported as error");
    (e.kind, e.message.clone())
}

fn assert_iam_complete(report: &Report) {
    let iam = report
        .plugins
        .iter()
        .find(|p| p.name == "posture-iam")
        .expect("iam plugin in report");
    assert!(iam.error.is_none(), "iam plugin failed: {:?}", iam.error);
    let iam_findings = report
        .findings
        .iter()
        .filter(|f| f.plugin == "posture-iam")
        .count();
    assert!(iam_findings > 0, "iam findings missing");
    assert_eq!(iam_findings, iam.findings);
    assert_eq!(
        report.verdict(None).code(),
        3,
        "a plugin error gives exit code 3"
    );
}

#[test]
fn infinite_loop_is_stopped_by_the_deadline() {
    let (report, took) = run("hostile.loop");
    let (kind, msg) = hostile_error(&report);
    assert_eq!(kind, FailureKind::Deadline, "{msg}");
    assert!(msg.contains("deadline of 500 ms"), "{msg}");
    assert!(took < Duration::from_secs(20), "scan took {took:?}");
    assert_iam_complete(&report);
}

#[test]
fn memory_growth_past_the_cap_is_stopped() {
    let (report, _) = run("hostile.memory");
    let (kind, msg) = hostile_error(&report);
    assert_eq!(kind, FailureKind::MemoryLimit, "{msg}");
    assert!(msg.contains("memory limit of 32 MiB"), "{msg}");
    assert_iam_complete(&report);
}

#[test]
fn panic_becomes_a_trap_error() {
    let (report, _) = run("hostile.panic");
    let (kind, msg) = hostile_error(&report);
    assert_eq!(kind, FailureKind::Trap, "{msg}");
    assert!(msg.contains("unreachable"), "{msg}");
    assert_iam_complete(&report);
}

#[test]
fn stack_overflow_is_contained() {
    let (report, _) = run("hostile.stack");
    let (kind, msg) = hostile_error(&report);
    assert_eq!(kind, FailureKind::Trap, "{msg}");
    assert!(msg.contains("stack"), "{msg}");
    assert_iam_complete(&report);
}

#[test]
fn reading_an_undeclared_entity_kind_is_refused() {
    let (report, _) = run("hostile.undeclared-read");
    let (kind, msg) = hostile_error(&report);
    assert_eq!(kind, FailureKind::ContractViolation, "{msg}");
    assert!(msg.contains("`keys`"), "{msg}");
    assert_iam_complete(&report);
}

#[test]
fn findings_for_checks_not_requested_are_rejected() {
    let (report, _) = run("hostile.undeclared-finding");
    let (kind, msg) = hostile_error(&report);
    assert_eq!(kind, FailureKind::InvalidOutput, "{msg}");
    assert!(msg.contains("iam.admin-mfa"), "{msg}");
    assert_iam_complete(&report);
}

#[test]
fn a_flood_of_findings_hits_the_findings_limit() {
    let (report, _) = run("hostile.flood");
    let (kind, msg) = hostile_error(&report);
    assert_eq!(kind, FailureKind::OutputLimit, "{msg}");
    assert!(
        msg.contains("50000 findings, over the limit of 1000"),
        "{msg}"
    );
    assert_iam_complete(&report);
}

#[test]
fn giant_strings_hit_the_output_limit() {
    let (report, _) = run("hostile.giant-string");
    let (kind, msg) = hostile_error(&report);
    assert_eq!(kind, FailureKind::OutputLimit, "{msg}");
    assert!(msg.contains("bytes of findings, over the limit"), "{msg}");
    assert_iam_complete(&report);
}

#[test]
fn endless_host_calls_are_stopped_by_the_deadline() {
    let (report, took) = run("hostile.host-calls");
    let (kind, msg) = hostile_error(&report);
    assert_eq!(kind, FailureKind::Deadline, "{msg}");
    assert!(took < Duration::from_secs(20), "scan took {took:?}");
    assert_iam_complete(&report);
}

#[test]
fn duplicate_check_ids_are_refused_at_load() {
    let rt = posture::runtime::Runtime::new(None).expect("runtime");
    let e = rt
        .load_file(&posture_e2e::bad_metadata_plugin())
        .err()
        .expect("refused");
    assert!(
        matches!(e, posture::runtime::LoadError::InvalidMetadata { .. }),
        "{e}"
    );
    assert!(
        e.to_string().contains("`test.same` is declared twice"),
        "{e}"
    );
}

#[test]
fn well_behaved_check_reads_its_declared_kind() {
    let (report, _) = run("hostile.well-behaved");
    assert!(report.plugins.iter().all(|p| p.error.is_none()));
    let f = report
        .findings
        .iter()
        .find(|f| f.check_id == "hostile.well-behaved")
        .expect("finding");
    let n = posture::snapshot::load(&example_snapshot())
        .expect("example")
        .principals()
        .expect("principals present")
        .len();
    assert_eq!(f.resource.id, format!("principals-{n}"));
}

/// Regression: the deadline's epoch ticker lived in the `Runtime`, so a plugin used after its
/// runtime was dropped (as `Session::open` did) looped forever. Plugins now keep it alive.
#[test]
fn the_deadline_fires_after_the_loading_runtime_is_gone() {
    use posture::session::{Gate, ScanRequest, ScanTarget, Session};
    let dir = plugin_dir(&[hostile_plugin()]);
    let plugins = {
        let rt = posture::runtime::Runtime::new(None).expect("runtime");
        posture_e2e::load_all(&rt, dir.path())
    };
    let session = Session::new(plugins, only("hostile.loop"));
    let snapshot = posture::snapshot::load(&example_snapshot()).expect("snapshot");
    let start = Instant::now();
    let outcome = session
        .scan(
            ScanRequest {
                target: ScanTarget::new(snapshot, "acme"),
                now: posture_e2e::NOW_UNIX,
                jobs: 1,
                baseline: None,
                gate: Gate::default(),
            },
            None,
        )
        .expect("scan");
    let (kind, msg) = hostile_error(&outcome.report);
    assert_eq!(kind, FailureKind::Deadline, "{msg}");
    assert!(start.elapsed() < Duration::from_secs(20));
}
