//! End-to-end over the five first-party plugins built from source: the exact findings on the
//! example snapshot (a reviewed golden file), PASS and FAIL coverage of every check, and
//! complete metadata.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use posture::config::Config;
use posture::model::Status;
use posture::runtime::Runtime;
use posture_e2e::{example_snapshot, first_party_plugins, plugin_dir, root, scan_with};
use std::collections::BTreeMap;

/// One line per finding: `check-id  account  resource-id  status  severity`.
fn lines(report: &posture::report::Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        out.push_str(&format!(
            "{:<36} {:<31} {:<76} {:<14} {}\n",
            f.check_id,
            f.resource.account.as_deref().unwrap_or("-"),
            f.resource.id,
            f.status,
            f.severity
        ));
    }
    out
}

#[test]
fn example_snapshot_gives_exactly_the_reviewed_findings() {
    let dir = plugin_dir(&first_party_plugins());
    let report = scan_with(dir.path(), &example_snapshot(), &Config::default(), 2);
    assert!(
        report.plugins.iter().all(|p| p.error.is_none()),
        "{:?}",
        report.plugins
    );
    let got = lines(&report);
    let golden = root().join("tests/expected/acme.findings");
    if std::env::var_os("POSTURE_BLESS").is_some() {
        std::fs::write(&golden, &got).expect("write golden file");
    }
    let want = std::fs::read_to_string(&golden).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e} (POSTURE_BLESS=1 writes it)",
            golden.display()
        )
    });
    if got != want {
        let diff: Vec<String> = diff_lines(&want, &got);
        panic!(
            "findings differ from {} (review, then regenerate with POSTURE_BLESS=1):\n{}",
            golden.display(),
            diff.join("\n")
        );
    }
}

fn diff_lines(want: &str, got: &str) -> Vec<String> {
    let w: Vec<&str> = want.lines().collect();
    let g: Vec<&str> = got.lines().collect();
    let mut out: Vec<String> = w
        .iter()
        .filter(|l| !g.contains(l))
        .map(|l| format!("- {l}"))
        .collect();
    out.extend(
        g.iter()
            .filter(|l| !w.contains(l))
            .map(|l| format!("+ {l}")),
    );
    out
}

#[test]
fn every_check_has_a_pass_and_a_fail_on_the_example() {
    let dir = plugin_dir(&first_party_plugins());
    let report = scan_with(dir.path(), &example_snapshot(), &Config::default(), 2);
    let mut seen: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for c in &report.checks {
        seen.insert(&c.id, (0, 0));
    }
    for f in &report.findings {
        let e = seen.entry(&f.check_id).or_default();
        match f.status {
            Status::Pass => e.0 += 1,
            Status::Fail => e.1 += 1,
            _ => {}
        }
    }
    let missing: Vec<String> = seen
        .iter()
        .filter(|(_, (p, f))| *p == 0 || *f == 0)
        .map(|(id, (p, f))| format!("{id}: {p} pass, {f} fail"))
        .collect();
    assert!(
        missing.is_empty(),
        "checks without both outcomes: {missing:#?}"
    );
}

#[test]
fn five_domains_and_at_least_25_checks_with_complete_metadata() {
    let rt = Runtime::new(None).expect("runtime");
    let mut checks = Vec::new();
    for path in first_party_plugins() {
        let p = rt.load_file(&path).expect("load");
        assert!(!p.uses_wasi, "{} imports WASI", p.info.name);
        checks.extend(p.info.checks.clone());
    }
    assert!(checks.len() >= 35, "{} checks", checks.len());
    let mut domains: Vec<&str> = checks.iter().map(|c| c.domain.as_str()).collect();
    domains.sort();
    domains.dedup();
    assert_eq!(
        domains,
        ["backup", "encryption", "iam", "logging", "sharing"]
    );
    for c in &checks {
        for (what, text) in [
            ("title", &c.title),
            ("description", &c.description),
            ("rationale", &c.rationale),
            ("remediation", &c.remediation),
        ] {
            assert!(!text.trim().is_empty(), "{}: empty {what}", c.id);
        }
        assert!(!c.reads.is_empty(), "{}: no reads", c.id);
        assert!(
            c.controls.iter().any(|k| k.framework == "soc2"),
            "{}: no SOC 2 control",
            c.id
        );
        assert!(
            c.controls.iter().any(|k| k.framework == "iso27001"),
            "{}: no ISO 27001 control",
            c.id
        );
    }
}
