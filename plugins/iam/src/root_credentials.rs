//! `iam.root-credentials`: the root account (and break-glass accounts) has MFA and no active
//! access keys. Such accounts cannot be restricted by policy; they must be locked down.

use posture_sdk::prelude::*;

/// Check id.
pub const ID: &str = "iam.root-credentials";

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .title("Root and break-glass accounts are locked down")
        .description(
            "For each root or break-glass principal: fails when it has an active access key or \
             token, or when MFA is off. Not evaluable when the MFA state is unknown. One \
             not-evaluable finding per AWS account whose root user is missing from the snapshot.",
        )
        .severity(Severity::Critical)
        .rationale(
            "The root user bypasses every permission boundary and cannot be limited by policy. \
             A leaked root key or password without MFA hands over the account, its billing and \
             its data, irrevocably.",
        )
        .remediation(
            "1. Delete every access key of the root user (AWS console: Security credentials). \
             2. Register a hardware MFA device for root and for every break-glass account, kept \
             in a safe with a documented procedure. 3. Alert on any root sign-in.",
        )
        .soc2("CC6.1")
        .iso27001("A.5.15")
        .iso27001("A.8.2")
        .iso27001("A.8.5")
        .reads(&[EntityKind::Principals])
}

fn evaluate(cx: &Context, snap: &Snapshot) -> CheckResult {
    let principals = snap.principals()?;
    let mut out = Vec::new();
    for account in cx.accounts().iter().filter(|a| a.provider == "aws") {
        let has_root = principals
            .iter()
            .any(|p| p.account == account.id && p.kind == PrincipalKind::Root);
        if !has_root {
            out.push(Finding::not_evaluable(
                ID,
                ResourceRef {
                    kind: "account".into(),
                    id: account.id.clone(),
                    display_name: account.name.clone(),
                    account: Some(account.id.clone()),
                },
                "the snapshot has no root user for this AWS account (credential report not collected?)",
            ));
        }
    }
    for (i, p) in principals.iter().enumerate() {
        if !matches!(p.kind, PrincipalKind::Root | PrincipalKind::BreakGlass) {
            continue;
        }
        let keys: Vec<(usize, &Credential)> = p
            .credentials
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                matches!(c.kind, CredentialKind::AccessKey | CredentialKind::Token)
                    && c.active != Some(false)
            })
            .collect();
        let mut problems = Vec::new();
        if !keys.is_empty() {
            problems.push(format!("has {} active access key(s)", keys.len()));
        }
        if p.mfa_enabled == Some(false) {
            problems.push("has no MFA".to_string());
        }
        let res = resource::principal(p);
        let kind = if p.kind == PrincipalKind::Root {
            "root account"
        } else {
            "break-glass account"
        };
        let f = if !problems.is_empty() {
            Finding::fail(
                ID,
                res,
                format!("{kind} {} {}", p.name, problems.join(" and ")),
            )
        } else if p.mfa_enabled.is_none() {
            Finding::not_evaluable(
                ID,
                res,
                format!("MFA state of {kind} {} is unknown", p.name),
            )
        } else {
            Finding::pass(
                ID,
                res,
                format!("{kind} {} has MFA and no access keys", p.name),
            )
        };
        let mut f = f.evidence(
            "mfa_enabled",
            show(p.mfa_enabled),
            path(EntityKind::Principals, i, "mfa_enabled"),
        );
        for (j, c) in keys {
            f = f.evidence(
                "active_key",
                c.id.clone(),
                format!("/principals/{i}/credentials/{j}"),
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

    fn root(mfa: Option<bool>, key_active: Option<Option<bool>>) -> Principal {
        let mut p = testing::principal("root", "root");
        p.kind = PrincipalKind::Root;
        p.mfa_enabled = mfa;
        if let Some(active) = key_active {
            p.credentials.push(Credential {
                id: "AKIAROOT".into(),
                kind: CredentialKind::AccessKey,
                active,
                created: None,
                last_used: None,
            });
        }
        p
    }

    fn status(p: Principal) -> Status {
        let f = testing::run(
            &crate::plugin(),
            ID,
            &SnapshotBuilder::new().principals(vec![p]).build(),
            &[],
        );
        f[0].status
    }

    #[test]
    fn mfa_and_keys_decide() {
        assert_eq!(status(root(Some(true), None)), Status::Pass);
        assert_eq!(status(root(Some(false), None)), Status::Fail);
        assert_eq!(status(root(Some(true), Some(Some(true)))), Status::Fail);
        assert_eq!(status(root(Some(true), Some(Some(false)))), Status::Pass);
        assert_eq!(
            status(root(Some(true), Some(None))),
            Status::Fail,
            "unknown activity counts as active"
        );
        assert_eq!(status(root(None, None)), Status::NotEvaluable);
        assert_eq!(
            status(root(None, Some(Some(true)))),
            Status::Fail,
            "a key fails whatever the MFA state"
        );
    }

    #[test]
    fn ordinary_users_are_ignored() {
        let p = testing::principal("u", "u");
        let f = testing::run(
            &crate::plugin(),
            ID,
            &SnapshotBuilder::new().principals(vec![p]).build(),
            &[],
        );
        assert!(f.is_empty());
    }
}
