//! `logging.retention`: audit logs are kept for at least `min-days` days (default 90).

use posture_sdk::prelude::*;

/// Check id.
pub const ID: &str = "logging.retention";

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .title("Audit logs are retained long enough")
        .description(
            "For each audit log: passes when events are kept at least `min-days` days, fails when \
             kept for less, not evaluable when the retention is unknown.",
        )
        .severity(Severity::Medium)
        .rationale(
            "Intrusions are typically found weeks or months after they start; logs that expire \
             sooner cannot reconstruct what happened, and auditors sample evidence across the \
             whole audit period.",
        )
        .remediation(
            "Raise the retention of the log store (S3 lifecycle rule or CloudWatch Logs retention \
             for CloudTrail; Microsoft Purview audit retention policies; export Google Workspace \
             logs to BigQuery or a SIEM) to at least the required number of days.",
        )
        .soc2("CC7.2")
        .iso27001("A.8.15")
        .param_int("min-days", 90, "minimum audit-log retention in days")
        .reads(&[EntityKind::AuditLogs])
}

fn evaluate(cx: &Context, snap: &Snapshot) -> CheckResult {
    let min = cx.int("min-days")?;
    let mut out = Vec::new();
    for (i, l) in snap.audit_logs()?.iter().enumerate() {
        let res = resource::audit_log(l);
        let f = match l.retention_days {
            Some(d) if i64::from(d) >= min => {
                Finding::pass(ID, res, format!("{} keeps events for {d} days", l.name))
            }
            Some(d) => Finding::fail(
                ID,
                res,
                format!("{} keeps events for only {d} days (minimum {min})", l.name),
            ),
            None => Finding::not_evaluable(ID, res, format!("retention of {} is unknown", l.name)),
        };
        out.push(f.evidence(
            "retention_days",
            show(l.retention_days),
            path(EntityKind::AuditLogs, i, "retention_days"),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, SnapshotBuilder};

    fn log(id: &str, days: Option<u32>) -> AuditLog {
        let mut l = testing::audit_log(id, "cloudtrail");
        l.retention_days = days;
        l
    }

    fn run(params: &[(&str, ParamValue)]) -> Vec<Status> {
        let snap = SnapshotBuilder::new()
            .audit_logs(vec![
                log("at", Some(90)),
                log("under", Some(89)),
                log("unk", None),
            ])
            .build();
        testing::run(&crate::plugin(), ID, &snap, params)
            .into_iter()
            .map(|f| f.status)
            .collect()
    }

    #[test]
    fn threshold_is_inclusive() {
        assert_eq!(
            run(&[]),
            vec![Status::Pass, Status::Fail, Status::NotEvaluable]
        );
    }

    #[test]
    fn parameter_overrides() {
        assert_eq!(
            run(&[("min-days", ParamValue::Integer(365))]),
            vec![Status::Fail, Status::Fail, Status::NotEvaluable]
        );
    }

    #[test]
    fn absent_audit_logs_are_not_evaluable() {
        let f = testing::run(&crate::plugin(), ID, &SnapshotBuilder::new().build(), &[]);
        assert_eq!(f[0].status, Status::NotEvaluable);
    }
}
