//! `sharing.public-databases`: no database has an endpoint reachable from the internet.

use posture_sdk::prelude::*;

/// Check id.
pub const ID: &str = "sharing.public-databases";

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .providers(&["aws", "azure", "gcp"])
        .title("Databases are not publicly accessible")
        .description(
            "For each data store of kind database: fails when it is publicly accessible (e.g. an \
             RDS instance with \"Publicly accessible\" on, which gives it a public IP address), \
             passes when it is known not to be, not evaluable when unknown. Volumes, file \
             systems, caches and other data stores have no public endpoint of their own and are \
             skipped.",
        )
        .severity(Severity::High)
        .rationale(
            "A database with a public endpoint is one security-group rule away from being open to \
             the whole internet, where it meets password guessing and exploits of its engine; \
             databases belong in private subnets, reached through the application or a bastion.",
        )
        .remediation(
            "Turn off the instance's \"Publicly accessible\" setting (RDS console: Modify, \
             Connectivity, or `aws rds modify-db-instance --db-instance-identifier ID \
             --no-publicly-accessible --apply-immediately`), place it in a DB subnet group of \
             private subnets, and allow inbound traffic in its security groups only from the \
             application's security groups (Azure: disable public network access; Cloud SQL: \
             remove the public IP and authorised networks).",
        )
        .soc2("CC6.1")
        .soc2("CC6.6")
        .iso27001("A.8.20")
        .iso27001("A.5.15")
        .reads(&[EntityKind::DataStores])
}

fn evaluate(_cx: &Context, snap: &Snapshot) -> CheckResult {
    let mut out = Vec::new();
    for (i, d) in snap.data_stores()?.iter().enumerate() {
        if d.kind != DataStoreKind::Database {
            continue;
        }
        let res = resource::data_store(d);
        let f = match d.publicly_accessible {
            Some(true) => Finding::fail(ID, res, format!("{} is publicly accessible", d.name)),
            Some(false) => Finding::pass(ID, res, format!("{} is not publicly accessible", d.name)),
            None => Finding::not_evaluable(
                ID,
                res,
                format!("whether {} is publicly accessible is unknown", d.name),
            ),
        };
        out.push(f.evidence(
            "publicly_accessible",
            show(d.publicly_accessible),
            path(EntityKind::DataStores, i, "publicly_accessible"),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, SnapshotBuilder};

    fn db(id: &str, public: Option<bool>) -> DataStore {
        let mut d = testing::data_store(id, id);
        d.publicly_accessible = public;
        d
    }

    #[test]
    fn public_fails_private_passes_unknown_not_evaluable() {
        let snap = SnapshotBuilder::new()
            .data_stores(vec![
                db("private", Some(false)),
                db("public", Some(true)),
                db("unknown", None),
            ])
            .build();
        let f = testing::run(&crate::plugin(), ID, &snap, &[]);
        let got: Vec<(&str, Status)> = f
            .iter()
            .map(|f| (f.resource.id.as_str(), f.status))
            .collect();
        assert_eq!(
            got,
            vec![
                ("private", Status::Pass),
                ("public", Status::Fail),
                ("unknown", Status::NotEvaluable)
            ]
        );
        assert_eq!(f[1].message, "public is publicly accessible");
        let ev: Vec<(&str, &str, &str)> = f[1]
            .evidence
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_str(), e.path.as_str()))
            .collect();
        assert_eq!(
            ev,
            vec![(
                "publicly_accessible",
                "true",
                "/data_stores/1/publicly_accessible"
            )]
        );
    }

    #[test]
    fn other_data_stores_are_skipped() {
        let kinds = [
            DataStoreKind::Volume,
            DataStoreKind::FileSystem,
            DataStoreKind::Cache,
            DataStoreKind::Other,
        ];
        let mut stores: Vec<DataStore> = kinds
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let mut d = db(&format!("s{i}"), Some(true));
                d.kind = *k;
                d
            })
            .collect();
        stores.push(db("rds", Some(true)));
        let snap = SnapshotBuilder::new().data_stores(stores).build();
        let f = testing::run(&crate::plugin(), ID, &snap, &[]);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(
            (f[0].resource.id.as_str(), f[0].status),
            ("rds", Status::Fail)
        );
        assert_eq!(f[0].evidence[0].path, "/data_stores/4/publicly_accessible");
    }

    #[test]
    fn absent_data_stores_are_not_evaluable() {
        let f = testing::run(&crate::plugin(), ID, &SnapshotBuilder::new().build(), &[]);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].status, Status::NotEvaluable);
    }
}
