//! What teams do with a report after a scan, over the real first-party components and the
//! example snapshot: OCSF export (golden + the fields Prowler's OCSF output carries), the
//! compliance roll-up (golden, honest coverage, catalogues checked against Prowler's), the
//! action plan (golden with the example configuration's owner rules) and the baseline diff
//! (a changed copy of the example: new, fixed, unchanged failures and the privilege delta).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use posture::config::Config;
use posture::model::Status;
use posture::report::compliance::{ControlState, Framework, catalog, rollup};
use posture::report::{Format, RenderOptions, Report, render, render_with};
use posture_e2e::{example_snapshot, first_party_plugins, plugin_dir, root, scan_with};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;

fn normalise(mut r: Report) -> Report {
    r.snapshot.origin = "examples/snapshots/acme.json".into();
    for p in &mut r.plugins {
        p.digest = "<sha256>".into();
    }
    r
}

fn scan(snapshot: &Path) -> Report {
    let dir = plugin_dir(&first_party_plugins());
    normalise(scan_with(dir.path(), snapshot, &Config::default(), 2))
}

fn report() -> &'static Report {
    static REPORT: OnceLock<Report> = OnceLock::new();
    REPORT.get_or_init(|| scan(&example_snapshot()))
}

fn golden(name: &str, got: &str) {
    let path = root().join("tests/expected").join(name);
    if std::env::var_os("POSTURE_BLESS").is_some() {
        std::fs::write(&path, got).expect("write golden");
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e} (POSTURE_BLESS=1 writes it)",
            path.display()
        )
    });
    assert!(
        want == got,
        "{} differs from the rendering (review, then POSTURE_BLESS=1 to regenerate)",
        path.display()
    );
}

fn realdata(rel: &str) -> std::path::PathBuf {
    let p = root().join("../shared/realdata").join(rel);
    assert!(
        p.exists(),
        "{} is missing: this test needs ../shared/realdata beside the project root",
        p.display()
    );
    p
}

#[test]
fn ocsf_events_carry_the_fields_prowler_emits_and_one_per_finding() {
    let text = render(report(), Format::Ocsf);
    let events: Vec<Value> = serde_json::from_str(&text).expect("OCSF is a JSON array");
    // The golden file keeps the events of failing findings (the whole output is ~1 MB).
    let failing: Vec<&Value> = events
        .iter()
        .filter(|e| e["status_code"] == "FAIL")
        .collect();
    golden(
        "acme.ocsf.failing.json",
        &(serde_json::to_string_pretty(&failing).unwrap() + "\n"),
    );
    let detections: Vec<&Value> = events.iter().filter(|e| e["class_uid"] == 2004).collect();
    let compliance: Vec<&Value> = events.iter().filter(|e| e["class_uid"] == 2003).collect();
    assert_eq!(
        detections.len(),
        report().findings.len(),
        "one detection per finding"
    );
    let with_controls = report()
        .findings
        .iter()
        .map(|f| {
            let check = report().checks.iter().find(|c| c.id == f.check_id).unwrap();
            check
                .controls
                .iter()
                .map(|c| c.framework.as_str())
                .collect::<BTreeSet<_>>()
                .len()
        })
        .sum::<usize>();
    assert_eq!(
        compliance.len(),
        with_controls,
        "one per finding and framework"
    );

    // Every top-level key of Prowler's Detection Findings that is not Prowler-specific.
    let prowler: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(realdata(
            "prowler/example-output/example_output_aws.ocsf.json",
        ))
        .expect("prowler ocsf"),
    )
    .expect("prowler json");
    let theirs: BTreeSet<&str> = prowler[0]
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .filter(|k| !["unmapped", "risk_details", "time_dt"].contains(k))
        .collect();
    for e in &events {
        let ours: BTreeSet<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
        let missing: Vec<_> = theirs.difference(&ours).collect();
        assert!(missing.is_empty(), "missing OCSF fields {missing:?} in {e}");
        assert_eq!(e["type_uid"], e["class_uid"].as_u64().unwrap() * 100 + 1);
        assert!(
            e["finding_info"]["uid"]
                .as_str()
                .unwrap()
                .starts_with("posture-")
        );
        assert!((1..=5).contains(&e["severity_id"].as_u64().unwrap()));
    }
    for c in &compliance {
        assert!(
            !c["compliance"]["requirements"]
                .as_array()
                .unwrap()
                .is_empty()
        );
        assert!(!c["compliance"]["standards"].as_array().unwrap().is_empty());
        let status = c["compliance"]["status_code"].as_str().unwrap();
        let want = match c["compliance"]["status_id"].as_u64().unwrap() {
            1 => "PASS",
            3 => "FAIL",
            0 => "NOT_EVALUABLE",
            other => panic!("status_id {other}"),
        };
        assert!(status == want || (want == "NOT_EVALUABLE" && status == "ERROR"));
    }
}

#[test]
fn compliance_rollup_lists_every_control_and_says_which_are_not_covered() {
    for (framework, file, total) in [
        (Framework::Soc2, "acme.soc2.md", 61),
        (Framework::Iso27001, "acme.iso27001.md", 93),
    ] {
        let cat = catalog(framework).expect("catalogue");
        let r = rollup(report(), &cat);
        golden(file, &r.to_markdown());
        assert_eq!(
            r.controls.len(),
            total,
            "every control listed, none unknown"
        );
        let covered: BTreeSet<&str> = report()
            .checks
            .iter()
            .flat_map(|c| &c.controls)
            .filter(|c| c.framework == framework.id())
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(r.covered(), covered.len());
        for c in &r.controls {
            let has_checks = !c.checks.is_empty();
            assert_eq!(c.state != ControlState::NotCovered, has_checks, "{}", c.id);
            if c.state == ControlState::Passing {
                assert_eq!(c.resources_failing, 0);
            }
        }
        assert!(r.to_text().contains("NOT COVERED BY AUTOMATED CHECKS"));
        // CSV parses back with a row per control.
        let csv = r.to_csv().expect("csv");
        let rows = csv::Reader::from_reader(csv.as_bytes()).records().count();
        assert_eq!(rows, total);
    }
    // A failing CC6.1 resource makes CC6.1 failing; backup failures make A1.2 failing.
    let soc2 = rollup(report(), &catalog(Framework::Soc2).unwrap());
    let state = |id: &str| soc2.controls.iter().find(|c| c.id == id).unwrap().state;
    assert_eq!(state("CC6.1"), ControlState::Failing);
    assert_eq!(state("A1.2"), ControlState::Failing);
    assert_eq!(state("CC1.1"), ControlState::NotCovered);
}

#[test]
fn control_catalogues_contain_every_control_prowler_maps() {
    for (framework, file) in [
        (Framework::Soc2, "prowler/compliance/soc2_aws.json"),
        (
            Framework::Iso27001,
            "prowler/compliance/iso27001_2022_aws.json",
        ),
    ] {
        let ours: BTreeSet<String> = catalog(framework)
            .unwrap()
            .controls
            .into_iter()
            .map(|c| c.id)
            .collect();
        let theirs: Value =
            serde_json::from_str(&std::fs::read_to_string(realdata(file)).unwrap()).unwrap();
        for req in theirs["Requirements"].as_array().unwrap() {
            // Prowler's SOC 2 ids are its own (`cc_6_1`); the criterion leads its name.
            let id = match framework {
                Framework::Soc2 => req["Name"].as_str().unwrap().split(' ').next().unwrap(),
                Framework::Iso27001 => req["Id"].as_str().unwrap(),
            };
            assert!(ours.contains(id), "{file}: {id} is not in our catalogue");
        }
    }
}

#[test]
fn action_plan_assigns_owners_by_rule_and_due_dates_by_sla() {
    let config = Config::load(&root().join("examples/posture.toml")).expect("example config");
    let opts = RenderOptions {
        actions: config.actions.clone(),
        ..Default::default()
    };
    let csv = render_with(report(), Format::ActionsCsv, &opts);
    golden("acme.actions.csv", &csv);
    golden(
        "acme.actions.md",
        &render_with(report(), Format::Actions, &opts),
    );
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let headers = rows.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = rows.records().map(|r| r.unwrap()).collect();
    let unwaived_fails = report()
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail && f.waiver.is_none())
        .count();
    assert_eq!(rows.len(), unwaived_fails);
    for r in &rows {
        let (sev, prio, due) = (&r[col("severity")], &r[col("priority")], &r[col("due")]);
        let want_prio = match sev {
            "critical" | "high" => "high",
            "medium" => "medium",
            _ => "low",
        };
        assert_eq!(prio, want_prio);
        let want_due = match sev {
            "critical" => "2026-11-29",
            "high" => "2026-12-22",
            "medium" => "2027-02-20",
            "low" => "2027-05-21",
            _ => "2027-11-22",
        };
        assert_eq!(due, want_due, "{r:?}");
        assert_eq!(&r[col("next_review")], "2027-01-01");
        // Owner rules: tag rules first, then domain, then account, then the default.
        let owner = &r[col("owner")];
        let resource = &r[col("resource_id")];
        if resource == "AIDAACMECIDEPLOY" {
            assert_eq!(owner, "platform-team");
        } else if &r[col("domain")] == "backup" && resource != "vol-0a1b2c3d4e5f60002" {
            assert_eq!(owner, "backup-ops", "{r:?}");
        } else if &r[col("account")] == "acme-analytics.onmicrosoft.com" {
            assert_eq!(owner, "it-m365");
        }
    }
    let owners: BTreeSet<&str> = rows.iter().map(|r| &r[col("owner")]).collect();
    assert!(
        owners.contains("data-team"),
        "tag criticality=high matched: {owners:?}"
    );
    assert!(
        owners.contains("security@acme.example"),
        "default owner used: {owners:?}"
    );
}

/// The example with changes: a new administrator without MFA, a public bucket fixed, a
/// departed user removed, and the data-store list no longer collected.
fn changed_snapshot(dir: &Path) -> std::path::PathBuf {
    let mut snap: Value =
        serde_json::from_str(&std::fs::read_to_string(example_snapshot()).unwrap()).unwrap();
    let principals = snap["principals"].as_array_mut().unwrap();
    let mut admin = principals
        .iter()
        .find(|p| p["name"] == "tom.becker")
        .cloned()
        .unwrap();
    admin["id"] = "AIDAACMENEWADMIN".into();
    admin["name"] = "eve.new".into();
    admin["admin"] = true.into();
    admin["mfa_enabled"] = false.into();
    admin["credentials"] = Value::Array(Vec::new());
    principals.push(admin);
    principals.retain(|p| !(p["name"] == "jonas.berg" && p["account"] == "111122223333"));
    for s in snap["storage"].as_array_mut().unwrap() {
        if s["name"] == "acme-marketing-site" {
            s["public_read"] = false.into();
        }
    }
    snap.as_object_mut().unwrap().remove("data_stores");
    let path = dir.join("changed.json");
    std::fs::write(&path, serde_json::to_string_pretty(&snap).unwrap()).unwrap();
    path
}

#[test]
fn diff_shows_new_fixed_unchanged_not_evaluable_and_privilege_delta() {
    let tmp = tempfile::tempdir().unwrap();
    let new = scan(&changed_snapshot(tmp.path()));
    let d = posture::report::diff::diff(report(), &new);
    let has = |v: &[posture::model::Finding], check: &str, name: &str| {
        v.iter()
            .any(|f| f.check_id == check && f.resource.display_name.as_deref() == Some(name))
    };
    assert!(
        has(&d.new_failures, "iam.admin-mfa", "eve.new"),
        "{}",
        d.to_text()
    );
    assert!(has(
        &d.fixed,
        "sharing.public-storage",
        "acme-marketing-site"
    ));
    assert!(
        has(&d.fixed, "iam.departed-accounts", "jonas.berg"),
        "user removed = fixed"
    );
    assert!(!d.still_failing.is_empty());
    assert!(
        d.newly_not_evaluable
            .iter()
            .any(|f| f.check_id == "encryption.at-rest"),
        "data stores no longer collected: {}",
        d.to_text()
    );
    assert!(
        d.fixed
            .iter()
            .all(|f| !f.resource.kind.starts_with("data-store")),
        "uncollected data is never 'fixed'"
    );
    let admins = d.admins.as_ref().expect("principals collected in both");
    assert!(admins.added.iter().any(|p| p.label == "eve.new"));
    assert!(admins.removed.is_empty() || admins.removed.iter().all(|p| p.label != "eve.new"));
    let md = d.to_markdown();
    assert!(md.contains("## New failures") && md.contains("eve.new"));
    assert_eq!(d.verdict(Some(posture::model::Severity::High)).code(), 1);
}
