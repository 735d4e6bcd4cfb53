//! `iam.admin-count`: each account has between `min` and `max` enabled administrators
//! (defaults 2..=8, as CISA's Microsoft 365 baseline): at least two so that one person's
//! absence does not lock the organisation out, few enough to keep the blast radius small.

use crate::common::{is_admin, is_enabled};
use posture_sdk::prelude::*;

/// Check id.
pub const ID: &str = "iam.admin-count";

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .title("Each account has a small, redundant set of administrators")
        .description(
            "Counts the enabled administrators (principals marked admin, excluding root, \
             break-glass and service identities) of each account and fails when the count is \
             below `min-admins` or above `max-admins`. Not evaluable when some principal's admin \
             state is unknown and the count could therefore be wrong.",
        )
        .severity(Severity::Medium)
        .rationale(
            "Every administrator is a path to full control; too many multiply the chance that one \
             is phished or keeps rights after changing jobs. A single administrator is a single \
             point of failure for recovery and a control that nobody reviews.",
        )
        .remediation(
            "Above the maximum: review who needs standing administrative rights, move the others to \
             narrower roles or just-in-time elevation (Entra PIM, AWS IAM Identity Center permission \
             sets). Below the minimum: appoint a second administrator and record the appointment.",
        )
        .soc2("CC6.3")
        .iso27001("A.5.15")
        .iso27001("A.8.2")
        .param_int("min-admins", 2, "fewest administrators an account may have")
        .param_int("max-admins", 8, "most administrators an account may have")
        .reads(&[EntityKind::Principals])
}

fn evaluate(cx: &Context, snap: &Snapshot) -> CheckResult {
    let min = cx.int("min-admins")?;
    let max = cx.int("max-admins")?;
    let principals = snap.principals()?;
    let mut out = Vec::new();
    for account in cx.accounts() {
        let people: Vec<(usize, &Principal)> = principals
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                p.account == account.id && p.kind == PrincipalKind::User && is_enabled(p)
            })
            .collect();
        if people.is_empty() {
            continue;
        }
        let admins: Vec<&(usize, &Principal)> =
            people.iter().filter(|(_, p)| is_admin(p)).collect();
        let unknown = people.iter().filter(|(_, p)| p.admin.is_none()).count();
        let n = admins.len() as i64;
        let res = resource::account(account);
        let f = if unknown > 0 && n + unknown as i64 >= min && n <= max {
            // Unknowns could push the count either side of a bound.
            Finding::not_evaluable(
                ID,
                res,
                format!(
                    "{n} known administrators, but the admin state of {unknown} user(s) is unknown"
                ),
            )
        } else if n < min {
            Finding::fail(
                ID,
                res,
                format!("only {n} administrator(s); at least {min} required"),
            )
        } else if n > max {
            Finding::fail(
                ID,
                res,
                format!("{n} administrators; at most {max} allowed"),
            )
        } else {
            Finding::pass(ID, res, format!("{n} administrators, within {min}..={max}"))
        };
        let mut f = f
            .evidence("admin_count", n.to_string(), "/principals".into())
            .evidence("bounds", format!("{min}..={max}"), String::new());
        for (i, p) in admins {
            f = f.evidence(
                &format!("admin:{}", p.name),
                "true",
                path(EntityKind::Principals, *i, "admin"),
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

    fn people(admins: usize, others: usize) -> Vec<Principal> {
        let mut v = Vec::new();
        for i in 0..admins {
            let mut p = testing::principal(&format!("a{i}"), &format!("admin{i}"));
            p.admin = Some(true);
            v.push(p);
        }
        for i in 0..others {
            let mut p = testing::principal(&format!("u{i}"), &format!("user{i}"));
            p.admin = Some(false);
            v.push(p);
        }
        v
    }

    fn status(ps: Vec<Principal>, params: &[(&str, ParamValue)]) -> Status {
        let snap = SnapshotBuilder::new().principals(ps).build();
        let f = testing::run(&crate::plugin(), ID, &snap, params);
        assert_eq!(f.len(), 1);
        f[0].status
    }

    #[test]
    fn bounds_are_inclusive() {
        assert_eq!(status(people(1, 3), &[]), Status::Fail);
        assert_eq!(status(people(2, 3), &[]), Status::Pass);
        assert_eq!(status(people(8, 3), &[]), Status::Pass);
        assert_eq!(status(people(9, 3), &[]), Status::Fail);
    }

    #[test]
    fn parameters_override_the_bounds() {
        let p = [
            ("min-admins", ParamValue::Integer(1)),
            ("max-admins", ParamValue::Integer(1)),
        ];
        assert_eq!(status(people(1, 3), &p), Status::Pass);
        assert_eq!(status(people(2, 3), &p), Status::Fail);
    }

    #[test]
    fn unknown_admin_state_is_not_evaluable_unless_already_over() {
        let mut v = people(1, 0);
        v.push(testing::principal("x", "unknown"));
        assert_eq!(status(v, &[]), Status::NotEvaluable);
        let mut v = people(9, 0);
        v.push(testing::principal("x", "unknown"));
        assert_eq!(status(v, &[]), Status::Fail);
    }

    #[test]
    fn absent_principals_are_not_evaluable() {
        let f = testing::run(&crate::plugin(), ID, &SnapshotBuilder::new().build(), &[]);
        assert_eq!(f[0].status, Status::NotEvaluable);
    }
}
