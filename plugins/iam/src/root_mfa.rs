//! `iam.root-mfa`: the root account (and break-glass accounts) signs in with MFA.

use crate::common::{is_root_like, missing_roots, root_check, root_kind};
use posture_sdk::prelude::*;

/// Check id.
pub const ID: &str = "iam.root-mfa";

/// The check's declaration.
pub fn check() -> Check {
    root_check(Check::new(ID, evaluate))
        .title("Root and break-glass accounts use MFA")
        .description(
            "For each root or break-glass principal: fails when MFA is off, passes when it is \
             on, not evaluable when unknown. One not-evaluable finding per AWS account whose \
             root user is missing from the snapshot.",
        )
        .rationale(
            "The root user bypasses every permission boundary and cannot be limited by policy. \
             A phished or reused root password without a second factor hands over the account, \
             its billing and its data, irrevocably.",
        )
        .remediation(
            "Register a hardware MFA device for root and for every break-glass account, kept in \
             a safe with a documented procedure for using it; alert on any root sign-in.",
        )
}

fn evaluate(cx: &Context, snap: &Snapshot) -> CheckResult {
    let principals = snap.principals()?;
    let mut out = missing_roots(ID, cx, principals);
    for (i, p) in principals
        .iter()
        .enumerate()
        .filter(|(_, p)| is_root_like(p))
    {
        let res = resource::principal(p);
        let kind = root_kind(p);
        let f = match p.mfa_enabled {
            Some(true) => Finding::pass(ID, res, format!("{kind} {} has MFA", p.name)),
            Some(false) => Finding::fail(ID, res, format!("{kind} {} has no MFA", p.name)),
            None => Finding::not_evaluable(
                ID,
                res,
                format!("MFA state of {kind} {} is unknown", p.name),
            ),
        };
        out.push(f.evidence(
            "mfa_enabled",
            show(p.mfa_enabled),
            path(EntityKind::Principals, i, "mfa_enabled"),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, SnapshotBuilder};

    fn run(ps: Vec<Principal>) -> Vec<Finding> {
        testing::run(
            &crate::plugin(),
            ID,
            &SnapshotBuilder::new().principals(ps).build(),
            &[],
        )
    }

    fn root(mfa: Option<bool>) -> Principal {
        let mut p = testing::principal("root", "root");
        p.kind = PrincipalKind::Root;
        p.mfa_enabled = mfa;
        p
    }

    #[test]
    fn mfa_decides() {
        assert_eq!(run(vec![root(Some(true))])[0].status, Status::Pass);
        assert_eq!(run(vec![root(Some(false))])[0].status, Status::Fail);
        assert_eq!(run(vec![root(None)])[0].status, Status::NotEvaluable);
        let mut glass = root(Some(false));
        glass.kind = PrincipalKind::BreakGlass;
        assert_eq!(run(vec![glass])[0].status, Status::Fail);
    }

    #[test]
    fn ordinary_users_are_ignored() {
        assert!(run(vec![testing::principal("u", "u")]).is_empty());
    }
}
