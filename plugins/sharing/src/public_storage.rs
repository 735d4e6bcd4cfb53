//! `sharing.public-storage`: no storage container is readable or writable by anyone on the
//! internet.

use posture_sdk::prelude::*;

/// Check id.
pub const ID: &str = "sharing.public-storage";

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .title("Storage is not public")
        .description(
            "For each storage container: fails when anyone on the internet can read or write it \
             (public ACL or policy), passes when both are known to be off, not evaluable \
             otherwise.",
        )
        .severity(Severity::Critical)
        .rationale(
            "Public buckets are the most common cause of large cloud data leaks; public write also \
             lets anyone plant malware or run up costs.",
        )
        .remediation(
            "Remove public ACL grants and policy statements with Principal \"*\", turn on the \
             bucket's and the account's public-access block, and serve public website content \
             through a CDN with origin access control instead of a public bucket.",
        )
        .soc2("CC6.1")
        .soc2("CC6.6")
        .iso27001("A.5.15")
        .iso27001("A.8.3")
        .reads(&[EntityKind::Storage])
}

fn evaluate(_cx: &Context, snap: &Snapshot) -> CheckResult {
    let mut out = Vec::new();
    for (i, s) in snap.storage()?.iter().enumerate() {
        let res = resource::storage(s);
        let open: Vec<&str> = [(s.public_read, "readable"), (s.public_write, "writable")]
            .iter()
            .filter(|(v, _)| *v == Some(true))
            .map(|(_, w)| *w)
            .collect();
        let f = if !open.is_empty() {
            Finding::fail(
                ID,
                res,
                format!("{} is publicly {}", s.name, open.join(" and ")),
            )
        } else if s.public_read == Some(false) && s.public_write == Some(false) {
            Finding::pass(ID, res, format!("{} is not public", s.name))
        } else {
            Finding::not_evaluable(ID, res, format!("public access of {} is unknown", s.name))
        };
        out.push(
            f.evidence(
                "public_read",
                show(s.public_read),
                path(EntityKind::Storage, i, "public_read"),
            )
            .evidence(
                "public_write",
                show(s.public_write),
                path(EntityKind::Storage, i, "public_write"),
            ),
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, SnapshotBuilder};

    fn bucket(id: &str, read: Option<bool>, write: Option<bool>) -> Storage {
        let mut s = testing::storage(id, id);
        s.public_read = read;
        s.public_write = write;
        s
    }

    #[test]
    fn read_or_write_fails_both_off_passes_unknown_not_evaluable() {
        let snap = SnapshotBuilder::new()
            .storage(vec![
                bucket("priv", Some(false), Some(false)),
                bucket("r", Some(true), Some(false)),
                bucket("w", None, Some(true)),
                bucket("unk", Some(false), None),
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
                ("priv", Status::Pass),
                ("r", Status::Fail),
                ("w", Status::Fail),
                ("unk", Status::NotEvaluable)
            ]
        );
        assert!(
            f[2].message.contains("publicly writable"),
            "{}",
            f[2].message
        );
        let ev: Vec<(&str, &str, &str)> = f[1]
            .evidence
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_str(), e.path.as_str()))
            .collect();
        assert_eq!(
            ev,
            vec![
                ("public_read", "true", "/storage/1/public_read"),
                ("public_write", "false", "/storage/1/public_write")
            ]
        );
        assert!(
            f[1].message.contains("publicly readable"),
            "{}",
            f[1].message
        );
    }

    #[test]
    fn absent_storage_is_not_evaluable() {
        let f = testing::run(&crate::plugin(), ID, &SnapshotBuilder::new().build(), &[]);
        assert_eq!(f[0].status, Status::NotEvaluable);
    }
}
