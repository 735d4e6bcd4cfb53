//! `iam.departed-accounts`: accounts of people the HR directory marks as departed are
//! disabled. Needs the snapshot to carry employment status; otherwise not evaluable.
//!
//! The one check that judges the accounts of departed people (one problem, one finding):
//! `iam.stale-accounts` skips every principal this check judges as departed.

use crate::common::is_enabled;
use posture_sdk::prelude::*;

/// Check id.
pub const ID: &str = "iam.departed-accounts";

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .title("Departed employees have no active accounts")
        .description(
            "For each principal whose employment status is known: fails when the person has \
             departed and the account is still enabled. When the snapshot carries no employment \
             status at all, one not-evaluable finding says so.",
        )
        .severity(Severity::High)
        .rationale(
            "Former employees and contractors keep knowledge of systems and sometimes grudges; \
             their still-active accounts are a classic source of data theft and sabotage.",
        )
        .remediation(
            "1. Disable the account today and revoke its sessions, passwords and keys. 2. Transfer \
             ownership of its files and resources. 3. Wire the HR leaver process to the identity \
             provider so that accounts are disabled on the last working day.",
        )
        .soc2("CC6.2")
        .soc2("CC6.3")
        .iso27001("A.5.18")
        .iso27001("A.6.5")
        .reads(&[EntityKind::Principals])
}

fn evaluate(_cx: &Context, snap: &Snapshot) -> CheckResult {
    let principals = snap.principals()?;
    if principals.iter().all(|p| p.employment.is_none()) {
        return Ok(vec![Finding::not_evaluable(
            ID,
            ResourceRef {
                kind: "snapshot".into(),
                id: "principals".into(),
                display_name: None,
                account: None,
            },
            "the snapshot carries no employment status (no HR or directory data), so departed \
             people cannot be identified",
        )]);
    }
    let mut out = Vec::new();
    for (i, p) in principals.iter().enumerate() {
        let Some(employment) = p.employment else {
            continue;
        };
        let res = resource::principal(p);
        let f = match employment {
            EmploymentStatus::Departed if is_enabled(p) && p.status.is_some() => Finding::fail(
                ID,
                res,
                format!("{} has departed but the account is still enabled", p.name),
            ),
            EmploymentStatus::Departed if p.status.is_none() => Finding::not_evaluable(
                ID,
                res,
                format!(
                    "{} has departed; whether the account is disabled is unknown",
                    p.name
                ),
            ),
            EmploymentStatus::Departed => Finding::pass(
                ID,
                res,
                format!("{} has departed and the account is disabled", p.name),
            ),
            _ => Finding::pass(ID, res, format!("{} is a current employee", p.name)),
        };
        out.push(
            f.evidence(
                "employment",
                wit_name(employment),
                path(EntityKind::Principals, i, "employment"),
            )
            .evidence(
                "status",
                show_enum(p.status),
                path(EntityKind::Principals, i, "status"),
            ),
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, SnapshotBuilder};

    fn person(id: &str, e: Option<EmploymentStatus>, s: Option<AccountStatus>) -> Principal {
        let mut p = testing::principal(id, id);
        p.employment = e;
        p.status = s;
        p
    }

    fn run(ps: Vec<Principal>) -> Vec<(String, Status)> {
        testing::outcomes(testing::run(
            &crate::plugin(),
            ID,
            &SnapshotBuilder::new().principals(ps).build(),
            &[],
        ))
    }

    #[test]
    fn departed_enabled_fails_disabled_passes_current_passes() {
        use AccountStatus::*;
        use EmploymentStatus::*;
        let got = run(vec![
            person("gone-on", Some(Departed), Some(Enabled)),
            person("gone-off", Some(Departed), Some(Disabled)),
            person("here", Some(Active), Some(Enabled)),
            person("gone-unknown", Some(Departed), None),
            person("no-hr", None, Some(Enabled)),
        ]);
        assert_eq!(
            got,
            vec![
                ("gone-on".into(), Status::Fail),
                ("gone-off".into(), Status::Pass),
                ("here".into(), Status::Pass),
                ("gone-unknown".into(), Status::NotEvaluable),
            ]
        );
    }

    #[test]
    fn no_hr_data_at_all_is_not_evaluable() {
        let got = run(vec![person("a", None, Some(AccountStatus::Enabled))]);
        assert_eq!(got, vec![("principals".into(), Status::NotEvaluable)]);
    }
}
