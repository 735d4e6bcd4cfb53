//! `iam.admin-mfa`: every administrator who can sign in uses multi-factor authentication.
//!
//! Administrators are principals with `admin = true`. Root and break-glass accounts are
//! skipped: one problem, one finding, and a root or break-glass account without MFA is
//! `iam.root-mfa`'s (critical) finding, including an AWS root user known only from the account
//! summary. Disabled or suspended accounts cannot sign in and are skipped, and so are
//! identities that cannot sign in interactively (`interactive = false`: service identities
//! using keys or tokens), which MFA does not protect; their long-lived credentials are the
//! subject of other checks. Failures are high. Unknown MFA state is not-evaluable, never a
//! pass.

use crate::common::{is_admin, is_enabled, is_interactive, is_root_like};
use posture_sdk::prelude::*;

/// Check id.
pub const ID: &str = "iam.admin-mfa";

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .title("Administrators use multi-factor authentication")
        .description(
            "Every administrator account that can sign in interactively (principals marked admin) \
             must have a second factor registered and required. Fails for each administrator \
             without MFA; not evaluable when the MFA state is unknown. Root and break-glass \
             accounts are judged by iam.root-mfa, not here.",
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
             assign an MFA device to the IAM user and deny actions without \
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

/// An administrator this check judges: not a root or break-glass account, which
/// `iam.root-mfa` owns (one problem, one finding).
fn judged(p: &Principal) -> bool {
    is_admin(p) && !is_root_like(p) && can_sign_in(p)
}

fn evaluate(_cx: &Context, snap: &Snapshot) -> CheckResult {
    let principals = snap.principals()?;
    let mut out = Vec::new();
    for (i, p) in principals.iter().enumerate() {
        if !judged(p) {
            continue;
        }
        let res = resource::principal(p);
        let finding = match p.mfa_enabled {
            Some(true) => Finding::pass(ID, res, format!("administrator {} uses MFA", p.name)),
            Some(false) => Finding::fail(
                ID,
                res,
                format!(
                    "administrator {} can sign in without a second factor",
                    p.name
                ),
            ),
            None => Finding::not_evaluable(
                ID,
                res,
                format!(
                    "MFA state of administrator {} is not in the snapshot",
                    p.name
                ),
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
    fn non_interactive_service_admins_are_skipped() {
        let mut svc = admin("svc", Some(false));
        svc.kind = PrincipalKind::Service;
        svc.interactive = Some(false);
        let mut bot = admin("bot", Some(false));
        bot.kind = PrincipalKind::Service;
        let f = run(vec![svc, bot]);
        assert_eq!(f.len(), 1, "a service identity that can sign in is judged");
        assert_eq!(
            (f[0].resource.id.as_str(), f[0].status),
            ("bot", Status::Fail)
        );
    }

    /// One problem, one finding: root and break-glass accounts are `iam.root-mfa`'s, whatever
    /// their MFA state and admin flag; the administrator beside them is still judged here.
    #[test]
    fn root_and_break_glass_accounts_are_left_to_root_mfa() {
        let mut root = admin("root", Some(false));
        root.kind = PrincipalKind::Root;
        let mut bare_root = testing::principal("root-2", "root");
        bare_root.kind = PrincipalKind::Root;
        bare_root.mfa_enabled = Some(false);
        let mut bg = admin("bg", Some(false));
        bg.kind = PrincipalKind::BreakGlass;
        let mut bg_unknown = testing::principal("bg-2", "emergency");
        bg_unknown.kind = PrincipalKind::BreakGlass;
        let ordinary = admin("tom", Some(false));
        let principals = vec![root, bare_root, bg, bg_unknown, ordinary];
        let f = run(principals.clone());
        let got: Vec<(&str, Status, Option<Severity>)> = f
            .iter()
            .map(|f| (f.resource.id.as_str(), f.status, f.severity))
            .collect();
        assert_eq!(got, vec![("tom", Status::Fail, None)]);
        assert!(
            f[0].message.starts_with("administrator tom"),
            "{}",
            f[0].message
        );
        // The owner reports each of them, once.
        let snap = SnapshotBuilder::new().principals(principals).build();
        let owned: Vec<(String, Status)> =
            testing::run(&crate::plugin(), crate::root_mfa::ID, &snap, &[])
                .into_iter()
                .map(|f| (f.resource.id, f.status))
                .collect();
        assert_eq!(
            owned,
            vec![
                ("root".to_string(), Status::Fail),
                ("root-2".to_string(), Status::Fail),
                ("bg".to_string(), Status::Fail),
                ("bg-2".to_string(), Status::NotEvaluable),
            ]
        );
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
