//! `encryption.in-transit`: buckets refuse requests that do not use TLS.

use posture_sdk::prelude::*;

/// Check id.
pub const ID: &str = "encryption.in-transit";

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .providers(&["aws", "azure", "gcp"])
        .title("Buckets refuse unencrypted transport")
        .description(
            "For each bucket: passes when requests without TLS are refused (e.g. an S3 bucket \
             policy denying aws:SecureTransport = false), fails when they are accepted, not \
             evaluable when unknown. Drives, sites and repositories are served over TLS only by \
             their SaaS provider and are skipped.",
        )
        .severity(Severity::Medium)
        .rationale(
            "A bucket that accepts plain HTTP lets credentials-bearing requests and data travel in \
             clear text on any network between the client and the provider.",
        )
        .remediation(
            "Add a bucket policy statement that denies all actions when aws:SecureTransport is \
             false (GCS and Azure Storage: require secure transfer), and update clients that still \
             use http:// endpoints.",
        )
        .soc2("CC6.7")
        .iso27001("A.8.24")
        .iso27001("A.5.14")
        .reads(&[EntityKind::Storage])
}

fn evaluate(_cx: &Context, snap: &Snapshot) -> CheckResult {
    let mut out = Vec::new();
    for (i, s) in snap.storage()?.iter().enumerate() {
        if s.kind != StorageKind::Bucket {
            continue;
        }
        let res = resource::storage(s);
        let f = match s.transport_encryption_enforced {
            Some(true) => {
                Finding::pass(ID, res, format!("{} refuses requests without TLS", s.name))
            }
            Some(false) => {
                Finding::fail(ID, res, format!("{} accepts requests without TLS", s.name))
            }
            None => Finding::not_evaluable(
                ID,
                res,
                format!(
                    "whether {} enforces TLS is unknown (bucket policy not collected?)",
                    s.name
                ),
            ),
        };
        out.push(f.evidence(
            "transport_encryption_enforced",
            show(s.transport_encryption_enforced),
            path(EntityKind::Storage, i, "transport_encryption_enforced"),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, SnapshotBuilder};

    #[test]
    fn buckets_decide_other_kinds_skipped() {
        let mut on = testing::storage("on", "on");
        on.transport_encryption_enforced = Some(true);
        let mut off = testing::storage("off", "off");
        off.transport_encryption_enforced = Some(false);
        let unk = testing::storage("unk", "unk");
        let mut site = testing::storage("site", "site");
        site.kind = StorageKind::Site;
        let snap = SnapshotBuilder::new()
            .storage(vec![on, off, unk, site])
            .build();
        let got: Vec<(String, Status)> =
            testing::outcomes(testing::run(&crate::plugin(), ID, &snap, &[]));
        assert_eq!(
            got,
            vec![
                ("on".into(), Status::Pass),
                ("off".into(), Status::Fail),
                ("unk".into(), Status::NotEvaluable)
            ]
        );
    }

    #[test]
    fn evidence_points_at_the_transport_flag() {
        let mut off = testing::storage("off", "off");
        off.transport_encryption_enforced = Some(false);
        let snap = SnapshotBuilder::new().storage(vec![off]).build();
        let f = testing::run(&crate::plugin(), ID, &snap, &[]);
        assert_eq!(f[0].evidence[0].value, "false");
        assert_eq!(
            f[0].evidence[0].path,
            "/storage/0/transport_encryption_enforced"
        );
    }

    #[test]
    fn absent_storage_is_not_evaluable() {
        let f = testing::run(&crate::plugin(), ID, &SnapshotBuilder::new().build(), &[]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::NotEvaluable);
        assert_eq!(f[0].resource.id, "storage");
    }
}
