//! `iam.admin-mfa`: every administrator who can sign in uses multi-factor authentication.
//!
//! Administrators are principals with `admin = true`, plus root and break-glass accounts
//! (administrative by nature). Disabled or suspended accounts cannot sign in and are skipped,
//! and so are identities that cannot sign in interactively (`interactive = false`: service
//! identities using keys or tokens), which MFA does not protect; their long-lived credentials
//! are the subject of other checks. The root account always counts as able to sign in.
//! A root account without MFA is critical; other failures are high. Unknown MFA state is
//! not-evaluable, never a pass.

use crate::common::{is_admin, is_enabled, is_interactive};
use posture_sdk::prelude::*;

/// Check id.
pub const ID: &str = "iam.admin-mfa";

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .title("Administrators use multi-factor authentication")
        .description(
            "Every administrator account that can sign in interactively (principals marked admin, \
             the root account and break-glass accounts) must have a second factor registered and \
             required. \
             Fails for each administrator without MFA; not evaluable when the MFA state is unknown.",
        )
        .severity(Severity::High)
        .rationale(
            "A stolen or guessed password on an administrator account gives an attacker control of \
             the whole account or tenant. MFA is the most effective control against credential \
             phishing and password reuse.",
        )
        .remediation(
            "1. Ask the administrator to register a phishing-resistant second factor (FIDO2 key or \
             passkey; an authenticator app at minimum). 2. Enforce MFA for the account: in AWS, \
             assign an MFA device to the IAM user or root user and deny actions without \
             aws:MultiFactorAuthPresent; in Microsoft 365 / Entra ID, require MFA for admin roles \
             with a Conditional Access policy; in Google Workspace, enforce 2-Step Verification \
             for the admin's organisational unit. 3. If the account is no longer needed, disable it.",
        )
        .soc2("CC6.1")
        .iso27001("A.5.17")
        .iso27001("A.8.5")
        .reads(&[EntityKind::Principals])
}

fn can_sign_in(p: &Principal) -> bool {
    is_enabled(p) && is_interactive(p)
}

fn evaluate(_cx: &Context, snap: &Snapshot) -> CheckResult {
    let principals = snap.principals()?;
    let mut out = Vec::new();
    for (i, p) in principals.iter().enumerate() {
        if !is_admin(p) || !can_sign_in(p) {
            continue;
        }
        let who = match p.kind {
            PrincipalKind::Root => "root account",
            PrincipalKind::BreakGlass => "break-glass account",
            _ => "administrator",
        };
        let res = resource::principal(p);
        let finding = match p.mfa_enabled {
            Some(true) => Finding::pass(ID, res, format!("{who} {} uses MFA", p.name)),
            Some(false) => {
                let f = Finding::fail(
                    ID,
                    res,
                    format!("{who} {} can sign in without a second factor", p.name),
                );
                if p.kind == PrincipalKind::Root {
                    f.with_severity(Severity::Critical)
                } else {
                    f
                }
            }
            None => Finding::not_evaluable(
                ID,
                res,
                format!("MFA state of {who} {} is not in the snapshot", p.name),
            ),
        };
        out.push(
            finding
                .evidence(
                    "kind",
                    wit_name(p.kind),
                    path(EntityKind::Principals, i, "kind"),
                )
                .evidence(
                    "admin",
                    show(p.admin),
                    path(EntityKind::Principals, i, "admin"),
                )
                .evidence(
                    "mfa_enabled",
                    show(p.mfa_enabled),
                    path(EntityKind::Principals, i, "mfa_enabled"),
                ),
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, SnapshotBuilder};

    fn admin(id: &str, mfa: Option<bool>) -> Principal {
        let mut p = testing::principal(id, id);
        p.admin = Some(true);
        p.mfa_enabled = mfa;
        p
    }

    fn run(principals: Vec<Principal>) -> Vec<Finding> {
        let snap = SnapshotBuilder::new().principals(principals).build();
        testing::run(&crate::plugin(), ID, &snap, &[])
    }

    #[test]
    fn admin_with_mfa_passes_without_fails_unknown_is_not_evaluable() {
        let f = run(vec![
            admin("a", Some(true)),
            admin("b", Some(false)),
            admin("c", None),
        ]);
        let got: Vec<(&str, Status)> = f
            .iter()
            .map(|f| (f.resource.id.as_str(), f.status))
            .collect();
        assert_eq!(
            got,
            vec![
                ("a", Status::Pass),
                ("b", Status::Fail),
                ("c", Status::NotEvaluable)
            ]
        );
        assert_eq!(f[1].severity, None, "default severity (high) applies");
        let ev: Vec<(&str, &str, &str)> = f[1]
            .evidence
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_str(), e.path.as_str()))
            .collect();
        assert!(
            ev.contains(&("mfa_enabled", "false", "/principals/1/mfa_enabled")),
            "{ev:?}"
        );
        assert!(
            ev.contains(&("admin", "true", "/principals/1/admin")),
            "{ev:?}"
        );
    }

    #[test]
    fn non_admins_and_unknown_admin_state_are_not_reported() {
        let mut user = testing::principal("u", "u");
        user.admin = Some(false);
        user.mfa_enabled = Some(false);
        let unknown = testing::principal("x", "x");
        assert!(run(vec![user, unknown]).is_empty());
    }

    #[test]
    fn disabled_and_suspended_admins_are_skipped() {
        let mut d = admin("d", Some(false));
        d.status = Some(AccountStatus::Disabled);
        let mut s = admin("s", Some(false));
        s.status = Some(AccountStatus::Suspended);
        let mut e = admin("e", Some(false));
        e.status = Some(AccountStatus::Enabled);
        let f = run(vec![d, s, e]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].resource.id, "e");
    }

    #[test]
    fn non_interactive_service_admins_are_skipped_but_root_never_is() {
        let mut svc = admin("svc", None);
        svc.kind = PrincipalKind::Service;
        svc.interactive = Some(false);
        let mut root = admin("root", Some(true));
        root.kind = PrincipalKind::Root;
        root.interactive = Some(false);
        let f = run(vec![svc, root]);
        assert_eq!(f.len(), 1);
        assert_eq!(
            (f[0].resource.id.as_str(), f[0].status),
            ("root", Status::Pass)
        );
    }

    #[test]
    fn root_without_mfa_is_critical_even_without_admin_flag() {
        let mut root = testing::principal("root", "root");
        root.kind = PrincipalKind::Root;
        root.mfa_enabled = Some(false);
        let mut bg = testing::principal("bg", "emergency");
        bg.kind = PrincipalKind::BreakGlass;
        bg.mfa_enabled = Some(true);
        let f = run(vec![root, bg]);
        assert_eq!(f[0].status, Status::Fail);
        assert_eq!(f[0].severity, Some(Severity::Critical));
        assert!(f[0].message.contains("root account"));
        assert_eq!(f[1].status, Status::Pass);
    }

    #[test]
    fn absent_principals_are_not_evaluable_never_pass() {
        let f = testing::run(&crate::plugin(), ID, &SnapshotBuilder::new().build(), &[]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::NotEvaluable);
        assert_eq!(f[0].resource.kind, "snapshot");
    }

    #[test]
    fn metadata_maps_soc2_and_iso() {
        let c = check();
        let controls: Vec<String> = c
            .metadata
            .controls
            .iter()
            .map(|k| format!("{}:{}", k.framework, k.id))
            .collect();
        assert_eq!(
            controls,
            vec!["soc2:CC6.1", "iso27001:A.5.17", "iso27001:A.8.5"]
        );
        assert_eq!(c.metadata.default_severity, Severity::High);
    }
}
