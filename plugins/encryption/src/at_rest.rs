//! `encryption.at-rest`: storage containers, databases, volumes and file systems are
//! encrypted at rest.

use posture_sdk::prelude::*;

/// Check id.
pub const ID: &str = "encryption.at-rest";

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .title("Stored data is encrypted at rest")
        .description(
            "For each storage container (bucket, drive, site, repository) and each data store \
             (database, volume, file system, cache): passes when encryption at rest is on, fails \
             when it is off, not evaluable when unknown. Each kind missing from the snapshot gives \
             one not-evaluable finding; the other kind is still evaluated.",
        )
        .severity(Severity::High)
        .rationale(
            "Unencrypted disks, snapshots and buckets expose their content to anyone who obtains \
             the media, a copied snapshot or an over-broad storage permission; most frameworks \
             and customers require encryption at rest for confidential data.",
        )
        .remediation(
            "Buckets: turn on default encryption (SSE-S3 or SSE-KMS) and re-write existing objects. \
             Databases and volumes: encryption cannot be switched on in place: snapshot, copy the \
             snapshot with encryption, restore from the encrypted copy and cut over; then turn on \
             encryption by default for new volumes in every region.",
        )
        .soc2("CC6.1")
        .soc2("CC6.7")
        .iso27001("A.8.24")
        .reads(&[EntityKind::Storage, EntityKind::DataStores])
}

fn decide(
    res: ResourceRef,
    name: &str,
    encrypted: Option<bool>,
    key: Option<&String>,
    p: String,
) -> Finding {
    let f = match encrypted {
        Some(true) => Finding::pass(ID, res, format!("{name} is encrypted at rest")),
        Some(false) => Finding::fail(ID, res, format!("{name} is not encrypted at rest")),
        None => Finding::not_evaluable(ID, res, format!("encryption state of {name} is unknown")),
    };
    let f = f.evidence("encrypted", show(encrypted), p.clone());
    match key {
        Some(k) => f.evidence(
            "encryption_key",
            k.clone(),
            p.replace("/encrypted", "/encryption_key"),
        ),
        None => f,
    }
}

fn evaluate(_cx: &Context, snap: &Snapshot) -> CheckResult {
    let mut out = Vec::new();
    match snap.storage() {
        Ok(items) => {
            for (i, s) in items.iter().enumerate() {
                out.push(decide(
                    resource::storage(s),
                    &s.name,
                    s.encrypted,
                    s.encryption_key.as_ref(),
                    path(EntityKind::Storage, i, "encrypted"),
                ));
            }
        }
        Err(absent) => out.push(absent.finding(ID)),
    }
    match snap.data_stores() {
        Ok(items) => {
            for (i, d) in items.iter().enumerate() {
                out.push(decide(
                    resource::data_store(d),
                    &d.name,
                    d.encrypted,
                    d.encryption_key.as_ref(),
                    path(EntityKind::DataStores, i, "encrypted"),
                ));
            }
        }
        Err(absent) => out.push(absent.finding(ID)),
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, SnapshotBuilder};

    fn statuses(snap: &Snapshot) -> Vec<(String, Status)> {
        testing::outcomes(testing::run(&crate::plugin(), ID, snap, &[]))
    }

    #[test]
    fn encrypted_unencrypted_unknown_across_both_kinds() {
        let mut a = testing::storage("b1", "b1");
        a.encrypted = Some(true);
        let mut b = testing::storage("b2", "b2");
        b.encrypted = Some(false);
        let mut d = testing::data_store("db", "db");
        d.encrypted = Some(false);
        let u = testing::data_store("vol", "vol");
        let snap = SnapshotBuilder::new()
            .storage(vec![a, b])
            .data_stores(vec![d, u])
            .build();
        assert_eq!(
            statuses(&snap),
            vec![
                ("b1".into(), Status::Pass),
                ("b2".into(), Status::Fail),
                ("db".into(), Status::Fail),
                ("vol".into(), Status::NotEvaluable)
            ]
        );
    }

    #[test]
    fn evidence_gives_the_encryption_flag_and_key() {
        let mut a = testing::storage("b1", "b1");
        a.encrypted = Some(true);
        a.encryption_key = Some("arn:aws:kms:k".into());
        let mut d = testing::data_store("db", "db");
        d.encrypted = Some(false);
        let snap = SnapshotBuilder::new()
            .storage(vec![a])
            .data_stores(vec![d])
            .build();
        let f = testing::run(&crate::plugin(), ID, &snap, &[]);
        let ev = |i: usize| -> Vec<(String, String, String)> {
            f[i].evidence
                .iter()
                .map(|e| (e.key.clone(), e.value.clone(), e.path.clone()))
                .collect()
        };
        assert_eq!(
            ev(0),
            vec![
                (
                    "encrypted".into(),
                    "true".into(),
                    "/storage/0/encrypted".into()
                ),
                (
                    "encryption_key".into(),
                    "arn:aws:kms:k".into(),
                    "/storage/0/encryption_key".into()
                )
            ]
        );
        assert_eq!(
            ev(1),
            vec![(
                "encrypted".into(),
                "false".into(),
                "/data_stores/0/encrypted".into()
            )]
        );
    }

    #[test]
    fn one_absent_kind_is_reported_the_other_still_evaluated() {
        let mut a = testing::storage("b1", "b1");
        a.encrypted = Some(true);
        let snap = SnapshotBuilder::new().storage(vec![a]).build();
        assert_eq!(
            statuses(&snap),
            vec![
                ("b1".into(), Status::Pass),
                ("data_stores".into(), Status::NotEvaluable)
            ]
        );
        let mut d = testing::data_store("db", "db");
        d.encrypted = Some(false);
        let snap = SnapshotBuilder::new().data_stores(vec![d]).build();
        assert_eq!(
            statuses(&snap),
            vec![
                ("storage".into(), Status::NotEvaluable),
                ("db".into(), Status::Fail)
            ]
        );
        let both_absent = statuses(&SnapshotBuilder::new().build());
        assert_eq!(
            both_absent,
            vec![
                ("storage".into(), Status::NotEvaluable),
                ("data_stores".into(), Status::NotEvaluable)
            ]
        );
    }
}
