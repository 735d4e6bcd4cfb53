//! End-to-end: checks scoped to providers (the optional `scope` export, issue 18 point 6).
//! On a snapshot with no account of a check's providers, the real first-party components'
//! provider-specific checks are listed once as not applicable and produce no finding; where
//! an account of the provider is present and the data is missing, they stay not evaluable. A
//! plugin of the plain `check-plugin` world (no `scope`) loads and runs everywhere, and a
//! scope naming an undeclared check is refused at load with a typed error.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use posture::config::Config;
use posture::model::Status;
use posture::report::{Format, Report, render};
use posture::runtime::{LoadError, Runtime, ScopeError};
use posture_e2e::{
    NOW_UNIX, bad_scope_plugin, example_snapshot, first_party_plugins, impostor_check_plugin,
    plugin_dir, root, scan_snapshot,
};
use serde_json::Value;
use std::collections::BTreeSet;

/// The first-party checks scoped to cloud infrastructure providers (`aws`, and for some also
/// `azure` and `gcp`): not applicable on a snapshot of SaaS tenants only.
const CLOUD_ONLY: [&str; 12] = [
    "backup.coverage",
    "backup.immutability",
    "backup.recency",
    "backup.retention",
    "encryption.in-transit",
    "encryption.key-rotation",
    "encryption.volume-default",
    "iam.password-policy",
    "logging.audit-trail",
    "sharing.account-public-access-block",
    "sharing.bucket-public-access-block",
    "sharing.public-databases",
];

/// The first-party checks scoped to Microsoft 365 and/or Google Workspace: not applicable on
/// a snapshot of AWS accounts only.
const SAAS_ONLY: [&str; 8] = [
    "iam.cloud-only-admins",
    "iam.guest-access",
    "iam.legacy-auth",
    "iam.risk-blocking",
    "iam.tenant-mfa",
    "iam.weak-mfa-methods",
    "logging.saas-audit",
    "sharing.tenant-sharing-level",
];

/// The example company's snapshot cut down to the accounts of `providers` and their
/// entities, without the entity kinds in `drop`.
fn example_of(providers: &[&str], drop: &[&str]) -> posture::snapshot::Snapshot {
    let text = std::fs::read_to_string(example_snapshot()).expect("example snapshot");
    let mut doc: Value = serde_json::from_str(&text).expect("json");
    let obj = doc.as_object_mut().expect("object");
    let accounts: Vec<Value> = obj["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .filter(|a| providers.contains(&a["provider"].as_str().unwrap_or("")))
        .cloned()
        .collect();
    let ids: BTreeSet<String> = accounts
        .iter()
        .map(|a| a["id"].as_str().expect("id").to_string())
        .collect();
    obj.insert("accounts".into(), Value::Array(accounts));
    for (key, value) in obj.iter_mut() {
        if key == "accounts" {
            continue;
        }
        if let Value::Array(items) = value {
            items.retain(|e| ids.contains(e["account"].as_str().unwrap_or("")));
        }
    }
    for kind in drop {
        obj.remove(*kind);
    }
    let bytes = serde_json::to_vec(&doc).expect("serialise");
    posture::snapshot::from_slice(&bytes, "cut-down example").expect("snapshot is valid")
}

fn scan(snapshot: posture::snapshot::Snapshot, extra: &[std::path::PathBuf]) -> Report {
    let mut components = first_party_plugins();
    components.extend_from_slice(extra);
    let dir = plugin_dir(&components);
    scan_snapshot(
        dir.path(),
        snapshot,
        "s.json",
        &Config::default(),
        2,
        NOW_UNIX,
    )
}

fn ids<'a>(items: impl Iterator<Item = &'a str>) -> BTreeSet<&'a str> {
    items.collect()
}

#[test]
fn on_a_microsoft_365_only_snapshot_cloud_checks_are_not_applicable_not_gaps() {
    let report = scan(example_of(&["m365"], &[]), &[]);
    assert!(
        report.plugins.iter().all(|p| p.error.is_none()),
        "{:?}",
        report.plugins
    );
    let listed = ids(report.not_applicable.iter().map(|c| c.id.as_str()));
    assert_eq!(listed, ids(CLOUD_ONLY.into_iter()));
    assert_eq!(report.summary.not_applicable, CLOUD_ONLY.len());
    for id in CLOUD_ONLY {
        assert!(
            !report.findings.iter().any(|f| f.check_id == id),
            "{id} has findings"
        );
        assert!(
            !report.checks.iter().any(|c| c.id == id),
            "{id} listed as run"
        );
        assert!(
            !report
                .plugins
                .iter()
                .any(|p| p.checks.iter().any(|c| c == id)),
            "{id} was asked of its plugin"
        );
    }
    let trail = report
        .not_applicable
        .iter()
        .find(|c| c.id == "logging.audit-trail")
        .expect("audit trail");
    assert_eq!(
        (
            trail.plugin.as_str(),
            trail.domain.as_str(),
            trail.providers.clone()
        ),
        ("posture-logging", "logging", vec!["aws".to_string()])
    );
    assert_eq!(
        trail.title,
        "A complete audit trail is on in every cloud account"
    );
    let backup = report
        .not_applicable
        .iter()
        .find(|c| c.id == "backup.coverage")
        .expect("backup coverage");
    assert_eq!(backup.providers, ["aws", "azure", "gcp"]);
    // The backup plugin had nothing left to run and is still reported, without error.
    let backup_run = report
        .plugins
        .iter()
        .find(|p| p.name == "posture-backup")
        .expect("backup plugin");
    assert!(backup_run.checks.is_empty() && backup_run.findings == 0);
    // Checks for Microsoft 365 ran.
    for id in [
        "iam.tenant-mfa",
        "logging.saas-audit",
        "sharing.tenant-sharing-level",
    ] {
        assert!(report.checks.iter().any(|c| c.id == id), "{id} did not run");
        assert!(
            report.findings.iter().any(|f| f.check_id == id),
            "{id}: no finding"
        );
    }
    // Ordered by id whatever the plugins' order.
    let order: Vec<&str> = report
        .not_applicable
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);

    let json: Value = serde_json::from_str(&report.to_json()).expect("json");
    assert_eq!(json["summary"]["not_applicable"], CLOUD_ONLY.len());
    assert_eq!(json["not_applicable"][0]["id"], "backup.coverage");
    let back =
        posture::report::from_slice(report.to_json().as_bytes(), std::path::Path::new("r.json"))
            .expect("reads back");
    assert_eq!(back.not_applicable, report.not_applicable);

    let text = render(&report, Format::Text);
    assert!(text.contains("NOT APPLICABLE (12):"), "{text}");
    assert!(
        text.contains("from 5 plugins, 12 not applicable;"),
        "{text}"
    );
    assert!(text.contains("  logging.audit-trail "), "{text}");
    let md = render(&report, Format::Markdown);
    assert!(md.contains("## Not applicable (12)"), "{md}");
    let html = render(&report, Format::Html);
    assert!(html.contains("id=\"not-applicable\""));
}

#[test]
fn with_an_account_of_the_provider_missing_data_stays_not_evaluable() {
    // AWS accounts only, without their audit logs, backup plans and protected resources.
    let report = scan(
        example_of(
            &["aws"],
            &["audit_logs", "backup_plans", "protected_resources"],
        ),
        &[],
    );
    let listed = ids(report.not_applicable.iter().map(|c| c.id.as_str()));
    assert_eq!(listed, ids(SAAS_ONLY.into_iter()));
    for id in ["logging.audit-trail", "backup.recency", "backup.retention"] {
        let statuses: Vec<Status> = report
            .findings
            .iter()
            .filter(|f| f.check_id == id)
            .map(|f| f.status)
            .collect();
        assert_eq!(statuses, [Status::NotEvaluable], "{id}");
    }
    for id in SAAS_ONLY {
        assert!(!report.findings.iter().any(|f| f.check_id == id), "{id}");
    }
}

#[test]
fn on_the_full_example_every_check_applies() {
    let snapshot = posture::snapshot::load(&example_snapshot()).expect("snapshot");
    let report = scan(snapshot, &[]);
    assert!(report.not_applicable.is_empty());
    let json = report.to_json();
    assert!(!json.contains("not_applicable"), "absent when empty");
    assert_eq!(report.checks.len(), 36);
}

#[test]
fn a_plugin_without_the_scope_export_loads_and_its_checks_apply_everywhere() {
    let rt = Runtime::new(None).expect("runtime");
    let plain = rt
        .load_file(&impostor_check_plugin())
        .expect("plain plugin loads");
    assert!(!plain.scoped);
    assert!(plain.info.checks.iter().all(|c| c.providers.is_empty()));
    let iam = rt
        .load_file(&posture_e2e::iam_plugin())
        .expect("first-party plugin loads");
    assert!(iam.scoped);
    let tenant_mfa = iam
        .info
        .checks
        .iter()
        .find(|c| c.id == "iam.tenant-mfa")
        .expect("iam.tenant-mfa");
    assert_eq!(tenant_mfa.providers, ["github", "google-workspace", "m365"]);

    // Scanned with the SaaS-less example next to the scoped plugins (but without the
    // first-party IAM plugin, whose check id it claims), its one check runs.
    let components: Vec<_> = first_party_plugins()
        .into_iter()
        .filter(|p| !p.to_string_lossy().contains("iam"))
        .chain([impostor_check_plugin()])
        .collect();
    let dir = plugin_dir(&components);
    let report = scan_snapshot(
        dir.path(),
        example_of(&["aws"], &[]),
        "s.json",
        &Config::default(),
        2,
        NOW_UNIX,
    );
    assert!(
        report.plugins.iter().all(|p| p.error.is_none()),
        "{:?}",
        report.plugins
    );
    assert!(
        report
            .checks
            .iter()
            .any(|c| c.id == "iam.admin-mfa" && c.plugin == "vendor-mfa")
    );
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.check_id == "iam.admin-mfa" && f.status == Status::Pass)
    );
    assert!(
        !report
            .not_applicable
            .iter()
            .any(|c| c.plugin == "vendor-mfa")
    );
}

#[test]
fn a_scope_naming_an_undeclared_check_is_refused_at_load() {
    let rt = Runtime::new(None).expect("runtime");
    let Err(e) = rt.load_file(&bad_scope_plugin()) else {
        panic!("a scope naming an undeclared check loaded");
    };
    match &e {
        LoadError::InvalidScope {
            plugin, problem, ..
        } => {
            assert_eq!(plugin, "bad-scope");
            assert_eq!(
                problem,
                &ScopeError::UnknownCheck {
                    check: "test.ghost".into()
                }
            );
        }
        other => panic!("wrong error: {other:?}"),
    }
    let message = e.message();
    assert!(
        message.contains("bad-scope") && message.contains("`test.ghost`"),
        "{message}"
    );
    assert!(root().join("tests/plugins/bad-scope").is_dir());
}
