//! `backup.retention`: backup plans keep recovery points for at least `min-days` days
//! (default 30).

use posture_sdk::prelude::*;

/// Check id.
pub const ID: &str = "backup.retention";

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .providers(&["aws", "azure", "gcp"])
        .title("Backups are kept long enough")
        .description(
            "For each backup plan: passes when recovery points are kept at least `min-days` days, \
             fails when kept for less, not evaluable when the retention is unknown.",
        )
        .severity(Severity::Medium)
        .rationale(
            "Corruption and ransomware are often noticed weeks after they begin; backups that \
             expire sooner only hold already-damaged copies.",
        )
        .remediation(
            "Raise the plan's lifecycle (delete-after) to at least the required days, and keep a \
             monthly copy for longer if the business continuity plan asks for it.",
        )
        .soc2("A1.2")
        .iso27001("A.8.13")
        .param_int(
            "min-days",
            30,
            "minimum retention of recovery points in days",
        )
        .reads(&[EntityKind::BackupPlans])
}

fn evaluate(cx: &Context, snap: &Snapshot) -> CheckResult {
    let min = cx.int("min-days")?;
    let mut out = Vec::new();
    for (i, b) in snap.backup_plans()?.iter().enumerate() {
        let res = resource::backup_plan(b);
        let f = match b.retention_days {
            Some(d) if i64::from(d) >= min => {
                Finding::pass(ID, res, format!("{} keeps backups for {d} days", b.name))
            }
            Some(d) => Finding::fail(
                ID,
                res,
                format!("{} keeps backups for only {d} days (minimum {min})", b.name),
            ),
            None => Finding::not_evaluable(ID, res, format!("retention of {} is unknown", b.name)),
        };
        out.push(f.evidence(
            "retention_days",
            show(b.retention_days),
            path(EntityKind::BackupPlans, i, "retention_days"),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, SnapshotBuilder};

    fn run(params: &[(&str, ParamValue)]) -> Vec<Status> {
        let plan = |id: &str, d: Option<u32>| {
            let mut b = testing::backup_plan(id, id);
            b.retention_days = d;
            b
        };
        let snap = SnapshotBuilder::new()
            .backup_plans(vec![
                plan("at", Some(30)),
                plan("under", Some(29)),
                plan("unk", None),
            ])
            .build();
        testing::run(&crate::plugin(), ID, &snap, params)
            .into_iter()
            .map(|f| f.status)
            .collect()
    }

    #[test]
    fn threshold_is_inclusive_and_overridable() {
        assert_eq!(
            run(&[]),
            vec![Status::Pass, Status::Fail, Status::NotEvaluable]
        );
        assert_eq!(
            run(&[("min-days", ParamValue::Integer(7))]),
            vec![Status::Pass, Status::Pass, Status::NotEvaluable]
        );
    }

    #[test]
    fn absent_plans_are_not_evaluable() {
        let f = testing::run(&crate::plugin(), ID, &SnapshotBuilder::new().build(), &[]);
        assert_eq!(f[0].status, Status::NotEvaluable);
    }
}
