//! `sharing.account-public-access-block`: every AWS account blocks public access to S3 at
//! account level, so that no single bucket setting can expose data.

use posture_sdk::prelude::*;

/// Check id.
pub const ID: &str = "sharing.account-public-access-block";

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .providers(&["aws"])
        .title("Account-level public-access block is on")
        .description(
            "For each `aws-s3` tenant-settings entry: passes when all four account-level \
             public-access-block settings are on, fails when any is off, not evaluable when the \
             block is unknown. An AWS account without such an entry is not evaluable.",
        )
        .severity(Severity::High)
        .rationale(
            "The account-level block is the safety net under every bucket: with it on, a mistaken \
             bucket ACL or policy cannot make data public.",
        )
        .remediation(
            "In the S3 console (Block Public Access settings for this account) or with \
             `aws s3control put-public-access-block`, turn on BlockPublicAcls, IgnorePublicAcls, \
             BlockPublicPolicy and RestrictPublicBuckets; first move any intentionally public \
             content behind a CDN.",
        )
        .soc2("CC6.1")
        .soc2("CC6.6")
        .iso27001("A.8.3")
        .reads(&[EntityKind::TenantSettings])
}

fn evaluate(cx: &Context, snap: &Snapshot) -> CheckResult {
    let settings = snap.tenant_settings()?;
    let mut out = Vec::new();
    for a in cx.accounts().iter().filter(|a| a.provider == "aws") {
        if !settings
            .iter()
            .any(|t| t.account == a.id && t.service == "aws-s3")
        {
            out.push(Finding::not_evaluable(
                ID,
                resource::account(a),
                "the snapshot has no aws-s3 account settings (s3control public-access block not collected)",
            )
            .evidence("provider", a.provider.clone(), "/accounts".into())
            .evidence(
                "aws-s3 tenant settings",
                "none",
                "/tenant_settings".into(),
            ));
        }
    }
    for (i, t) in settings.iter().enumerate() {
        if t.service != "aws-s3" {
            continue;
        }
        let res = resource::tenant_settings(t);
        let p = path(EntityKind::TenantSettings, i, "public_access_block");
        let Some(b) = &t.public_access_block else {
            out.push(
                Finding::not_evaluable(ID, res, "the account-level public-access block is unknown")
                    .evidence("public_access_block", "unknown", p),
            );
            continue;
        };
        let flags = [
            ("block_public_acls", b.block_public_acls),
            ("ignore_public_acls", b.ignore_public_acls),
            ("block_public_policy", b.block_public_policy),
            ("restrict_public_buckets", b.restrict_public_buckets),
        ];
        let off: Vec<&str> = flags.iter().filter(|(_, v)| !v).map(|(n, _)| *n).collect();
        let mut f = if off.is_empty() {
            Finding::pass(
                ID,
                res,
                "all four account-level public-access blocks are on",
            )
        } else {
            Finding::fail(
                ID,
                res,
                format!(
                    "account-level public-access block is off for: {}",
                    off.join(", ")
                ),
            )
        };
        for (n, v) in flags {
            f = f.evidence(n, v.to_string(), format!("{p}/{n}"));
        }
        out.push(f);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, SnapshotBuilder};

    fn s3(block: Option<[bool; 4]>) -> TenantSettings {
        let mut t = testing::tenant_settings("aws-s3");
        t.public_access_block = block.map(|b| PublicAccessBlock {
            block_public_acls: b[0],
            ignore_public_acls: b[1],
            block_public_policy: b[2],
            restrict_public_buckets: b[3],
        });
        t
    }

    fn status(t: TenantSettings) -> Status {
        let f = testing::run(
            &crate::plugin(),
            ID,
            &SnapshotBuilder::new().tenant_settings(vec![t]).build(),
            &[],
        );
        f[0].status
    }

    #[test]
    fn all_on_passes_any_off_fails_unknown_not_evaluable() {
        assert_eq!(status(s3(Some([true; 4]))), Status::Pass);
        assert_eq!(status(s3(Some([true, true, false, true]))), Status::Fail);
        assert_eq!(status(s3(None)), Status::NotEvaluable);
    }

    #[test]
    fn fail_names_the_off_flags_with_evidence_per_flag() {
        let f = testing::run(
            &crate::plugin(),
            ID,
            &SnapshotBuilder::new()
                .tenant_settings(vec![s3(Some([true, false, true, true]))])
                .build(),
            &[],
        );
        assert!(
            f[0].message.contains("ignore_public_acls"),
            "{}",
            f[0].message
        );
        let ev: Vec<(&str, &str, &str)> = f[0]
            .evidence
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_str(), e.path.as_str()))
            .collect();
        assert_eq!(ev.len(), 4);
        assert!(
            ev.contains(&(
                "ignore_public_acls",
                "false",
                "/tenant_settings/0/public_access_block/ignore_public_acls"
            )),
            "{ev:?}"
        );
    }

    #[test]
    fn aws_account_without_s3_settings_is_not_evaluable() {
        let snap = SnapshotBuilder::new()
            .tenant_settings(vec![testing::tenant_settings("sharepoint")])
            .build();
        let f = testing::run_as(&crate::plugin(), ID, &snap, "aws", &[]);
        assert_eq!(f.len(), 1);
        assert_eq!(
            (
                f[0].resource.kind.as_str(),
                f[0].resource.id.as_str(),
                f[0].status
            ),
            ("account", testing::ACCOUNT, Status::NotEvaluable)
        );
        let snap = SnapshotBuilder::new()
            .tenant_settings(vec![s3(Some([true; 4]))])
            .build();
        let f = testing::run_as(&crate::plugin(), ID, &snap, "aws", &[]);
        assert_eq!(testing::outcomes(f), vec![("aws-s3".into(), Status::Pass)]);
    }

    #[test]
    fn other_services_are_ignored_and_absent_kind_not_evaluable() {
        let f = testing::run(
            &crate::plugin(),
            ID,
            &SnapshotBuilder::new()
                .tenant_settings(vec![testing::tenant_settings("sharepoint")])
                .build(),
            &[],
        );
        assert!(f.is_empty(), "test account's provider is not aws: {f:?}");
        let f = testing::run(&crate::plugin(), ID, &SnapshotBuilder::new().build(), &[]);
        assert_eq!(f[0].status, Status::NotEvaluable);
    }
}
