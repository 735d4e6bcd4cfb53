//! Synthetic `posture.report/v1` reports whose findings change a little from run to run:
//! shared by the backend suites and `examples/year.rs`.

use posture_history::{NewRun, PluginDigest};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize, Clone)]
pub struct Resource {
    pub kind: String,
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

#[derive(Serialize, Clone)]
pub struct Evidence {
    pub key: String,
    pub value: String,
    pub path: String,
}

/// A finding with the host's field order (`host/src/model.rs`).
#[derive(Serialize, Clone)]
pub struct Finding {
    pub check_id: String,
    pub plugin: String,
    pub domain: String,
    pub status: String,
    pub severity: String,
    pub resource: Resource,
    pub message: String,
    pub evidence: Vec<Evidence>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiver: Option<serde_json::Value>,
}

#[derive(Serialize)]
struct Report<'a> {
    schema: &'a str,
    posture_version: &'a str,
    contract_version: &'a str,
    now: &'a str,
    snapshot: serde_json::Value,
    plugins: serde_json::Value,
    checks: serde_json::Value,
    findings: &'a [Finding],
    summary: serde_json::Value,
}

/// `now` of day `day` (0 = 2026-01-01).
pub fn day_now(day: u32) -> String {
    let t = chrono::DateTime::from_timestamp(1_767_225_600 + i64::from(day) * 86_400, 0)
        .unwrap_or_default();
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The findings of day `day`: `n` resources × 1 check; each finding flips between pass and fail
/// once every 100 days, at its own offset, so about 1 % change per day.
pub fn findings(n: usize, day: u32) -> Vec<Finding> {
    let mut out: Vec<Finding> = (0..n)
        .map(|i| {
            let phase = (i * 37 + day as usize) / 100;
            let fail = phase % 2 == 1;
            let check = format!("iam.check-{}", i % 7);
            let id = format!("user-{i:05}");
            Finding {
                check_id: check,
                plugin: "posture-iam".into(),
                domain: "iam".into(),
                status: if fail { "fail" } else { "pass" }.into(),
                severity: ["low", "medium", "high"][i % 3].into(),
                resource: Resource {
                    kind: "user".into(),
                    id: id.clone(),
                    display_name: Some(format!("User {i} \"é\"")),
                    account: (i % 5 != 0).then(|| format!("aws:{}", 100_000 + i % 4)),
                    tags: if i % 3 == 0 {
                        BTreeMap::from([("owner".to_string(), "team-a".to_string())])
                    } else {
                        BTreeMap::new()
                    },
                },
                message: if fail {
                    format!("{id} has no MFA (since phase {phase})")
                } else {
                    format!("{id} uses MFA")
                },
                evidence: vec![Evidence {
                    key: "mfa".into(),
                    value: (!fail).to_string(),
                    path: format!("/principals/{i}/mfa"),
                }],
                waiver: None,
            }
        })
        .collect();
    sort(&mut out);
    out
}

/// The host's finding order, as far as these findings differ.
pub fn sort(findings: &mut [Finding]) {
    let rank = |s: &str| {
        ["fail", "error", "not-evaluable", "pass"]
            .iter()
            .position(|x| *x == s)
    };
    findings.sort_by(|a, b| {
        (
            &a.check_id,
            &a.resource.account,
            &a.resource.id,
            rank(&a.status),
            &a.message,
        )
            .cmp(&(
                &b.check_id,
                &b.resource.account,
                &b.resource.id,
                rank(&b.status),
                &b.message,
            ))
    });
}

/// The report text the scan would print for `findings`.
pub fn report_text(now: &str, findings: &[Finding]) -> String {
    let count = |s: &str| findings.iter().filter(|f| f.status == s).count();
    let report = Report {
        schema: "posture.report/v1",
        posture_version: "0.1.0",
        contract_version: "0.2.0",
        now,
        snapshot: serde_json::json!({
            "origin": "synthetic", "captured_at": now, "accounts": ["aws:100000", "aws:100001"]
        }),
        plugins: serde_json::json!([{
            "name": "posture-iam", "version": "0.1.0", "vendor": "posture",
            "digest": "ab".repeat(32), "checks": ["iam.check-0"], "findings": findings.len()
        }]),
        checks: serde_json::json!([{"id": "iam.check-0", "title": "A check", "counts": {}}]),
        findings,
        summary: serde_json::json!({"total": {
            "pass": count("pass"), "fail": count("fail"), "not_evaluable": 0, "error": 0
        }}),
    };
    let mut text = serde_json::to_string_pretty(&report).unwrap();
    text.push('\n');
    text
}

/// A run of `report` at `now`.
pub fn new_run(now: &str, report: String) -> NewRun {
    NewRun {
        now: now.into(),
        snapshot_sha256: posture_sha256(report.as_bytes()),
        provenance: serde_json::json!({"accounts": ["aws:100000"], "captured_at": now,
            "importer": {"name": "synthetic", "version": "1"}}),
        plugins: vec![PluginDigest {
            name: "posture-iam".into(),
            version: "0.1.0".into(),
            digest: "ab".repeat(32),
        }],
        config_sha256: Some("cd".repeat(32)),
        waivers_sha256: None,
        report,
        backfill: false,
    }
}

/// The run of day `day` with `n` findings.
pub fn day_run(n: usize, day: u32) -> NewRun {
    let now = day_now(day);
    new_run(&now, report_text(&now, &findings(n, day)))
}

pub fn posture_sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}
