//! `iam.tenant-mfa`: SaaS tenants (Microsoft 365, Google Workspace) require MFA at every
//! user's sign-in, tenant-wide (conditional access, 2-step verification enforcement).

use posture_sdk::prelude::*;

/// Check id.
pub const ID: &str = "iam.tenant-mfa";

/// Providers whose tenants can enforce MFA for everyone.
const SAAS: &[&str] = &["m365", "google-workspace"];

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .title("SaaS tenants enforce MFA for every user")
        .description(
            "For each Microsoft 365 or Google Workspace account: passes when its tenant settings \
             say MFA is enforced for all users, fails when they say it is not, not evaluable \
             when the snapshot says nothing. Per-user MFA is judged by iam.user-mfa and \
             iam.admin-mfa; this check is about the tenant policy that keeps new and forgotten \
             accounts covered.",
        )
        .severity(Severity::High)
        .rationale(
            "Per-user MFA drifts: new accounts, exceptions and service accounts slip through. A \
             tenant-wide policy (a conditional access policy for all users and all apps, or \
             enforced 2-step verification) is what makes password spraying and phished \
             passwords useless across the whole organisation.",
        )
        .remediation(
            "Microsoft 365: a conditional access policy for All users and All cloud apps, \
             granting access only with MFA, with no exclusions but documented break-glass \
             accounts. Google Workspace: Admin console → Security → 2-step verification → \
             Enforcement on for every organisational unit.",
        )
        .soc2("CC6.1")
        .iso27001("A.5.17")
        .iso27001("A.8.5")
        .reads(&[EntityKind::TenantSettings])
}

fn evaluate(cx: &Context, snap: &Snapshot) -> CheckResult {
    let settings = snap.tenant_settings()?;
    let mut out = Vec::new();
    for a in cx
        .accounts()
        .iter()
        .filter(|a| SAAS.contains(&a.provider.as_str()))
    {
        let known: Vec<(usize, &TenantSettings, bool)> = settings
            .iter()
            .enumerate()
            .filter(|(_, t)| t.account == a.id)
            .filter_map(|(i, t)| t.mfa_enforced.map(|v| (i, t, v)))
            .collect();
        if known.is_empty() {
            out.push(Finding::not_evaluable(
                ID,
                resource::account(a),
                "no tenant setting of this account says whether MFA is enforced",
            ));
            continue;
        }
        for (i, t, enforced) in known {
            let res = resource::tenant_settings(t);
            let f = if enforced {
                Finding::pass(ID, res, format!("{} enforces MFA for all users", t.service))
            } else {
                Finding::fail(
                    ID,
                    res,
                    format!("{} does not enforce MFA for all users", t.service),
                )
            };
            out.push(f.evidence(
                "mfa_enforced",
                enforced.to_string(),
                path(EntityKind::TenantSettings, i, "mfa_enforced"),
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, SnapshotBuilder};

    fn run(provider: &str, enforced: Option<bool>) -> Vec<Finding> {
        let mut t = testing::tenant_settings("m365");
        t.mfa_enforced = enforced;
        let snap = SnapshotBuilder::new().tenant_settings(vec![t]).build();
        testing::run_as(&crate::plugin(), ID, &snap, provider, &[])
    }

    #[test]
    fn enforcement_decides_and_silence_is_not_evaluable() {
        assert_eq!(run("m365", Some(true))[0].status, Status::Pass);
        assert_eq!(run("google-workspace", Some(false))[0].status, Status::Fail);
        let f = run("m365", None);
        assert_eq!(f[0].status, Status::NotEvaluable);
        assert_eq!(f[0].resource.kind, "account");
        assert!(run("aws", Some(false)).is_empty(), "not a SaaS tenant");
    }
}
