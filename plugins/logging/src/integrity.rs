//! `logging.integrity`: audit logs cannot be altered unnoticed: integrity validation
//! (digests, signatures) or immutable storage.

use posture_sdk::prelude::*;

/// Check id.
pub const ID: &str = "logging.integrity";

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .title("Audit logs are tamper-evident or immutable")
        .description(
            "For each audit log: passes when log-file integrity validation is on or the logs are \
             stored immutably; fails when both are known to be off; not evaluable otherwise.",
        )
        .severity(Severity::Medium)
        .rationale(
            "An intruder with write access to the logs erases their tracks; evidence that can be \
             edited silently is worth little in an investigation or an audit.",
        )
        .remediation(
            "Turn on log-file integrity validation on the trail (CloudTrail digest files) and store \
             the logs in a bucket with Object Lock (compliance mode) or in a separate logging \
             account that the source account cannot write to.",
        )
        .soc2("CC7.2")
        .iso27001("A.8.15")
        .reads(&[EntityKind::AuditLogs])
}

fn evaluate(_cx: &Context, snap: &Snapshot) -> CheckResult {
    let mut out = Vec::new();
    for (i, l) in snap.audit_logs()?.iter().enumerate() {
        let res = resource::audit_log(l);
        let f = match (l.integrity_validation, l.immutable) {
            (Some(true), _) | (_, Some(true)) => Finding::pass(
                ID,
                res,
                format!("{} is integrity-validated or immutable", l.name),
            ),
            (Some(false), Some(false)) => Finding::fail(
                ID,
                res,
                format!("{} is neither integrity-validated nor immutable", l.name),
            ),
            _ => Finding::not_evaluable(
                ID,
                res,
                format!("integrity protection of {} is unknown", l.name),
            ),
        };
        out.push(
            f.evidence(
                "integrity_validation",
                show(l.integrity_validation),
                path(EntityKind::AuditLogs, i, "integrity_validation"),
            )
            .evidence(
                "immutable",
                show(l.immutable),
                path(EntityKind::AuditLogs, i, "immutable"),
            ),
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, SnapshotBuilder};

    #[test]
    fn either_protection_passes_both_off_fails_unknown_not_evaluable() {
        let mk = |id: &str, v: Option<bool>, im: Option<bool>| {
            let mut l = testing::audit_log(id, "cloudtrail");
            l.integrity_validation = v;
            l.immutable = im;
            l
        };
        let snap = SnapshotBuilder::new()
            .audit_logs(vec![
                mk("v", Some(true), None),
                mk("im", Some(false), Some(true)),
                mk("none", Some(false), Some(false)),
                mk("unk", Some(false), None),
            ])
            .build();
        let got: Vec<Status> = testing::run(&crate::plugin(), ID, &snap, &[])
            .into_iter()
            .map(|f| f.status)
            .collect();
        assert_eq!(
            got,
            vec![
                Status::Pass,
                Status::Pass,
                Status::Fail,
                Status::NotEvaluable
            ]
        );
    }
}
