//! `iam.tenant-mfa`: SaaS tenants (Microsoft 365, Google Workspace, GitHub organisations)
//! require MFA at every user's sign-in, tenant-wide (conditional access, 2-step verification
//! enforcement, the organisation's two-factor requirement).

use posture_sdk::prelude::*;
use posture_sdk::tenant::Policy;

/// Check id.
pub const ID: &str = "iam.tenant-mfa";

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .providers(WITH_MFA_POLICY)
        .title("SaaS tenants enforce MFA for every user")
        .description(
            "For each Microsoft 365, Google Workspace or GitHub account: passes when its tenant settings \
             say MFA is enforced for all users, fails when they say it is not, not evaluable \
             when the snapshot says nothing. With `phishing-resistant`, only methods that resist \
             phishing count (FIDO2, Windows Hello for Business, certificates). Per-user MFA is \
             judged by iam.user-mfa and iam.admin-mfa; this check is about the tenant policy that keeps new and forgotten \
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
             Enforcement on for every organisational unit. GitHub: organisation Settings → \
             Authentication security → Require two-factor authentication.",
        )
        .soc2("CC6.1")
        .iso27001("A.5.17")
        .iso27001("A.8.5")
        .param_flag(
            "phishing-resistant",
            false,
            "require methods that resist phishing (FIDO2, Windows Hello, certificates)",
        )
        .reads(&[EntityKind::TenantSettings])
}

/// Providers whose accounts have a tenant-wide MFA policy (GitHub: the organisation's
/// two-factor requirement).
const WITH_MFA_POLICY: &[&str] = &["m365", "google-workspace", "github"];

/// The policy this check reads by default.
const ANY_MFA: Policy = Policy {
    id: ID,
    providers: WITH_MFA_POLICY,
    field: "mfa_enforced",
    get: |t| t.mfa_enforced,
    does: "enforces MFA for all users",
    does_not: "enforce MFA for all users",
};

/// The policy this check reads with `phishing-resistant`.
const PHISHING_RESISTANT: Policy = Policy {
    id: ID,
    providers: WITH_MFA_POLICY,
    field: "mfa_phishing_resistant",
    get: |t| t.mfa_phishing_resistant,
    does: "enforces phishing-resistant MFA for all users",
    does_not: "enforce phishing-resistant MFA for all users",
};

fn evaluate(cx: &Context, snap: &Snapshot) -> CheckResult {
    if cx.flag("phishing-resistant")? {
        PHISHING_RESISTANT.evaluate(cx, snap)
    } else {
        ANY_MFA.evaluate(cx, snap)
    }
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
        assert!(
            run("aws", None).is_empty(),
            "no tenant policy expected of AWS accounts"
        );
    }

    #[test]
    fn a_github_organisation_s_two_factor_requirement_is_judged() {
        assert_eq!(run("github", Some(true))[0].status, Status::Pass);
        assert_eq!(run("github", Some(false))[0].status, Status::Fail);
        assert_eq!(run("github", None)[0].status, Status::NotEvaluable);
        let scope = crate::plugin().scope();
        let providers = scope
            .iter()
            .find(|s| s.check == ID)
            .map(|s| s.providers.clone());
        assert_eq!(
            providers,
            Some(vec![
                "m365".to_string(),
                "google-workspace".to_string(),
                "github".to_string()
            ])
        );
    }

    #[test]
    fn phishing_resistance_is_judged_on_request() {
        let mut t = testing::tenant_settings("m365");
        t.mfa_enforced = Some(true);
        t.mfa_phishing_resistant = Some(false);
        let snap = SnapshotBuilder::new().tenant_settings(vec![t]).build();
        let strict = [("phishing-resistant", ParamValue::Flag(true))];
        let f = testing::run_as(&crate::plugin(), ID, &snap, "m365", &strict);
        assert_eq!(f[0].status, Status::Fail);
        assert!(
            f[0].message.contains("phishing-resistant"),
            "{}",
            f[0].message
        );
        assert_eq!(
            testing::run_as(&crate::plugin(), ID, &snap, "m365", &[])[0].status,
            Status::Pass
        );
    }
}
