//! `sharing.bucket-public-access-block`: every bucket is covered by the public-access-block
//! settings the parameters require, from its own block or its account's (AWS applies the more
//! restrictive of the two).

use posture_sdk::prelude::*;

/// Check id.
pub const ID: &str = "sharing.bucket-public-access-block";

/// The four settings, by parameter name.
const FLAGS: [&str; 4] = [
    "block-public-acls",
    "ignore-public-acls",
    "block-public-policy",
    "restrict-public-buckets",
];

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .providers(&["aws"])
        .title("Buckets block public access")
        .description(
            "For each bucket: a setting listed in `required` counts as on when the bucket's own \
             public-access block or its account's (`aws-s3` tenant settings) has it on. Passes \
             when every required setting is on, fails when one is off in both, not evaluable \
             when it is off at account level (or unknown) and the bucket's block is unknown.",
        )
        .severity(Severity::High)
        .rationale(
            "Public-access blocks turn a mistaken ACL or bucket policy into a refused request \
             instead of a data leak; set on every bucket (or once for the account), they keep \
             new buckets private too.",
        )
        .remediation(
            "Turn on all four settings at account level (`aws s3control put-public-access-block`) \
             or, where the account must keep one public bucket behind a CDN, on every other \
             bucket (`aws s3api put-public-access-block`).",
        )
        .soc2("CC6.1")
        .soc2("CC6.6")
        .iso27001("A.8.3")
        .param_text_list(
            "required",
            &FLAGS,
            "settings that must be on: any of the four",
        )
        .reads(&[EntityKind::Storage, EntityKind::TenantSettings])
}

/// The value of the setting called `flag` (one of [`FLAGS`]).
fn flag(b: &PublicAccessBlock, flag: &str) -> bool {
    match flag {
        "block-public-acls" => b.block_public_acls,
        "ignore-public-acls" => b.ignore_public_acls,
        "block-public-policy" => b.block_public_policy,
        _ => b.restrict_public_buckets,
    }
}

fn evaluate(cx: &Context, snap: &Snapshot) -> CheckResult {
    let required = cx.text_list("required")?;
    if let Some(bad) = required.iter().find(|r| !FLAGS.contains(&r.as_str())) {
        return Err(CheckError::Param(format!(
            "`required` lists `{bad}`; the settings are {}",
            FLAGS.join(", ")
        )));
    }
    let storage = snap.storage()?;
    // Account-level blocks are optional: without them, buckets are judged on their own.
    let settings = snap.tenant_settings().unwrap_or(&[]);
    let mut out = Vec::new();
    for (i, s) in storage.iter().enumerate() {
        if s.kind != StorageKind::Bucket {
            continue;
        }
        let account = settings
            .iter()
            .find(|t| t.account == s.account && t.service == "aws-s3")
            .and_then(|t| t.public_access_block.as_ref());
        let own = s.public_access_block.as_ref();
        let mut off = Vec::new();
        let mut unknown = Vec::new();
        for r in required {
            if account.is_some_and(|a| flag(a, r)) {
                continue;
            }
            match own {
                Some(b) if flag(b, r) => {}
                Some(_) => off.push(r.as_str()),
                None => unknown.push(r.as_str()),
            }
        }
        let res = resource::storage(s);
        let f = if !off.is_empty() {
            Finding::fail(
                ID,
                res,
                format!(
                    "bucket {} does not block public access: {} off on the bucket and its account",
                    s.name,
                    off.join(", ")
                ),
            )
        } else if !unknown.is_empty() {
            Finding::not_evaluable(
                ID,
                res,
                format!(
                    "the public-access block of bucket {} is unknown and its account does not set {}",
                    s.name,
                    unknown.join(", ")
                ),
            )
        } else {
            Finding::pass(
                ID,
                res,
                format!("bucket {} blocks public access as required", s.name),
            )
        };
        out.push(
            f.evidence(
                "bucket public_access_block",
                own.map_or_else(|| "unknown".into(), describe),
                path(EntityKind::Storage, i, "public_access_block"),
            )
            .evidence(
                "account public_access_block",
                account.map_or_else(|| "none".into(), describe),
                "/tenant_settings".into(),
            ),
        );
    }
    Ok(out)
}

/// The settings that are on, e.g. `block-public-acls, ignore-public-acls`, or `none`.
fn describe(b: &PublicAccessBlock) -> String {
    let on: Vec<&str> = FLAGS.into_iter().filter(|f| flag(b, f)).collect();
    if on.is_empty() {
        "none".into()
    } else {
        on.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, SnapshotBuilder};

    fn block(b: [bool; 4]) -> PublicAccessBlock {
        PublicAccessBlock {
            block_public_acls: b[0],
            ignore_public_acls: b[1],
            block_public_policy: b[2],
            restrict_public_buckets: b[3],
        }
    }

    fn run(
        own: Option<[bool; 4]>,
        account: Option<[bool; 4]>,
        params: &[(&str, ParamValue)],
    ) -> Vec<Finding> {
        let mut b = testing::storage("b", "b");
        b.public_access_block = own.map(block);
        let mut builder = SnapshotBuilder::new().storage(vec![b]);
        if let Some(a) = account {
            let mut t = testing::tenant_settings("aws-s3");
            t.public_access_block = Some(block(a));
            builder = builder.tenant_settings(vec![t]);
        }
        testing::run(&crate::plugin(), ID, &builder.build(), params)
    }

    const ON: [bool; 4] = [true; 4];
    const OFF: [bool; 4] = [false; 4];

    #[test]
    fn bucket_or_account_setting_counts() {
        assert_eq!(run(Some(ON), None, &[])[0].status, Status::Pass);
        assert_eq!(run(Some(OFF), Some(ON), &[])[0].status, Status::Pass);
        assert_eq!(run(None, Some(ON), &[])[0].status, Status::Pass);
        let f = run(Some([true, true, false, true]), Some(OFF), &[]);
        assert_eq!(f[0].status, Status::Fail);
        assert!(
            f[0].message.contains("block-public-policy"),
            "{}",
            f[0].message
        );
        assert_eq!(run(None, Some(OFF), &[])[0].status, Status::NotEvaluable);
        assert_eq!(run(None, None, &[])[0].status, Status::NotEvaluable);
    }

    #[test]
    fn required_settings_are_a_parameter_and_validated() {
        let only = [(
            "required",
            ParamValue::TextList(vec!["ignore-public-acls".into()]),
        )];
        assert_eq!(
            run(Some([false, true, false, false]), None, &only)[0].status,
            Status::Pass
        );
        let bad = [("required", ParamValue::TextList(vec!["block-all".into()]))];
        let f = run(Some(ON), None, &bad);
        assert_eq!(f[0].status, Status::Error, "{f:?}");
    }

    #[test]
    fn other_storage_kinds_are_skipped() {
        let mut d = testing::storage("d", "d");
        d.kind = StorageKind::Drive;
        let snap = SnapshotBuilder::new().storage(vec![d]).build();
        assert!(testing::run(&crate::plugin(), ID, &snap, &[]).is_empty());
    }
}
