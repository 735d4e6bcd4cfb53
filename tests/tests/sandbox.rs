//! Sandbox end-to-end tests: a hostile plugin built from source misbehaves in one way per
//! test, next to the real IAM plugin; the hostile plugin must be stopped and reported as an
//! error with the limit it hit, and the IAM plugin's findings must still be complete.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use posture::config::Config;
use posture::model::FailureKind;
use posture::report::Report;
use posture_e2e::{example_snapshot, hostile_plugin, iam_plugin, plugin_dir, scan_with};
use std::time::{Duration, Instant};

const ALL: [&str; 15] = posture_e2e::HOSTILE_CHECKS;

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

/// Config enabling only `check` of the hostile plugin, with the default limits.
fn only_with_default_limits(check: &str) -> Config {
    let mut toml = String::new();
    for c in ALL.iter().filter(|c| **c != check) {
        toml.push_str(&format!("[checks.\"{c}\"]\nenabled = false\n"));
    }
    Config::parse(&toml).expect("test config parses")
}

/// The IAM domain's pass count and SOC 2 CC6.1's passing resources in `report`.
fn iam_passes_and_cc61(report: &Report) -> (usize, usize) {
    use posture::report::compliance::{Framework, catalog, rollup};
    let pass = report.summary.by_domain.get("iam").map_or(0, |c| c.pass);
    let soc2 = rollup(report, &catalog(Framework::Soc2).expect("catalog"));
    let cc61 = soc2
        .controls
        .iter()
        .find(|c| c.id == "CC6.1")
        .map_or(0, |c| c.resources_passing);
    (pass, cc61)
}

/// Sandbox round two, point 2: passing evidence about things a check could not have read
/// (administrators that do not exist; a bucket its check does not read) is refused, the
/// plugin is a contract violation, and neither the domain counts nor the roll-up move.
#[test]
fn findings_about_things_the_check_did_not_read_are_refused() {
    let dir = plugin_dir(&[iam_plugin()]);
    let honest = scan_with(dir.path(), &example_snapshot(), &Config::default(), 2);
    let expected = iam_passes_and_cc61(&honest);
    assert!(expected.0 > 0 && expected.1 > 0, "{expected:?}");
    let dir = plugin_dir(&[iam_plugin(), hostile_plugin()]);
    for (check, about) in [
        (
            "hostile.phantom",
            "principal `ghost-0` in account `111122223333`",
        ),
        (
            "hostile.foreign",
            "storage `acme-prod-data` in account `111122223333`",
        ),
    ] {
        let report = scan_with(
            dir.path(),
            &example_snapshot(),
            &only_with_default_limits(check),
            2,
        );
        let (kind, message) = hostile_error(&report);
        assert_eq!(kind, FailureKind::ContractViolation, "{check}: {message}");
        assert!(message.contains(about), "{check}: {message}");
        assert!(
            message.contains("which is not in the snapshot among the kinds its check reads"),
            "{check}: {message}"
        );
        assert!(
            message.contains("a finding must be about something its check read"),
            "{message}"
        );
        assert!(report.findings.iter().all(|f| f.plugin != "hostile"));
        assert_eq!(iam_passes_and_cc61(&report), expected, "{check}");
        assert_iam_complete(&report);
    }
}

/// Sandbox round two, point 5: the output limit counts every byte, the account and the
/// evidence records included (a 2 MiB account, 200 000 empty evidence records against 1 MiB).
#[test]
fn the_output_limit_counts_accounts_and_evidence_records() {
    for (check, bytes) in [
        ("hostile.giant-account", 2 << 20),
        ("hostile.empty-evidence", 200_000 * 72),
    ] {
        let (report, _) = run(check);
        let (kind, message) = hostile_error(&report);
        assert_eq!(kind, FailureKind::OutputLimit, "{check}: {message}");
        assert!(
            message.contains("over the limit of 1048576 bytes"),
            "{message}"
        );
        let returned: u64 = message
            .split_whitespace()
            .nth(1)
            .and_then(|n| n.parse().ok())
            .expect("the byte count");
        assert!(returned >= bytes, "{check}: {message}");
        assert_iam_complete(&report);
    }
}

/// Sandbox round two, point 5: metadata is capped at load. A check with 1 MiB title,
/// description, rationale and remediation (500 findings of it made a 1.57 GB OCSF report)
/// is refused with the field named; the report, in every format, stays small.
#[test]
fn oversized_metadata_is_refused_at_load() {
    let dir = plugin_dir(&[
        iam_plugin(),
        posture_e2e::component("tests/plugins/bloated"),
    ]);
    let report = posture_e2e::session_scan(&[dir.path()], None);
    let bloated = report
        .plugins
        .iter()
        .find(|p| p.name == "posture-test-bloated")
        .expect("the refused plugin is in the report, named after its file");
    let e = bloated.error.as_ref().expect("refused");
    assert_eq!(e.kind, FailureKind::Load);
    assert!(
        e.message
            .contains("check `bloated.metadata`: title is 1048576 bytes long, more than 200"),
        "{}",
        e.message
    );
    assert_iam_complete(&report);
    let ocsf = posture::report::ocsf::render(&report);
    assert!(ocsf.len() < 4 << 20, "OCSF report of {} bytes", ocsf.len());
}
