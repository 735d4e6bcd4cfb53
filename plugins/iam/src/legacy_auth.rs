//! `iam.legacy-auth`: SaaS tenants block sign-in through legacy protocols (basic
//! authentication), which cannot do MFA.

use crate::common::SAAS;
use posture_sdk::prelude::*;
use posture_sdk::tenant::Policy;

/// Check id.
pub const ID: &str = "iam.legacy-auth";

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .providers(SAAS)
        .title("Legacy authentication is blocked")
        .description(
            "For each Microsoft 365 or Google Workspace account: passes when its tenant settings \
             say sign-in through legacy protocols (IMAP, POP, SMTP AUTH, Exchange ActiveSync, \
             other basic-authentication clients) is blocked for all users, fails when they say \
             it is not, not evaluable when the snapshot says nothing. Microsoft 365: a \
             conditional access policy for all users and all apps blocking Exchange ActiveSync \
             and other clients.",
        )
        .severity(Severity::High)
        .rationale(
            "Legacy protocols send the password on every request and cannot ask for a second \
             factor, so they bypass MFA: password spraying against them is the most common way \
             into Microsoft 365 tenants.",
        )
        .remediation(
            "Microsoft 365: create a conditional access policy for All users and All cloud apps, \
             condition Client apps = Exchange ActiveSync clients and Other clients, grant = \
             Block access; exclude only documented break-glass accounts. Google Workspace: turn \
             off less secure apps access.",
        )
        .soc2("CC6.1")
        .iso27001("A.8.5")
        .reads(&[EntityKind::TenantSettings])
}

/// The policy this check reads.
const POLICY: Policy = Policy {
    id: ID,
    providers: SAAS,
    field: "legacy_auth_blocked",
    get: |t| t.legacy_auth_blocked,
    does: "blocks legacy authentication for all users",
    does_not: "block legacy authentication for all users",
};

fn evaluate(cx: &Context, snap: &Snapshot) -> CheckResult {
    POLICY.evaluate(cx, snap)
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, SnapshotBuilder};

    fn run(provider: &str, blocked: Option<bool>) -> Vec<Finding> {
        let mut t = testing::tenant_settings("m365");
        t.legacy_auth_blocked = blocked;
        let snap = SnapshotBuilder::new().tenant_settings(vec![t]).build();
        testing::run_as(&crate::plugin(), ID, &snap, provider, &[])
    }

    #[test]
    fn the_setting_decides_and_silence_is_not_evaluable() {
        assert_eq!(run("m365", Some(true))[0].status, Status::Pass);
        let f = run("m365", Some(false));
        assert_eq!(f[0].status, Status::Fail);
        assert!(f[0].message.contains("does not block"), "{}", f[0].message);
        let f = run("google-workspace", None);
        assert_eq!(f[0].status, Status::NotEvaluable);
        assert!(
            f[0].message.contains("whether it blocks"),
            "{}",
            f[0].message
        );
        assert!(
            run("aws", None).is_empty(),
            "no tenant policy expected of AWS accounts"
        );
    }
}
