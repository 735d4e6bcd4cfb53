//! `encryption.volume-default`: accounts encrypt new block-storage volumes by default (AWS
//! "EBS encryption by default"), so that no volume created later starts unencrypted.

use posture_sdk::prelude::*;
use posture_sdk::tenant::Policy;

/// Check id.
pub const ID: &str = "encryption.volume-default";

/// Providers with an account-wide default for new volumes (AWS: the `aws-ec2` settings, per
/// region).
const WITH_DEFAULT: &[&str] = &["aws"];

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .providers(WITH_DEFAULT)
        .title("New volumes are encrypted by default")
        .description(
            "For each tenant setting that says whether new volumes are encrypted by default: \
             passes when they are, fails when not. An AWS account without the setting in the \
             snapshot is not evaluable. Existing volumes are judged one by one by \
             encryption.at-rest.",
        )
        .severity(Severity::Medium)
        .rationale(
            "Encrypting each volume by hand leaves gaps: an autoscaling group, a restore from a \
             snapshot or a new team creates an unencrypted one. The account default closes them \
             for every volume created from now on.",
        )
        .remediation(
            "AWS: EC2 console → Settings → EBS encryption → Always encrypt new EBS volumes, in \
             every region used (`aws ec2 enable-ebs-encryption-by-default`), optionally with a \
             customer-managed key (`aws ec2 modify-ebs-default-kms-key-id`).",
        )
        .soc2("CC6.1")
        .soc2("CC6.7")
        .iso27001("A.8.24")
        .reads(&[EntityKind::TenantSettings])
}

/// The setting this check reads.
const POLICY: Policy = Policy {
    id: ID,
    providers: WITH_DEFAULT,
    field: "default_encryption",
    get: |t| t.default_encryption,
    does: "encrypts new volumes by default",
    does_not: "encrypt new volumes by default",
};

fn evaluate(cx: &Context, snap: &Snapshot) -> CheckResult {
    POLICY.evaluate(cx, snap)
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, SnapshotBuilder};

    fn run(on: Option<bool>) -> Vec<Finding> {
        let mut t = testing::tenant_settings("aws-ec2");
        t.default_encryption = on;
        let snap = SnapshotBuilder::new().tenant_settings(vec![t]).build();
        testing::run_as(&crate::plugin(), ID, &snap, "aws", &[])
    }

    #[test]
    fn the_default_decides_and_its_absence_is_not_evaluable() {
        assert_eq!(run(Some(true))[0].status, Status::Pass);
        assert_eq!(run(Some(false))[0].status, Status::Fail);
        let f = run(None);
        assert_eq!((f.len(), f[0].status), (1, Status::NotEvaluable));
        assert_eq!(f[0].resource.kind, "account");
    }
}
