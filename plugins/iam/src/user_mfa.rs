//! `iam.user-mfa`: every person who can sign in interactively uses MFA (administrators are
//! covered, more severely, by `iam.admin-mfa`, root and break-glass accounts by
//! `iam.root-mfa`, and are skipped here: one problem, one finding).

use crate::common::{is_admin, is_enabled, is_interactive};
use posture_sdk::prelude::*;

/// Check id.
pub const ID: &str = "iam.user-mfa";

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .title("Interactive users use multi-factor authentication")
        .description(
            "Every enabled, non-administrator user or guest who can sign in interactively must \
             have a second factor. Fails for each such user without MFA; not evaluable when the \
             MFA state is unknown. Service identities without interactive sign-in are skipped.",
        )
        .severity(Severity::Medium)
        .rationale(
            "Phished or reused passwords are the most common way into SaaS tenants and cloud \
             consoles; an ordinary user's mailbox and files are enough for fraud and data theft.",
        )
        .remediation(
            "1. Enforce MFA for all users: Entra ID Conditional Access or security defaults, Google \
             Workspace 2-Step Verification enforcement, an IAM policy denying actions without \
             aws:MultiFactorAuthPresent. 2. Ask each listed user to enrol an authenticator app or \
             security key. 3. Remove console passwords from identities that do not need them.",
        )
        .soc2("CC6.1")
        .iso27001("A.5.17")
        .iso27001("A.8.5")
        .reads(&[EntityKind::Principals])
}

fn evaluate(_cx: &Context, snap: &Snapshot) -> CheckResult {
    let mut out = Vec::new();
    for (i, p) in snap.principals()?.iter().enumerate() {
        let person = matches!(p.kind, PrincipalKind::User);
        if !person || is_admin(p) || !is_enabled(p) || !is_interactive(p) {
            continue;
        }
        let res = resource::principal(p);
        let f = match p.mfa_enabled {
            Some(true) => Finding::pass(ID, res, format!("{} uses MFA", p.name)),
            Some(false) => Finding::fail(
                ID,
                res,
                format!("{} can sign in without a second factor", p.name),
            ),
            None => Finding::not_evaluable(
                ID,
                res,
                format!("MFA state of {} is not in the snapshot", p.name),
            ),
        };
        out.push(
            f.evidence(
                "mfa_enabled",
                show(p.mfa_enabled),
                path(EntityKind::Principals, i, "mfa_enabled"),
            )
            .evidence(
                "interactive",
                show(p.interactive),
                path(EntityKind::Principals, i, "interactive"),
            ),
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, SnapshotBuilder};

    fn user(id: &str, mfa: Option<bool>) -> Principal {
        let mut p = testing::principal(id, id);
        p.mfa_enabled = mfa;
        p
    }

    fn run(ps: Vec<Principal>) -> Vec<(String, Status)> {
        let snap = SnapshotBuilder::new().principals(ps).build();
        testing::outcomes(testing::run(&crate::plugin(), ID, &snap, &[]))
    }

    #[test]
    fn pass_fail_and_unknown() {
        let got = run(vec![
            user("a", Some(true)),
            user("b", Some(false)),
            user("c", None),
        ]);
        assert_eq!(
            got,
            vec![
                ("a".into(), Status::Pass),
                ("b".into(), Status::Fail),
                ("c".into(), Status::NotEvaluable)
            ]
        );
    }

    #[test]
    fn admins_services_disabled_and_non_interactive_are_skipped() {
        let mut admin = user("admin", Some(false));
        admin.admin = Some(true);
        let mut svc = user("svc", Some(false));
        svc.kind = PrincipalKind::Service;
        let mut off = user("off", Some(false));
        off.status = Some(AccountStatus::Disabled);
        let mut keys_only = user("keys", Some(false));
        keys_only.interactive = Some(false);
        assert!(run(vec![admin, svc, off, keys_only]).is_empty());
    }

    #[test]
    fn absent_principals_are_not_evaluable() {
        let f = testing::run(&crate::plugin(), ID, &SnapshotBuilder::new().build(), &[]);
        assert_eq!(f[0].status, Status::NotEvaluable);
    }
}
