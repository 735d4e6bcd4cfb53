//! `logging.audit-trail`: every AWS account has a trail that is on, delivering, covers all
//! regions and records management events.

use posture_sdk::prelude::*;

/// Check id.
pub const ID: &str = "logging.audit-trail";

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .providers(&["aws"])
        .title("A complete audit trail is on in every cloud account")
        .description(
            "For each AWS account: passes when at least one CloudTrail trail is enabled, currently \
             logging, multi-region and records management events; fails when no trail does; not \
             evaluable when a trail might qualify but some of those settings are unknown.",
        )
        .severity(Severity::High)
        .rationale(
            "Without a complete trail, changes and intrusions leave no record: incidents cannot be \
             investigated and the operation of controls cannot be shown to an auditor.",
        )
        .remediation(
            "Create (or fix) a multi-region trail that records management events, start logging on \
             it, and deliver it to a dedicated, locked-down bucket; with AWS Organizations prefer \
             one organisation trail.",
        )
        .soc2("CC7.2")
        .soc2("CC7.3")
        .iso27001("A.8.15")
        .iso27001("A.8.16")
        .reads(&[EntityKind::AuditLogs])
}

fn evaluate(cx: &Context, snap: &Snapshot) -> CheckResult {
    let logs = snap.audit_logs()?;
    let mut out = Vec::new();
    for a in cx.accounts().iter().filter(|a| a.provider == "aws") {
        let trails: Vec<(usize, &AuditLog)> = logs
            .iter()
            .enumerate()
            .filter(|(_, l)| l.account == a.id && l.service == "cloudtrail")
            .collect();
        let fields = |l: &AuditLog| [l.enabled, l.logging, l.all_regions, l.management_events];
        let complete = trails
            .iter()
            .find(|(_, l)| fields(l).iter().all(|v| *v == Some(true)));
        let maybe = trails
            .iter()
            .any(|(_, l)| fields(l).iter().all(|v| *v != Some(false)));
        let f = match (complete, maybe) {
            (Some((_, l)), _) => Finding::pass(
                ID,
                resource::account(a),
                format!("trail {} logs management events in all regions", l.name),
            ),
            (None, true) => Finding::not_evaluable(
                ID,
                resource::account(a),
                "a trail may cover the account, but some of its settings are unknown",
            ),
            (None, false) if trails.is_empty() => Finding::fail(
                ID,
                resource::account(a),
                "the account has no CloudTrail trail",
            ),
            (None, false) => Finding::fail(
                ID,
                resource::account(a),
                "no trail is enabled, logging, multi-region and recording management events",
            ),
        };
        let mut f = f.evidence("trails", trails.len().to_string(), "/audit_logs".into());
        for (i, l) in &trails {
            f = f
                .evidence(
                    &format!("{}.logging", l.name),
                    show(l.logging),
                    path(EntityKind::AuditLogs, *i, "logging"),
                )
                .evidence(
                    &format!("{}.all_regions", l.name),
                    show(l.all_regions),
                    path(EntityKind::AuditLogs, *i, "all_regions"),
                );
        }
        out.push(f);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, SnapshotBuilder};

    fn trail(id: &str, v: Option<bool>, regions: Option<bool>) -> AuditLog {
        let mut l = testing::audit_log(id, "cloudtrail");
        l.enabled = v;
        l.logging = v;
        l.all_regions = regions;
        l.management_events = v;
        l
    }

    fn status(logs: Vec<AuditLog>) -> Status {
        let snap = SnapshotBuilder::new().audit_logs(logs).build();
        let f = testing::run_as(&crate::plugin(), ID, &snap, "aws", &[]);
        assert_eq!(f.len(), 1);
        f[0].status
    }

    #[test]
    fn one_complete_trail_passes() {
        assert_eq!(
            status(vec![
                trail("a", Some(false), Some(true)),
                trail("b", Some(true), Some(true))
            ]),
            Status::Pass
        );
    }

    #[test]
    fn single_region_or_off_fails_and_no_trail_fails() {
        assert_eq!(
            status(vec![trail("a", Some(true), Some(false))]),
            Status::Fail
        );
        assert_eq!(
            status(vec![trail("a", Some(false), Some(true))]),
            Status::Fail
        );
        assert_eq!(status(vec![]), Status::Fail);
    }

    #[test]
    fn unknown_settings_are_not_evaluable() {
        assert_eq!(
            status(vec![trail("a", Some(true), None)]),
            Status::NotEvaluable
        );
    }
}
