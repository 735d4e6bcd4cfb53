//! `backup.recency`: every protected resource has a successful backup newer than
//! `max-age-hours` (default 36).

use posture_sdk::prelude::*;

/// Check id.
pub const ID: &str = "backup.recency";

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .providers(&["aws", "azure", "gcp"])
        .title("Backups are recent")
        .description(
            "For each protected resource: passes when, at the time the snapshot was captured, the \
             last successful backup was at most `max-age-hours` old; fails when older; not evaluable when the time of the last \
             successful backup is not in the snapshot.",
        )
        .severity(Severity::High)
        .rationale(
            "A backup plan that silently stopped working gives false confidence; the restore point \
             that matters is the latest one, and daily jobs should never be more than a day and a \
             half old.",
        )
        .remediation(
            "Look at the failed or missing jobs of the plan (AWS Backup job history), fix the cause \
             (permissions, resource state, window too short), run an on-demand backup, and alert \
             on failed backup jobs.",
        )
        .soc2("A1.2")
        .iso27001("A.8.13")
        .param_int("max-age-hours", 36, "oldest acceptable last successful backup, in hours")
        .reads(&[EntityKind::ProtectedResources])
}

fn evaluate(cx: &Context, snap: &Snapshot) -> CheckResult {
    let max_hours = cx.int("max-age-hours")?;
    let mut out = Vec::new();
    for (i, p) in snap.protected_resources()?.iter().enumerate() {
        let res = resource::protected_resource(p);
        let f = match p.last_backup {
            Some(t) => {
                // Measured at capture time: the snapshot says what the backups were then.
                let hours = (cx.captured_at() - t).div_euclid(3600);
                if hours <= max_hours {
                    Finding::pass(ID, res, format!("last backup {hours} hours ago"))
                } else {
                    Finding::fail(
                        ID,
                        res,
                        format!("last successful backup {hours} hours ago (limit {max_hours})"),
                    )
                }
            }
            // `None` means the snapshot does not say (the contract's convention), not "never".
            None => Finding::not_evaluable(
                ID,
                res,
                "the time of the last successful backup is not in the snapshot",
            ),
        };
        out.push(f.evidence(
            "last_backup",
            show_time(p.last_backup),
            path(EntityKind::ProtectedResources, i, "last_backup"),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, NOW, SnapshotBuilder};
    // testing::run uses NOW as both `now` and the capture time.

    fn run(params: &[(&str, ParamValue)]) -> Vec<Status> {
        let pr = |id: &str, hours: Option<i64>| {
            let mut p = testing::protected_resource(id, "database");
            p.last_backup = hours.map(|h| NOW - h * 3600);
            p
        };
        let snap = SnapshotBuilder::new()
            .protected_resources(vec![
                pr("at", Some(36)),
                pr("old", Some(37)),
                pr("never", None),
            ])
            .build();
        testing::run(&crate::plugin(), ID, &snap, params)
            .into_iter()
            .map(|f| f.status)
            .collect()
    }

    #[test]
    fn threshold_inclusive_unknown_not_evaluable() {
        assert_eq!(
            run(&[]),
            vec![Status::Pass, Status::Fail, Status::NotEvaluable]
        );
        assert_eq!(
            run(&[("max-age-hours", ParamValue::Integer(48))]),
            vec![Status::Pass, Status::Pass, Status::NotEvaluable]
        );
    }

    #[test]
    fn age_is_measured_at_capture_time_not_scan_time() {
        let mut p = testing::protected_resource("r", "database");
        p.last_backup = Some(NOW - 3600);
        let snap = SnapshotBuilder::new().protected_resources(vec![p]).build();
        let ctx = EvaluationContext {
            now: NOW + 30 * testing::DAY,
            captured_at: NOW,
            accounts: vec![],
            checks: vec![CheckRequest {
                check_id: ID.into(),
                params: vec![],
            }],
        };
        let f = crate::plugin().evaluate(ctx, &snap).expect("evaluates");
        assert_eq!(f[0].status, Status::Pass);
    }

    #[test]
    fn absent_kind_is_not_evaluable() {
        let f = testing::run(&crate::plugin(), ID, &SnapshotBuilder::new().build(), &[]);
        assert_eq!(f[0].status, Status::NotEvaluable);
    }
}
