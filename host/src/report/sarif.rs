//! SARIF 2.1.0 rendering (through the serde-sarif types): one rule per check, one result per
//! finding. PASS and not-evaluable findings are kept (result kinds `pass` and `review`) so the
//! file is complete evidence; code-scanning UIs show only `fail` results as alerts.

use super::model::Report;
use crate::model::{Finding, Severity, Status};
use serde_sarif::sarif::{
    Location, LogicalLocation, Message, MultiformatMessageString, PropertyBag,
    ReportingConfiguration, ReportingDescriptor, Result as SarifResult, ResultKind, ResultLevel,
    Run, Sarif, Suppression, Tool, ToolComponent,
};
use std::collections::BTreeMap;

/// URI of the SARIF 2.1.0 schema, written into `$schema`.
pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> ResultLevel {
    match s {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low | Severity::Info => ResultLevel::Note,
    }
}

/// GitHub's `security-severity` (0.0–10.0) for a severity.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

fn result(f: &Finding, rule_index: Option<i64>) -> SarifResult {
    let (kind, lvl) = match f.status {
        Status::Fail => (ResultKind::Fail, level(f.severity)),
        Status::Pass => (ResultKind::Pass, ResultLevel::None),
        Status::NotEvaluable => (ResultKind::Review, ResultLevel::None),
        Status::Error => (ResultKind::Open, ResultLevel::None),
    };
    let r = &f.resource;
    let qualified = format!(
        "{}/{}/{}",
        r.account.as_deref().unwrap_or("-"),
        r.kind,
        r.id
    );
    let location = LogicalLocation::builder()
        .name(r.display_name.clone().unwrap_or_else(|| r.id.clone()))
        .kind(r.kind.clone())
        .fully_qualified_name(qualified.clone())
        .build();
    let mut props = BTreeMap::new();
    props.insert("status".to_string(), serde_json::json!(f.status.as_str()));
    props.insert(
        "severity".to_string(),
        serde_json::json!(f.severity.as_str()),
    );
    props.insert("evidence".to_string(), serde_json::json!(f.evidence));
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert(
        "postureResource/v1".to_string(),
        format!("{}|{qualified}", f.check_id),
    );
    let mut b = SarifResult::builder()
        .rule_id(f.check_id.clone())
        .kind(kind)
        .level(lvl)
        .message(Message::builder().text(f.message.clone()).build())
        .locations(vec![
            Location::builder()
                .logical_locations(vec![location])
                .build(),
        ])
        .partial_fingerprints(fingerprints)
        .properties(PropertyBag::builder().additional_properties(props).build())
        .build();
    b.rule_index = rule_index;
    if let Some(w) = &f.waiver {
        let mut props = BTreeMap::new();
        props.insert("owner".to_string(), serde_json::json!(w.owner));
        props.insert("expires".to_string(), serde_json::json!(w.expires));
        if let Some(t) = &w.ticket {
            props.insert("ticket".to_string(), serde_json::json!(t));
        }
        b.suppressions = Some(vec![
            Suppression::builder()
                .kind(serde_json::json!("external"))
                .status(serde_json::json!("accepted"))
                .justification(w.reason.clone())
                .properties(PropertyBag::builder().additional_properties(props).build())
                .build(),
        ]);
    }
    b
}

/// Renders `report` as a SARIF 2.1.0 log (pretty JSON, trailing newline).
pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    // Writing into memory cannot fail.
    let _ = write(report, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Where the results go in the pretty log: `"results"` of the one run, a key at depth 3.
const RESULTS: &str = "\n      \"results\": []";

/// Writes `report` to `w` as [`render`] does, one result at a time: the log is serialized
/// with no results, and the results are written in their place one by one, so the host holds
/// one result, never all of them. (A JSON string never holds a raw newline, so [`RESULTS`]
/// can only be the key itself.)
pub fn write(report: &Report, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    // The first rule of an id, as before (a refused plugin's checks may repeat one).
    let mut rule_index: std::collections::HashMap<&str, i64> = std::collections::HashMap::new();
    for (i, c) in report.checks.iter().enumerate() {
        if let Ok(i) = i64::try_from(i) {
            rule_index.entry(c.id.as_str()).or_insert(i);
        }
    }
    let frame = frame(report);
    let Some(at) = frame.find(RESULTS) else {
        return Err(std::io::Error::other(
            "the SARIF frame has no results array",
        ));
    };
    let (head, tail) = frame.split_at(at + RESULTS.len() - 2);
    w.write_all(head.as_bytes())?;
    let mut results = super::stream::PrettyArray::new(w, 3)?;
    for f in &report.findings {
        results.push(&result(f, rule_index.get(f.check_id.as_str()).copied()))?;
    }
    results.finish()?;
    w.write_all(&tail.as_bytes()[2..])?;
    w.write_all(b"\n")
}

/// The SARIF log of `report` with an empty results array, pretty, without a trailing newline.
fn frame(report: &Report) -> String {
    let rules: Vec<ReportingDescriptor> = report
        .checks
        .iter()
        .map(|c| {
            let mut tags = vec!["security".to_string(), c.domain.clone()];
            tags.extend(
                c.controls
                    .iter()
                    .map(|k| format!("{}:{}", k.framework, k.id)),
            );
            let mut props = BTreeMap::new();
            props.insert(
                "security-severity".to_string(),
                serde_json::json!(security_severity(c.severity)),
            );
            ReportingDescriptor::builder()
                .id(c.id.clone())
                .name(c.title.clone())
                .short_description(
                    MultiformatMessageString::builder()
                        .text(c.title.clone())
                        .build(),
                )
                .help(
                    MultiformatMessageString::builder()
                        .text(c.remediation.clone())
                        .build(),
                )
                .default_configuration(
                    ReportingConfiguration::builder()
                        .level(serde_json::json!(level(c.severity)))
                        .build(),
                )
                .properties(
                    PropertyBag::builder()
                        .tags(tags)
                        .additional_properties(props)
                        .build(),
                )
                .build()
        })
        .collect();
    let driver = ToolComponent::builder()
        .name("posture".to_string())
        .version(report.posture_version.clone())
        .semantic_version(report.posture_version.clone())
        .rules(rules)
        .build();
    let mut run_props = BTreeMap::new();
    run_props.insert("snapshot".to_string(), serde_json::json!(report.snapshot));
    run_props.insert("evaluatedAt".to_string(), serde_json::json!(report.now));
    run_props.insert("plugins".to_string(), serde_json::json!(report.plugins));
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(Vec::<SarifResult>::new())
        .properties(
            PropertyBag::builder()
                .additional_properties(run_props)
                .build(),
        )
        .build();
    let log = Sarif::builder()
        .schema(SARIF_SCHEMA.to_string())
        .version(serde_json::json!("2.1.0"))
        .runs(vec![run])
        .build();
    serde_json::to_string_pretty(&log).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ResourceRef, Waiver};
    use crate::report::build::test_support::report_of;
    use serde_json::Value;

    fn finding(check: &str, status: Status, severity: Severity) -> Finding {
        Finding {
            check_id: check.into(),
            plugin: "p".into(),
            domain: "iam".into(),
            status,
            severity,
            resource: ResourceRef {
                kind: "principal".into(),
                id: "u1".into(),
                display_name: None,
                account: Some("111".into()),
                tags: Default::default(),
            },
            message: "m".into(),
            evidence: Vec::new(),
            waiver: None,
        }
    }

    /// The results of the rendered log, by rule id.
    fn results(report: &Report) -> BTreeMap<String, Value> {
        let log: Value = serde_json::from_str(&render(report)).expect("JSON");
        log["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| (r["ruleId"].as_str().unwrap_or("").to_string(), r.clone()))
            .collect()
    }

    #[test]
    fn failures_take_their_severitys_level_other_statuses_none() {
        let r = report_of(vec![
            finding("c.critical", Status::Fail, Severity::Critical),
            finding("c.high", Status::Fail, Severity::High),
            finding("c.medium", Status::Fail, Severity::Medium),
            finding("c.low", Status::Fail, Severity::Low),
            finding("c.info", Status::Fail, Severity::Info),
            finding("s.pass", Status::Pass, Severity::Critical),
            finding("s.unknown", Status::NotEvaluable, Severity::Critical),
            finding("s.error", Status::Error, Severity::Critical),
        ]);
        let results = results(&r);
        let got = |id: &str| {
            let r = &results[id];
            (
                r["kind"].as_str().unwrap_or("").to_string(),
                r["level"].as_str().unwrap_or("").to_string(),
            )
        };
        for (id, kind, level) in [
            ("c.critical", "fail", "error"),
            ("c.high", "fail", "error"),
            ("c.medium", "fail", "warning"),
            ("c.low", "fail", "note"),
            ("c.info", "fail", "note"),
            ("s.pass", "pass", "none"),
            ("s.unknown", "review", "none"),
            ("s.error", "open", "none"),
        ] {
            assert_eq!(got(id), (kind.to_string(), level.to_string()), "{id}");
        }
        assert!(results.values().all(|r| r.get("suppressions").is_none()));
    }

    #[test]
    fn a_waived_finding_is_an_accepted_external_suppression() {
        let mut r = report_of(vec![finding("c.high", Status::Fail, Severity::High)]);
        r.findings[0].waiver = Some(Waiver {
            check: "c.high".into(),
            resource: "u1".into(),
            account: None,
            reason: "break-glass".into(),
            owner: "sec".into(),
            ticket: Some("SEC-1".into()),
            expires: "2099-01-01".into(),
        });
        let results = results(&r);
        let result = &results["c.high"];
        assert_eq!(result["level"], "error", "still a failure, suppressed");
        let s = &result["suppressions"][0];
        assert_eq!(
            (&s["kind"], &s["status"], &s["justification"]),
            (
                &Value::from("external"),
                &Value::from("accepted"),
                &Value::from("break-glass")
            )
        );
        assert_eq!(s["properties"]["owner"], "sec");
        assert_eq!(s["properties"]["ticket"], "SEC-1");
    }

    #[test]
    fn results_point_at_their_rule_and_rules_carry_the_check_severity() {
        let mut r = report_of(vec![finding("c.medium", Status::Fail, Severity::Medium)]);
        r.checks.push(crate::report::model::CheckResult {
            id: "c.medium".into(),
            title: "T".into(),
            domain: "iam".into(),
            plugin: "p".into(),
            severity: Severity::Medium,
            controls: Vec::new(),
            remediation: String::new(),
            counts: Default::default(),
            plugin_failed: false,
        });
        let log: Value = serde_json::from_str(&render(&r)).expect("JSON");
        let rule = &log["runs"][0]["tool"]["driver"]["rules"][0];
        assert_eq!(rule["defaultConfiguration"]["level"], "warning");
        assert_eq!(rule["properties"]["security-severity"], "5.5");
        let result = &log["runs"][0]["results"][0];
        assert_eq!(result["ruleIndex"], 0);
        assert_eq!(
            result["partialFingerprints"]["postureResource/v1"],
            "c.medium|111/principal/u1"
        );
    }
}
