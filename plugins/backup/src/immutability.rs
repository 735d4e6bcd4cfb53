//! `backup.immutability`: backups are protected against deletion: a locked vault, or copies
//! in another account.

use posture_sdk::prelude::*;

/// Check id.
pub const ID: &str = "backup.immutability";

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .providers(&["aws", "azure", "gcp"])
        .title("Backups are protected against deletion")
        .description(
            "For each backup plan: passes when its vault is locked (recovery points cannot be \
             deleted before expiry) or copies go to another account; fails when both are known to \
             be off; not evaluable otherwise. A copy to another region alone does not count: the \
             same credentials can delete it.",
        )
        .severity(Severity::Medium)
        .rationale(
            "Ransomware operators delete backups before encrypting data; only backups that the \
             compromised account cannot delete survive.",
        )
        .remediation(
            "Turn on vault lock (AWS Backup Vault Lock in compliance mode) for the plan's vault, \
             or add a copy rule to a vault in a separate backup account with its own credentials.",
        )
        .soc2("A1.2")
        .iso27001("A.8.13")
        .reads(&[EntityKind::BackupPlans])
}

fn evaluate(_cx: &Context, snap: &Snapshot) -> CheckResult {
    let mut out = Vec::new();
    for (i, b) in snap.backup_plans()?.iter().enumerate() {
        let res = resource::backup_plan(b);
        let f = match (b.vault_locked, b.cross_account_copy) {
            (Some(true), _) => Finding::pass(ID, res, format!("{}: vault is locked", b.name)),
            (_, Some(true)) => {
                Finding::pass(ID, res, format!("{}: copies go to another account", b.name))
            }
            (Some(false), Some(false)) => Finding::fail(
                ID,
                res,
                format!(
                    "{}: backups can be deleted by anyone with access to the account",
                    b.name
                ),
            ),
            _ => Finding::not_evaluable(
                ID,
                res,
                format!("vault lock or cross-account copy of {} is unknown", b.name),
            ),
        };
        out.push(
            f.evidence(
                "vault_locked",
                show(b.vault_locked),
                path(EntityKind::BackupPlans, i, "vault_locked"),
            )
            .evidence(
                "cross_account_copy",
                show(b.cross_account_copy),
                path(EntityKind::BackupPlans, i, "cross_account_copy"),
            ),
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, SnapshotBuilder};

    #[test]
    fn lock_or_cross_account_passes_neither_fails_unknown_not_evaluable() {
        let plan = |id: &str, lock: Option<bool>, xacct: Option<bool>| {
            let mut b = testing::backup_plan(id, id);
            b.vault_locked = lock;
            b.cross_account_copy = xacct;
            b.cross_region_copy = Some(true);
            b
        };
        let snap = SnapshotBuilder::new()
            .backup_plans(vec![
                plan("lock", Some(true), Some(false)),
                plan("copy", Some(false), Some(true)),
                plan("none", Some(false), Some(false)),
                plan("unk", Some(false), None),
            ])
            .build();
        let got: Vec<Status> = testing::run(&crate::plugin(), ID, &snap, &[])
            .into_iter()
            .map(|f| f.status)
            .collect();
        assert_eq!(
            got,
            vec![
                Status::Pass,
                Status::Pass,
                Status::Fail,
                Status::NotEvaluable
            ]
        );
    }
}
