//! `sharing.guest-expiry`: guest and external identities have an expiry date or a recent
//! access review.

use posture_sdk::prelude::*;

/// Check id.
pub const ID: &str = "sharing.guest-expiry";

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .title("Guest access expires or is reviewed")
        .description(
            "For each enabled guest principal: passes when its access expires in the future or it \
             was reviewed within `max-review-age-days`; fails when it has neither (no expiry set, \
             or expired yet still enabled, and no recent review). Principals not known to be \
             guests are skipped.",
        )
        .severity(Severity::Medium)
        .rationale(
            "Guests are invited for a project and forgotten; without expiry or review they keep \
             access to files and teams long after the collaboration ended.",
        )
        .remediation(
            "Set an expiry on guest access (Entra ID access reviews or guest expiration policies; \
             Google Workspace: expiring access for external collaborators), run a quarterly guest \
             access review, and remove guests who no longer need access.",
        )
        .soc2("CC6.2")
        .soc2("CC6.3")
        .iso27001("A.5.18")
        .iso27001("A.5.19")
        .param_int(
            "max-review-age-days",
            90,
            "how recent an access review must be, in days",
        )
        .reads(&[EntityKind::Principals])
}

fn evaluate(cx: &Context, snap: &Snapshot) -> CheckResult {
    let max_review = cx.int("max-review-age-days")?;
    let mut out = Vec::new();
    for (i, p) in snap.principals()?.iter().enumerate() {
        let disabled = matches!(
            p.status,
            Some(AccountStatus::Disabled) | Some(AccountStatus::Suspended)
        );
        if p.guest != Some(true) || disabled {
            continue;
        }
        let res = resource::principal(p);
        let expires_later = p.access_expires.is_some_and(|t| t > cx.now());
        let reviewed = p
            .last_reviewed
            .is_some_and(|t| cx.days_since(t) <= max_review);
        let f = if expires_later {
            Finding::pass(
                ID,
                res,
                format!(
                    "guest {} expires on {}",
                    p.name,
                    show_time(p.access_expires)
                ),
            )
        } else if reviewed {
            Finding::pass(
                ID,
                res,
                format!(
                    "guest {} was reviewed on {}",
                    p.name,
                    show_time(p.last_reviewed)
                ),
            )
        } else {
            let why = match p.access_expires {
                Some(_) => "expired but is still enabled",
                None => "has no expiry",
            };
            Finding::fail(
                ID,
                res,
                format!(
                    "guest {} {why} and no access review in the last {max_review} days",
                    p.name
                ),
            )
        };
        out.push(
            f.evidence(
                "access_expires",
                show_time(p.access_expires),
                path(EntityKind::Principals, i, "access_expires"),
            )
            .evidence(
                "last_reviewed",
                show_time(p.last_reviewed),
                path(EntityKind::Principals, i, "last_reviewed"),
            ),
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, DAY, NOW, SnapshotBuilder};

    fn guest(id: &str, expires: Option<i64>, reviewed: Option<i64>) -> Principal {
        let mut p = testing::principal(id, id);
        p.guest = Some(true);
        p.access_expires = expires.map(|d| NOW + d * DAY);
        p.last_reviewed = reviewed.map(|d| NOW - d * DAY);
        p
    }

    fn run(ps: Vec<Principal>, params: &[(&str, ParamValue)]) -> Vec<(String, Status)> {
        testing::outcomes(testing::run(
            &crate::plugin(),
            ID,
            &SnapshotBuilder::new().principals(ps).build(),
            params,
        ))
    }

    #[test]
    fn expiry_or_recent_review_passes() {
        let got = run(
            vec![
                guest("exp", Some(30), None),
                guest("rev-at-limit", None, Some(90)),
                guest("rev-old", None, Some(91)),
                guest("none", None, None),
                guest("expired", Some(-1), None),
            ],
            &[],
        );
        assert_eq!(
            got,
            vec![
                ("exp".into(), Status::Pass),
                ("rev-at-limit".into(), Status::Pass),
                ("rev-old".into(), Status::Fail),
                ("none".into(), Status::Fail),
                ("expired".into(), Status::Fail)
            ]
        );
    }

    #[test]
    fn members_and_disabled_guests_skipped_parameter_applies() {
        let member = testing::principal("m", "m");
        let mut off = guest("off", None, None);
        off.status = Some(AccountStatus::Disabled);
        assert!(run(vec![member, off], &[]).is_empty());
        let got = run(
            vec![guest("g", None, Some(100))],
            &[("max-review-age-days", ParamValue::Integer(180))],
        );
        assert_eq!(got, vec![("g".into(), Status::Pass)]);
        let got = run(
            vec![guest("at", None, Some(30)), guest("over", None, Some(31))],
            &[("max-review-age-days", ParamValue::Integer(30))],
        );
        assert_eq!(
            got,
            vec![("at".into(), Status::Pass), ("over".into(), Status::Fail)]
        );
    }

    #[test]
    fn expiry_exactly_now_is_not_in_the_future_and_evidence_is_given() {
        let f = testing::run(
            &crate::plugin(),
            ID,
            &SnapshotBuilder::new()
                .principals(vec![guest("now", Some(0), None)])
                .build(),
            &[],
        );
        assert_eq!(f[0].status, Status::Fail);
        assert!(f[0].message.contains("expired"), "{}", f[0].message);
        let ev: Vec<(&str, &str, &str)> = f[0]
            .evidence
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_str(), e.path.as_str()))
            .collect();
        assert_eq!(
            ev,
            vec![
                (
                    "access_expires",
                    "2026-11-22T12:00:00Z",
                    "/principals/0/access_expires"
                ),
                ("last_reviewed", "unknown", "/principals/0/last_reviewed")
            ]
        );
    }

    #[test]
    fn unknown_guest_flag_is_skipped_absent_principals_not_evaluable() {
        let mut unknown = guest("u", None, None);
        unknown.guest = None;
        assert!(run(vec![unknown], &[]).is_empty());
        let f = testing::run(&crate::plugin(), ID, &SnapshotBuilder::new().build(), &[]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::NotEvaluable);
        assert_eq!(f[0].resource.id, "principals");
    }
}
