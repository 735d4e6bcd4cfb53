//! `iam.stale-accounts`: enabled accounts that nobody has signed in to for more than
//! `max-days` days (default 90) should be disabled.
//!
//! Principals the snapshot's HR or directory data marks as departed are skipped: one problem,
//! one finding, and a departed person's account is `iam.departed-accounts`'s (high) finding,
//! whether it is dormant or not. People on leave or of unknown employment are judged here.

use crate::common::{is_departed, is_enabled, is_interactive, who};
use posture_sdk::prelude::*;

/// Check id.
pub const ID: &str = "iam.stale-accounts";

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .title("Unused accounts are disabled")
        .description(
            "For each enabled person's account that can sign in interactively (break-glass and \
             service identities excluded), fails when the last sign-in \
             (or, for an account that never signed in, its creation) is more than `max-days` days \
             before now. Not evaluable when neither date is in the snapshot. People the HR or \
             directory data marks as departed are judged by iam.departed-accounts, not here.",
        )
        .severity(Severity::Medium)
        .rationale(
            "Dormant accounts are not watched by their owners: a takeover goes unnoticed, and they \
             often belong to people who changed role or left.",
        )
        .remediation(
            "1. Confirm with the account's owner or manager whether it is still needed. 2. Disable \
             it (do not delete at once: keep it for investigations), remove its group memberships \
             and credentials. 3. Schedule a periodic access review that catches such accounts.",
        )
        .soc2("CC6.2")
        .soc2("CC6.3")
        .iso27001("A.5.18")
        .param_int(
            "max-days",
            90,
            "days without sign-in after which an account is stale",
        )
        .reads(&[EntityKind::Principals])
}

fn evaluate(cx: &Context, snap: &Snapshot) -> CheckResult {
    let max = cx.int("max-days")?;
    let mut out = Vec::new();
    for (i, p) in snap.principals()?.iter().enumerate() {
        // Break-glass accounts are dormant by design; service identities are covered by
        // the credential checks; departed people by iam.departed-accounts.
        if !is_enabled(p)
            || !is_interactive(p)
            || matches!(p.kind, PrincipalKind::Service | PrincipalKind::BreakGlass)
            || is_departed(p)
        {
            continue;
        }
        let res = resource::principal(p);
        let (field, since) = match (p.last_sign_in, p.created) {
            (Some(t), _) => ("last_sign_in", t),
            (None, Some(t)) => ("created", t),
            (None, None) => {
                out.push(
                    Finding::not_evaluable(
                        ID,
                        res,
                        format!(
                            "neither last sign-in nor creation date of {} is known",
                            p.name
                        ),
                    )
                    .evidence(
                        "last_sign_in",
                        "unknown",
                        path(EntityKind::Principals, i, "last_sign_in"),
                    ),
                );
                continue;
            }
        };
        let days = cx.days_since(since);
        let what = if field == "created" {
            "has never signed in since its creation"
        } else {
            "last signed in"
        };
        let ago = format!("{} ago", cx.days_elapsed(since, max));
        let f = if cx.more_than_days_since(since, max) {
            Finding::fail(
                ID,
                res,
                format!("{} {} {what} {ago} (limit {max})", who(p), p.name),
            )
        } else {
            Finding::pass(ID, res, format!("{} {what} {ago}", p.name))
        };
        out.push(
            f.evidence(
                field,
                rfc3339(since),
                path(EntityKind::Principals, i, field),
            )
            .evidence("days", days.to_string(), String::new()),
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, DAY, NOW, SnapshotBuilder};

    fn run(ps: Vec<Principal>, params: &[(&str, ParamValue)]) -> Vec<Finding> {
        testing::run(
            &crate::plugin(),
            ID,
            &SnapshotBuilder::new().principals(ps).build(),
            params,
        )
    }

    fn signed_in(id: &str, days_ago: i64) -> Principal {
        let mut p = testing::principal(id, id);
        p.last_sign_in = Some(NOW - days_ago * DAY);
        p
    }

    #[test]
    fn threshold_is_exclusive_of_the_limit() {
        let f = run(vec![signed_in("at", 90), signed_in("over", 91)], &[]);
        assert_eq!(f[0].status, Status::Pass);
        assert_eq!(f[1].status, Status::Fail);
    }

    #[test]
    fn the_limit_is_an_exact_duration_not_whole_days() {
        let mut p = signed_in("hours-over", 90);
        p.last_sign_in = p.last_sign_in.map(|t| t - 7 * 3600);
        let f = run(vec![p], &[]);
        assert_eq!(f[0].status, Status::Fail);
        assert!(
            f[0].message.contains("more than 90 days ago"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn never_signed_in_uses_creation_and_unknown_is_not_evaluable() {
        let mut old = testing::principal("old", "old");
        old.created = Some(NOW - 400 * DAY);
        let unknown = testing::principal("u", "u");
        let f = run(vec![old, unknown], &[]);
        assert_eq!(f[0].status, Status::Fail);
        assert!(f[0].message.contains("never signed in"));
        assert_eq!(f[1].status, Status::NotEvaluable);
    }

    #[test]
    fn parameter_and_skips() {
        let f = run(
            vec![signed_in("a", 40)],
            &[("max-days", ParamValue::Integer(30))],
        );
        assert_eq!(f[0].status, Status::Fail);
        let mut off = signed_in("off", 400);
        off.status = Some(AccountStatus::Disabled);
        let mut svc = signed_in("svc", 400);
        svc.kind = PrincipalKind::Service;
        let mut bg = signed_in("bg", 400);
        bg.kind = PrincipalKind::BreakGlass;
        assert!(run(vec![off, svc, bg], &[]).is_empty());
    }

    /// One problem, one finding: whoever `iam.departed-accounts` judges as departed (employment
    /// `departed`, account status known or not) is its finding only; people on leave, current
    /// or of unknown employment are still judged here.
    #[test]
    fn departed_people_are_left_to_departed_accounts() {
        let person = |id: &str, e: Option<EmploymentStatus>, s: Option<AccountStatus>| {
            let mut p = signed_in(id, 400);
            p.employment = e;
            p.status = s;
            p
        };
        use AccountStatus::Enabled;
        use EmploymentStatus::*;
        let principals = vec![
            person("gone", Some(Departed), Some(Enabled)),
            person("gone-unknown", Some(Departed), None),
            person("leave", Some(OnLeave), Some(Enabled)),
            person("here", Some(Active), Some(Enabled)),
            person("no-hr", None, Some(Enabled)),
        ];
        let f = testing::outcomes(run(principals.clone(), &[]));
        assert_eq!(
            f,
            vec![
                ("leave".into(), Status::Fail),
                ("here".into(), Status::Fail),
                ("no-hr".into(), Status::Fail),
            ]
        );
        // The owner reports the departed ones, once each.
        let snap = SnapshotBuilder::new().principals(principals).build();
        let owned: Vec<(String, Status)> = testing::outcomes(testing::run(
            &crate::plugin(),
            crate::departed_accounts::ID,
            &snap,
            &[],
        ))
        .into_iter()
        .filter(|(id, _)| id.starts_with("gone"))
        .collect();
        assert_eq!(
            owned,
            vec![
                ("gone".into(), Status::Fail),
                ("gone-unknown".into(), Status::NotEvaluable),
            ]
        );
    }
}
