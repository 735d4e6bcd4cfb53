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
