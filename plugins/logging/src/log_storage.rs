//! `logging.log-storage`: the storage that audit logs are written to is not public and is
//! encrypted.

use posture_sdk::prelude::*;

/// Check id.
pub const ID: &str = "logging.log-storage";

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .title("Audit-log storage is private and encrypted")
        .description(
            "For each audit log with a destination: looks up the destination storage in the \
             snapshot (in the log's account, else in any account); fails when it is publicly \
             readable or writable, or when neither the log nor the storage is encrypted; passes \
             when it is private and encrypted; not evaluable when the destination is not in the \
             snapshot or a setting is unknown.",
        )
        .severity(Severity::Medium)
        .rationale(
            "Audit logs reveal the organisation's infrastructure, users and activity; a public or \
             unencrypted log bucket leaks exactly what an attacker needs to plan an intrusion.",
        )
        .remediation(
            "Block public access on the log bucket, restrict its policy to the logging service and \
             the security team, and encrypt it with a customer-managed KMS key (also set the \
             trail's KMS key).",
        )
        .soc2("CC6.1")
        .soc2("CC7.2")
        .iso27001("A.8.15")
        .iso27001("A.8.24")
        .reads(&[EntityKind::AuditLogs, EntityKind::Storage])
}

fn evaluate(_cx: &Context, snap: &Snapshot) -> CheckResult {
    let logs = snap.audit_logs()?;
    let storage = snap.storage()?;
    let mut out = Vec::new();
    for (i, l) in logs.iter().enumerate() {
        let Some(dest) = &l.destination else { continue };
        let res = resource::audit_log(l);
        let dest_path = path(EntityKind::AuditLogs, i, "destination");
        // The destination in the log's own account, else in the one other account of the
        // snapshot that holds it (an organisation's log-archive account: AWS bucket ARNs name
        // no account). Held by several other accounts, it is ambiguous: never the first in
        // the snapshot's order.
        let elsewhere: Vec<(usize, &Storage)> = storage
            .iter()
            .enumerate()
            .filter(|(_, s)| &s.id == dest && s.account != l.account)
            .collect();
        let Some((j, s)) = storage
            .iter()
            .enumerate()
            .find(|(_, s)| &s.id == dest && s.account == l.account)
            .or(match elsewhere.as_slice() {
                [one] => Some(*one),
                _ => None,
            })
        else {
            if elsewhere.len() > 1 {
                out.push(
                    Finding::not_evaluable(
                        ID,
                        res,
                        format!(
                            "destination {dest} of {} is held by {} other accounts of the \
                             snapshot",
                            l.name,
                            elsewhere.len()
                        ),
                    )
                    .evidence("destination", dest.clone(), dest_path),
                );
                continue;
            }
            out.push(
                Finding::not_evaluable(
                    ID,
                    res,
                    format!("destination {dest} of {} is not in the snapshot", l.name),
                )
                .evidence("destination", dest.clone(), dest_path),
            );
            continue;
        };
        let public = s.public_read == Some(true) || s.public_write == Some(true);
        let private = s.public_read == Some(false) && s.public_write == Some(false);
        let encrypted = l.encrypted == Some(true) || s.encrypted == Some(true);
        let unencrypted = l.encrypted != Some(true) && s.encrypted == Some(false);
        let f = if public {
            Finding::fail(
                ID,
                res,
                format!("logs of {} go to public storage {}", l.name, s.name),
            )
        } else if unencrypted {
            Finding::fail(
                ID,
                res,
                format!("logs of {} go to unencrypted storage {}", l.name, s.name),
            )
        } else if private && encrypted {
            Finding::pass(
                ID,
                res,
                format!(
                    "logs of {} go to private, encrypted storage {}",
                    l.name, s.name
                ),
            )
        } else {
            Finding::not_evaluable(
                ID,
                res,
                format!(
                    "public access or encryption of log storage {} is unknown",
                    s.name
                ),
            )
        };
        out.push(
            f.evidence("destination", dest.clone(), dest_path)
                .evidence(
                    "public_read",
                    show(s.public_read),
                    path(EntityKind::Storage, j, "public_read"),
                )
                .evidence(
                    "public_write",
                    show(s.public_write),
                    path(EntityKind::Storage, j, "public_write"),
                )
                .evidence(
                    "storage_encrypted",
                    show(s.encrypted),
                    path(EntityKind::Storage, j, "encrypted"),
                )
                .evidence(
                    "log_encrypted",
                    show(l.encrypted),
                    path(EntityKind::AuditLogs, i, "encrypted"),
                ),
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, SnapshotBuilder};

    fn bucket(id: &str, public: bool, encrypted: Option<bool>) -> Storage {
        let mut s = testing::storage(id, id);
        s.public_read = Some(public);
        s.public_write = Some(false);
        s.encrypted = encrypted;
        s
    }

    fn log(id: &str, dest: Option<&str>) -> AuditLog {
        let mut l = testing::audit_log(id, "cloudtrail");
        l.destination = dest.map(str::to_string);
        l
    }

    #[test]
    fn public_or_unencrypted_fails_private_encrypted_passes() {
        let snap = SnapshotBuilder::new()
            .storage(vec![
                bucket("good", false, Some(true)),
                bucket("open", true, Some(true)),
                bucket("plain", false, Some(false)),
                bucket("unk", false, None),
            ])
            .audit_logs(vec![
                log("a", Some("good")),
                log("b", Some("open")),
                log("c", Some("plain")),
                log("d", Some("unk")),
                log("e", Some("elsewhere")),
                log("f", None),
            ])
            .build();
        let got: Vec<(String, Status)> =
            testing::outcomes(testing::run(&crate::plugin(), ID, &snap, &[]));
        assert_eq!(
            got,
            vec![
                ("a".into(), Status::Pass),
                ("b".into(), Status::Fail),
                ("c".into(), Status::Fail),
                ("d".into(), Status::NotEvaluable),
                ("e".into(), Status::NotEvaluable)
            ]
        );
    }

    #[test]
    fn encrypted_log_on_unencrypted_bucket_passes() {
        let mut l = log("a", Some("plain"));
        l.encrypted = Some(true);
        let snap = SnapshotBuilder::new()
            .storage(vec![bucket("plain", false, Some(false))])
            .audit_logs(vec![l])
            .build();
        assert_eq!(
            testing::run(&crate::plugin(), ID, &snap, &[])[0].status,
            Status::Pass
        );
    }

    #[test]
    fn the_destination_may_be_in_another_account() {
        let mut elsewhere = bucket("archive", false, Some(false));
        elsewhere.account = "log-archive".into();
        let mut first = bucket("archive", false, Some(true));
        first.account = "other".into();
        let snap = SnapshotBuilder::new()
            .storage(vec![first.clone()])
            .audit_logs(vec![log("a", Some("archive"))])
            .build();
        // Not in the log's account: the one other account holding it.
        assert_eq!(
            testing::run(&crate::plugin(), ID, &snap, &[])[0].status,
            Status::Pass
        );
        // Two other accounts hold it: ambiguous, in either order.
        for storage in [
            vec![first.clone(), elsewhere.clone()],
            vec![elsewhere.clone(), first],
        ] {
            let snap = SnapshotBuilder::new()
                .storage(storage)
                .audit_logs(vec![log("a", Some("archive"))])
                .build();
            assert_eq!(
                testing::run(&crate::plugin(), ID, &snap, &[])[0].status,
                Status::NotEvaluable
            );
        }
        let mut same = bucket("archive", false, Some(false));
        same.account = testing::ACCOUNT.into();
        let snap = SnapshotBuilder::new()
            .storage(vec![elsewhere, same])
            .audit_logs(vec![log("a", Some("archive"))])
            .build();
        assert_eq!(
            testing::run(&crate::plugin(), ID, &snap, &[])[0].status,
            Status::Fail,
            "the log's own account first"
        );
    }

    #[test]
    fn absent_storage_is_not_evaluable() {
        let snap = SnapshotBuilder::new()
            .audit_logs(vec![log("a", Some("x"))])
            .build();
        let f = testing::run(&crate::plugin(), ID, &snap, &[]);
        assert_eq!(
            (f[0].resource.id.as_str(), f[0].status),
            ("storage", Status::NotEvaluable)
        );
    }
}
