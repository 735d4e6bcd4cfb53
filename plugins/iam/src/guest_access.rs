//! `iam.guest-access`: guests in a Microsoft 365 directory see only their own objects, not
//! the list of users and groups.

use posture_sdk::prelude::*;
use posture_sdk::tenant::Policy;

/// Check id.
pub const ID: &str = "iam.guest-access";

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .providers(POLICY.providers)
        .title("Guests have restricted directory access")
        .description(
            "For each Microsoft 365 account: passes when its tenant settings say guests' access \
             to the directory is restricted (the guest user role is \"restricted\" or \
             \"limited\"), fails when guests have the same access as members, not evaluable \
             when the snapshot says nothing.",
        )
        .severity(Severity::Medium)
        .rationale(
            "A guest with member-level directory access can list every user, group and their \
             memberships: a ready-made phishing list and org chart for anyone who compromises \
             a partner's account.",
        )
        .remediation(
            "Microsoft Entra admin center → External Identities → External collaboration \
             settings → Guest user access: \"Guest user access is restricted to properties and \
             memberships of their own directory objects\".",
        )
        .soc2("CC6.1")
        .soc2("CC6.3")
        .iso27001("A.5.15")
        .iso27001("A.5.19")
        .reads(&[EntityKind::TenantSettings])
}

/// The policy this check reads.
const POLICY: Policy = Policy {
    id: ID,
    providers: &["m365"],
    field: "guest_access_restricted",
    get: |t| t.guest_access_restricted,
    does: "restricts guests' directory access",
    does_not: "restrict guests' directory access",
};

fn evaluate(cx: &Context, snap: &Snapshot) -> CheckResult {
    POLICY.evaluate(cx, snap)
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, SnapshotBuilder};

    #[test]
    fn the_setting_decides_and_silence_is_not_evaluable() {
        let run = |v: Option<bool>, provider: &str| {
            let mut t = testing::tenant_settings("m365");
            t.guest_access_restricted = v;
            let snap = SnapshotBuilder::new().tenant_settings(vec![t]).build();
            testing::run_as(&crate::plugin(), ID, &snap, provider, &[])
        };
        assert_eq!(run(Some(true), "m365")[0].status, Status::Pass);
        assert_eq!(run(Some(false), "m365")[0].status, Status::Fail);
        assert_eq!(run(None, "m365")[0].status, Status::NotEvaluable);
        assert!(run(None, "google-workspace").is_empty());
    }
}
