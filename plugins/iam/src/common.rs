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

/// A fact about the root user that an account-wide summary states (AWS
/// `get-account-summary`), for accounts whose root user is not among the principals.
pub struct RootSummaryFact {
    /// The tenant-settings field (for evidence).
    pub field: &'static str,
    /// Reads it.
    pub get: fn(&TenantSettings) -> Option<bool>,
    /// The value that passes.
    pub good: bool,
    /// Messages when the fact is true and false.
    pub says: [&'static str; 2],
}

/// The principals (empty when not collected: the absent kind is reported into `out`, since
/// break-glass accounts cannot be judged) and, for every AWS account whose root user is not
/// among them, a finding from the account summary in its tenant settings when one states
/// `fact`, else a not-evaluable finding on the account.
pub fn root_principals<'a>(
    id: &str,
    cx: &Context,
    snap: &'a Snapshot,
    fact: &RootSummaryFact,
    out: &mut Vec<Finding>,
) -> &'a [Principal] {
    let principals = snap.principals().unwrap_or_else(|absent| {
        out.push(absent.finding(id));
        &[]
    });
    let settings = snap.tenant_settings().unwrap_or(&[]);
    for a in cx.accounts().iter().filter(|a| a.provider == "aws") {
        if principals
            .iter()
            .any(|p| p.account == a.id && p.kind == PrincipalKind::Root)
        {
            continue;
        }
        let stated = settings
            .iter()
            .enumerate()
            .filter(|(_, t)| t.account == a.id)
            .find_map(|(i, t)| (fact.get)(t).map(|v| (i, t, v)));
        out.push(match stated {
            Some((i, t, v)) => {
                let res = resource::tenant_settings(t);
                let message = fact.says[usize::from(!v)];
                let f = if v == fact.good {
                    Finding::pass(id, res, message)
                } else {
                    Finding::fail(id, res, message)
                };
                f.evidence(
                    fact.field,
                    v.to_string(),
                    path(EntityKind::TenantSettings, i, fact.field),
                )
            }
            None => Finding::not_evaluable(
                id,
                resource::account(a),
                "the snapshot has no root user for this AWS account (neither the credential \
                 report nor the account summary was collected?)",
            ),
        });
    }
    principals
}

/// Root or break-glass: the accounts kept outside normal controls.
pub fn is_root_like(p: &Principal) -> bool {
    matches!(p.kind, PrincipalKind::Root | PrincipalKind::BreakGlass)
}

/// An access key or token of a root or break-glass account: `iam.root-access-keys` judges it
/// (unless it is known to be inactive), so `iam.credential-age` leaves it alone (one problem,
/// one finding: such a key should be deleted, not rotated).
pub fn is_root_access_key(p: &Principal, c: &Credential) -> bool {
    is_root_like(p) && matches!(c.kind, CredentialKind::AccessKey | CredentialKind::Token)
}

/// Known to have left: the snapshot's HR or directory data (`employment`) says departed.
/// `iam.departed-accounts` judges such a principal's account, so `iam.stale-accounts` leaves it
/// alone (one problem, one finding).
pub fn is_departed(p: &Principal) -> bool {
    p.employment == Some(EmploymentStatus::Departed)
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
        .reads(&[EntityKind::Principals, EntityKind::TenantSettings])
}

/// Microsoft 365 and Google Workspace: the providers whose tenants carry tenant-wide sign-in
/// policies.
pub const SAAS: &[&str] = &["m365", "google-workspace"];
