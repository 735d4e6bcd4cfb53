//! `iam.root-access-keys`: the root account (and break-glass accounts) has no active access
//! key or token.
//!
//! The one check that judges access keys and tokens of root and break-glass accounts (one
//! problem, one finding): `iam.credential-age` skips them, since such a key is to be deleted,
//! not rotated. It judges every root-like principal, enabled or not, and an AWS account whose
//! root user is known only from the account summary.

use crate::common::{
    RootSummaryFact, is_root_access_key, is_root_like, root_check, root_kind, root_principals,
};
use posture_sdk::prelude::*;

/// Check id.
pub const ID: &str = "iam.root-access-keys";

/// The check's declaration.
pub fn check() -> Check {
    root_check(Check::new(ID, evaluate))
        .title("Root and break-glass accounts have no access keys")
        .description(
            "For each root or break-glass principal: fails when it has an access key or token \
             that is active (or whose state is unknown), passes otherwise. For an AWS account \
             whose root user is not among the principals, the account summary (tenant settings \
             `root_access_keys_present`) decides; without it, one not-evaluable finding for the \
             account.",
        )
        .rationale(
            "A root access key cannot be limited by any policy; leaked through code, CI logs or \
             a laptop, it gives full control of the account until someone notices.",
        )
        .remediation(
            "Delete every access key of the root user (AWS console: Security credentials) and of \
             break-glass accounts; use roles for automation.",
        )
}

/// What the account summary says, for accounts without a root principal.
const SUMMARY: RootSummaryFact = RootSummaryFact {
    field: "root_access_keys_present",
    get: |t| t.root_access_keys_present,
    good: false,
    says: [
        "the account summary says the root user has access keys",
        "the account summary says the root user has no access key",
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
        let keys: Vec<(usize, &Credential)> = p
            .credentials
            .iter()
            .enumerate()
            .filter(|(_, c)| is_root_access_key(p, c) && c.active != Some(false))
            .collect();
        let res = resource::principal(p);
        let kind = root_kind(p);
        let mut f = if keys.is_empty() {
            Finding::pass(
                ID,
                res,
                format!("{kind} {} has no active access key", p.name),
            )
        } else {
            Finding::fail(
                ID,
                res,
                format!("{kind} {} has {} active access key(s)", p.name, keys.len()),
            )
        };
        f = f.evidence(
            "active_keys",
            keys.len().to_string(),
            path(EntityKind::Principals, i, "credentials"),
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

    fn status(key_active: Option<Option<bool>>) -> Status {
        let mut p = testing::principal("root", "root");
        p.kind = PrincipalKind::Root;
        if let Some(active) = key_active {
            p.credentials.push(Credential {
                id: "AKIAROOT".into(),
                kind: CredentialKind::AccessKey,
                active,
                created: None,
                last_used: None,
            });
        }
        let f = testing::run(
            &crate::plugin(),
            ID,
            &SnapshotBuilder::new().principals(vec![p]).build(),
            &[],
        );
        f[0].status
    }

    #[test]
    fn active_keys_decide() {
        assert_eq!(status(None), Status::Pass);
        assert_eq!(status(Some(Some(true))), Status::Fail);
        assert_eq!(status(Some(Some(false))), Status::Pass);
        assert_eq!(
            status(Some(None)),
            Status::Fail,
            "unknown activity counts as active"
        );
    }
}
