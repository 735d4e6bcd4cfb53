//! Predicates shared by the IAM checks.

use posture_sdk::prelude::*;

/// Holds administrative rights: marked admin, or a root / break-glass account.
pub fn is_admin(p: &Principal) -> bool {
    p.admin == Some(true) || matches!(p.kind, PrincipalKind::Root | PrincipalKind::BreakGlass)
}

/// Not disabled or suspended (an unknown status counts as enabled: the safe assumption for
/// checks that look for risky accounts).
pub fn is_enabled(p: &Principal) -> bool {
    !matches!(
        p.status,
        Some(AccountStatus::Disabled) | Some(AccountStatus::Suspended)
    )
}

/// Can sign in interactively (console, web). The root account always can.
pub fn is_interactive(p: &Principal) -> bool {
    p.interactive != Some(false) || p.kind == PrincipalKind::Root
}

/// Human-readable role of the principal for messages.
pub fn who(p: &Principal) -> &'static str {
    match p.kind {
        PrincipalKind::Root => "root account",
        PrincipalKind::BreakGlass => "break-glass account",
        PrincipalKind::Service => "service identity",
        PrincipalKind::User if is_admin(p) => "administrator",
        PrincipalKind::User => "user",
    }
}

/// One not-evaluable finding of check `id` per AWS account whose root user is missing from
/// the snapshot (the credential report, which lists it, was not collected).
pub fn missing_roots(id: &str, cx: &Context, principals: &[Principal]) -> Vec<Finding> {
    cx.accounts()
        .iter()
        .filter(|a| a.provider == "aws")
        .filter(|a| {
            !principals
                .iter()
                .any(|p| p.account == a.id && p.kind == PrincipalKind::Root)
        })
        .map(|a| {
            Finding::not_evaluable(
                id,
                resource::account(a),
                "the snapshot has no root user for this AWS account (credential report not collected?)",
            )
        })
        .collect()
}

/// Root or break-glass: the accounts kept outside normal controls.
pub fn is_root_like(p: &Principal) -> bool {
    matches!(p.kind, PrincipalKind::Root | PrincipalKind::BreakGlass)
}

/// "root account" or "break-glass account".
pub fn root_kind(p: &Principal) -> &'static str {
    if p.kind == PrincipalKind::Root {
        "root account"
    } else {
        "break-glass account"
    }
}

/// The controls and reads both root-account checks declare.
pub fn root_check(check: Check) -> Check {
    check
        .severity(Severity::Critical)
        .soc2("CC6.1")
        .iso27001("A.5.15")
        .iso27001("A.8.2")
        .iso27001("A.8.5")
        .reads(&[EntityKind::Principals])
}
