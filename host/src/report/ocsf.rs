//! OCSF rendering (schema 1.4.0): a JSON array of events for security data lakes and SIEMs.
//!
//! Every finding becomes a **Detection Finding** (class 2004); every finding of a check that
//! evidences framework controls also becomes one **Compliance Finding** (class 2003) per
//! framework, naming the controls in `compliance.requirements`. Field choices follow what
//! Prowler emits for the same classes (`status_code` PASS/FAIL, `status` New, waived findings
//! Suppressed), so pipelines built for it accept ours.

use super::model::Report;
use crate::model::{Finding, Severity, Status};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// OCSF schema version the events follow.
pub const OCSF_VERSION: &str = "1.4.0";

/// Detection Finding class.
const DETECTION_FINDING: u32 = 2004;
/// Compliance Finding class.
const COMPLIANCE_FINDING: u32 = 2003;
/// Category "Findings".
const FINDINGS_CATEGORY: u32 = 2;
/// Activity "Create".
const ACTIVITY_CREATE: u32 = 1;

fn severity(s: Severity) -> (u32, &'static str) {
    match s {
        Severity::Info => (1, "Informational"),
        Severity::Low => (2, "Low"),
        Severity::Medium => (3, "Medium"),
        Severity::High => (4, "High"),
        Severity::Critical => (5, "Critical"),
    }
}

fn status_code(s: Status) -> &'static str {
    match s {
        Status::Pass => "PASS",
        Status::Fail => "FAIL",
        Status::NotEvaluable => "NOT_EVALUABLE",
        Status::Error => "ERROR",
    }
}

/// OCSF compliance status: 1 Pass, 3 Fail, 0 Unknown (not evaluable or error).
fn compliance_status(s: Status) -> (u32, &'static str) {
    match s {
        Status::Pass => (1, "Pass"),
        Status::Fail => (3, "Fail"),
        Status::NotEvaluable | Status::Error => (0, "Unknown"),
    }
}

fn framework_name(id: &str) -> String {
    match id {
        "soc2" => "SOC 2".to_string(),
        "iso27001" => "ISO/IEC 27001:2022".to_string(),
        other => other.to_string(),
    }
}

/// A stable id: the same check on the same resource has the same uid in every scan.
fn finding_uid(f: &Finding) -> String {
    let mut h = Sha256::new();
    for part in [
        f.check_id.as_str(),
        f.resource.account.as_deref().unwrap_or(""),
        f.resource.kind.as_str(),
        f.resource.id.as_str(),
    ] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    format!("posture-{}", &hex::encode(h.finalize())[..32])
}

struct Common<'a> {
    time_ms: i64,
    product: Value,
    providers: BTreeMap<&'a str, &'a str>,
    remediation: BTreeMap<&'a str, &'a str>,
    titles: BTreeMap<&'a str, &'a str>,
}

impl Common<'_> {
    /// Fields shared by both classes.
    fn base(
        &self,
        f: &Finding,
        class_uid: u32,
        class_name: &str,
    ) -> serde_json::Map<String, Value> {
        let (severity_id, severity_name) = severity(f.severity);
        let waived = f.waiver.is_some();
        let account = f.resource.account.as_deref().unwrap_or("");
        let provider = self.providers.get(account).copied().unwrap_or("");
        let mut resource = json!({
            "uid": f.resource.id,
            "type": f.resource.kind,
            "name": f.resource.display_name.as_deref().unwrap_or(&f.resource.id),
            "group": { "name": f.domain },
        });
        if !f.resource.tags.is_empty() {
            resource["labels"] = f
                .resource
                .tags
                .iter()
                .map(|(k, v)| Value::String(format!("{k}={v}")))
                .collect();
        }
        let title = self.titles.get(f.check_id.as_str()).copied().unwrap_or("");
        let obj = json!({
            "class_uid": class_uid,
            "class_name": class_name,
            "category_uid": FINDINGS_CATEGORY,
            "category_name": "Findings",
            "activity_id": ACTIVITY_CREATE,
            "activity_name": "Create",
            "type_uid": class_uid * 100 + ACTIVITY_CREATE,
            "type_name": format!("{class_name}: Create"),
            "time": self.time_ms,
            "severity_id": severity_id,
            "severity": severity_name,
            "status_id": if waived { 3 } else { 1 },
            "status": if waived { "Suppressed" } else { "New" },
            "status_code": status_code(f.status),
            "status_detail": f.message,
            "message": f.message,
            "metadata": {
                "version": OCSF_VERSION,
                "product": self.product,
                "event_code": f.check_id,
                "profiles": ["cloud"],
            },
            "finding_info": {
                "uid": finding_uid(f),
                "title": title,
                "desc": title,
                "types": [f.domain],
                "product_uid": "posture",
            },
            "cloud": {
                "provider": provider,
                "account": { "uid": account },
            },
            "resources": [resource],
            "remediation": {
                "desc": self.remediation.get(f.check_id.as_str()).copied().unwrap_or(""),
            },
            "evidences": f.evidence.iter().map(|e| json!({
                "data": { "key": e.key, "value": e.value, "path": e.path },
            })).collect::<Vec<_>>(),
        });
        let Value::Object(mut map) = obj else {
            return serde_json::Map::new();
        };
        if let Some(w) = &f.waiver {
            map.insert(
                "unmapped".into(),
                json!({ "waiver": {
                    "reason": w.reason, "owner": w.owner, "ticket": w.ticket, "expires": w.expires,
                }}),
            );
        }
        map
    }
}

/// Renders `report` as a JSON array of OCSF events (pretty, trailing newline).
pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    // Writing into memory cannot fail, and the events are valid JSON values.
    let _ = write(report, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes `report` to `w` as [`render`] does, one event at a time: the host holds one event,
/// never the whole array, however many findings there are.
pub fn write(report: &Report, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let time_ms = chrono::DateTime::parse_from_rfc3339(&report.now)
        .map(|t| t.timestamp_millis())
        .unwrap_or(0);
    let providers = report
        .snapshot
        .accounts
        .iter()
        .filter_map(|a| a.split_once(':'))
        .map(|(provider, id)| (id, provider))
        .collect();
    let common = Common {
        time_ms,
        product: json!({
            "name": "posture",
            "uid": "posture",
            "vendor_name": "posture",
            "version": report.posture_version,
        }),
        providers,
        remediation: report
            .checks
            .iter()
            .map(|c| (c.id.as_str(), c.remediation.as_str()))
            .collect(),
        titles: report
            .checks
            .iter()
            .map(|c| (c.id.as_str(), c.title.as_str()))
            .collect(),
    };
    let controls: BTreeMap<&str, BTreeMap<&str, Vec<&str>>> = report
        .checks
        .iter()
        .map(|c| {
            let mut by_framework: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
            for ctl in &c.controls {
                by_framework
                    .entry(ctl.framework.as_str())
                    .or_default()
                    .push(ctl.id.as_str());
            }
            (c.id.as_str(), by_framework)
        })
        .collect();
    let mut events = super::stream::PrettyArray::new(w, 0)?;
    for f in &report.findings {
        events.push(&Value::Object(common.base(
            f,
            DETECTION_FINDING,
            "Detection Finding",
        )))?;
        let Some(frameworks) = controls.get(f.check_id.as_str()) else {
            continue;
        };
        for (framework, ids) in frameworks {
            let mut event = common.base(f, COMPLIANCE_FINDING, "Compliance Finding");
            let (status_id, status) = compliance_status(f.status);
            event.insert(
                "compliance".into(),
                json!({
                    "standards": [framework_name(framework)],
                    "requirements": ids,
                    "control": f.check_id,
                    "status_id": status_id,
                    "status": status,
                    "status_code": status_code(f.status),
                }),
            );
            events.push(&Value::Object(event))?;
        }
    }
    events.finish()?;
    w.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Evidence, ResourceRef};

    fn finding(status: Status) -> Finding {
        Finding {
            check_id: "iam.admin-mfa".into(),
            plugin: "p".into(),
            domain: "iam".into(),
            status,
            severity: Severity::High,
            resource: ResourceRef {
                kind: "principal".into(),
                id: "u1".into(),
                display_name: Some("alice".into()),
                account: Some("111".into()),
                tags: Default::default(),
            },
            message: "no MFA".into(),
            evidence: vec![Evidence {
                key: "mfa".into(),
                value: "false".into(),
                path: "/principals/0/mfa-enabled".into(),
            }],
            waiver: None,
        }
    }

    #[test]
    fn uids_are_stable_per_check_and_resource() {
        let a = finding(Status::Fail);
        let mut b = finding(Status::Pass);
        assert_eq!(finding_uid(&a), finding_uid(&b));
        b.resource.id = "u2".into();
        assert_ne!(finding_uid(&a), finding_uid(&b));
    }

    #[test]
    fn statuses_map_to_ocsf_ids() {
        assert_eq!(compliance_status(Status::Fail).0, 3);
        assert_eq!(compliance_status(Status::NotEvaluable).1, "Unknown");
        assert_eq!(severity(Severity::Critical), (5, "Critical"));
    }
}
