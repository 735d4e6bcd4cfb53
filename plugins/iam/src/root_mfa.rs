//! `iam.root-mfa`: the root account (and break-glass accounts) signs in with MFA.
//!
//! The one check that judges MFA on root and break-glass accounts (one problem, one finding):
//! `iam.admin-mfa` and `iam.user-mfa` skip them. It judges every root-like principal, enabled
//! or not, and an AWS account whose root user is known only from the account summary.

use crate::common::{RootSummaryFact, is_root_like, root_check, root_kind, root_principals};
use posture_sdk::prelude::*;

/// Check id.
pub const ID: &str = "iam.root-mfa";

/// The check's declaration.
pub fn check() -> Check {
    root_check(Check::new(ID, evaluate))
        .title("Root and break-glass accounts use MFA")
        .description(
            "For each root or break-glass principal: fails when MFA is off, passes when it is \
             on, not evaluable when unknown. For an AWS account whose root user is not among the \
             principals, the account summary (tenant settings `root_mfa_enabled`) decides; \
             without it, one not-evaluable finding for the account. The only check that judges \
             MFA on these accounts (iam.admin-mfa skips them).",
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

/// What the account summary says, for accounts without a root principal.
const SUMMARY: RootSummaryFact = RootSummaryFact {
    field: "root_mfa_enabled",
    get: |t| t.root_mfa_enabled,
    good: true,
    says: [
        "the account summary says the root user has MFA",
        "the account summary says the root user has no MFA",
    ],
};

fn evaluate(cx: &Context, snap: &Snapshot) -> CheckResult {
    let mut out = Vec::new();
    let principals = root_principals(ID, cx, snap, &SUMMARY, &mut out);
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
    fn without_the_root_principal_the_account_summary_decides() {
        let mut summary = testing::tenant_settings("aws-iam");
        summary.root_mfa_enabled = Some(true);
        let only_summary = SnapshotBuilder::new()
            .tenant_settings(vec![summary])
            .build();
        let f = testing::run_as(&crate::plugin(), ID, &only_summary, "aws", &[]);
        let got: Vec<(&str, Status)> = f
            .iter()
            .map(|f| (f.resource.kind.as_str(), f.status))
            .collect();
        // The pass comes from the summary; the missing principals still show (break-glass
        // accounts cannot be judged without them).
        assert_eq!(
            got,
            vec![
                ("snapshot", Status::NotEvaluable),
                ("tenant-settings", Status::Pass)
            ]
        );
        let users_only = SnapshotBuilder::new()
            .principals(vec![testing::principal("u", "u")])
            .build();
        let f = testing::run_as(&crate::plugin(), ID, &users_only, "aws", &[]);
        assert_eq!((f.len(), f[0].status), (1, Status::NotEvaluable));
        assert_eq!(f[0].resource.kind, "account");
    }

    #[test]
    fn ordinary_users_are_ignored() {
        assert!(run(vec![testing::principal("u", "u")]).is_empty());
    }
}
