//! Sandbox round two, points 3 and 7: a plugin cannot stall a scan. A WASI sleep inside
//! `evaluate` or `describe` ends at once (time stands still in the sandbox), so the deadline
//! holds; plugins stalling in `describe` load in parallel and cost one load deadline in all.
//! Default limits except where a test says otherwise; the first-party plugin's findings stay
//! complete and the report is always written.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use posture::model::FailureKind;
use posture::report::{PluginRun, Report};
use posture_e2e::{component, iam_plugin, plugin_dir, session_scan};
use std::path::Path;
use std::time::{Duration, Instant};

fn run<'a>(r: &'a Report, name: &str) -> &'a PluginRun {
    r.plugins
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("{name} in the report: {:?}", r.plugins))
}

fn assert_iam_complete(r: &Report) {
    let iam = run(r, "posture-iam");
    assert!(iam.error.is_none(), "{:?}", iam.error);
    let n = r
        .findings
        .iter()
        .filter(|f| f.plugin == "posture-iam")
        .count();
    assert!(n > 0 && n == iam.findings, "{n} vs {}", iam.findings);
}

/// The sleeper plugin with only `check` enabled and a 2 s deadline (as in the report that
/// found the stall).
fn sleeper_scan(check: &str) -> (Report, Duration) {
    let dir = plugin_dir(&[iam_plugin(), component("tests/plugins/sleeper")]);
    let other = if check == "sleeper.nap" {
        "sleeper.forever"
    } else {
        "sleeper.nap"
    };
    let config = format!(
        "[plugins.sleeper.limits]\ndeadline-ms = 2000\n[checks.\"{other}\"]\nenabled = false\n"
    );
    let started = Instant::now();
    let report = session_scan(&[dir.path()], Some(&config));
    (report, started.elapsed())
}

#[test]
fn a_minute_of_sleep_in_evaluate_is_over_at_once() {
    let (r, took) = sleeper_scan("sleeper.nap");
    // It was 60 s: the host waited on a real timer for the guest.
    assert!(took < Duration::from_secs(20), "took {took:?}");
    let sleeper = run(&r, "sleeper");
    assert!(sleeper.error.is_none(), "{:?}", sleeper.error);
    let woke: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.plugin == "sleeper")
        .collect();
    assert!(!woke.is_empty());
    assert!(
        woke.iter().all(|f| f.message == "woke after 60 s"),
        "{woke:?}"
    );
    assert_iam_complete(&r);
}

#[test]
fn sleeping_for_ever_in_evaluate_ends_by_the_deadline() {
    let (r, took) = sleeper_scan("sleeper.forever");
    // It never ended, and no report was written.
    assert!(took < Duration::from_secs(20), "took {took:?}");
    let sleeper = run(&r, "sleeper");
    match &sleeper.error {
        // Rust's std sleeps in slices of at most u64::MAX ns: each one ends at once, and the
        // loop over them is guest code, which the deadline stops.
        Some(e) => {
            assert_eq!(e.kind, FailureKind::Deadline, "{e:?}");
            assert!(e.message.contains("deadline of 2000 ms"), "{}", e.message);
        }
        None => assert!(sleeper.findings > 0),
    }
    assert_iam_complete(&r);
}

#[test]
fn plugins_stalling_in_describe_cost_one_load_deadline_in_all() {
    let stall = component("tests/plugins/stall");
    let dir = plugin_dir(&[iam_plugin()]);
    for name in ["stall-a.wasm", "stall-b.wasm", "stall-c.wasm"] {
        std::fs::copy(&stall, dir.path().join(name)).expect("copy");
    }
    let started = Instant::now();
    let r = session_scan(&[dir.path() as &Path], None);
    let took = started.elapsed();
    // Loaded one after the other they took three load deadlines (93 s); each sleep blocked
    // the host past its deadline before that.
    assert!(took < Duration::from_secs(60), "took {took:?}");
    for name in ["stall-a", "stall-b", "stall-c"] {
        let e = run(&r, name).error.as_ref().expect("refused");
        assert_eq!(e.kind, FailureKind::Load, "{e:?}");
        assert!(
            e.message
                .contains("describe() failed: exceeded its deadline of 30000 ms"),
            "{}",
            e.message
        );
    }
    assert_iam_complete(&r);
    assert_eq!(r.verdict(None).code(), 3, "incomplete results, exit 3");
}
