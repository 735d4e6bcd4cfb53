//! `encryption.key-rotation`: enabled customer-managed keys rotate automatically.
//! Provider-managed keys rotate under the provider's control and are skipped.

use posture_sdk::prelude::*;

/// Check id.
pub const ID: &str = "encryption.key-rotation";

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .providers(&["aws", "azure", "gcp"])
        .title("Customer-managed keys rotate automatically")
        .description(
            "For each enabled customer-managed encryption key: passes when automatic rotation is \
             on, fails when it is off, not evaluable when unknown or when it is unknown who \
             manages the key. Provider-managed and disabled keys are skipped.",
        )
        .severity(Severity::Medium)
        .rationale(
            "Rotation limits how much data one compromised key version protects and is expected \
             by cryptographic key-management policies; without it a key lives for the lifetime \
             of the account.",
        )
        .remediation(
            "Enable automatic rotation on the key (AWS KMS: EnableKeyRotation, optionally with a \
             rotation period; Google Cloud KMS: set a rotation period; Azure Key Vault: a rotation \
             policy). Keys that cannot rotate automatically (imported material) need a documented \
             manual rotation schedule.",
        )
        .soc2("CC6.1")
        .iso27001("A.8.24")
        .reads(&[EntityKind::Keys])
}

fn evaluate(_cx: &Context, snap: &Snapshot) -> CheckResult {
    let mut out = Vec::new();
    for (i, k) in snap.keys()?.iter().enumerate() {
        if k.enabled == Some(false) || k.manager == Some(KeyManager::Provider) {
            continue;
        }
        let name = k.name.clone().unwrap_or_else(|| k.id.clone());
        let res = resource::key(k);
        let f = match (k.manager, k.rotation_enabled) {
            (None, _) => {
                Finding::not_evaluable(ID, res, format!("who manages key {name} is unknown"))
            }
            (_, Some(true)) => Finding::pass(ID, res, format!("key {name} rotates automatically")),
            (_, Some(false)) => Finding::fail(ID, res, format!("key {name} never rotates")),
            (_, None) => {
                Finding::not_evaluable(ID, res, format!("rotation state of key {name} is unknown"))
            }
        };
        out.push(
            f.evidence(
                "manager",
                show_enum(k.manager),
                path(EntityKind::Keys, i, "manager"),
            )
            .evidence(
                "rotation_enabled",
                show(k.rotation_enabled),
                path(EntityKind::Keys, i, "rotation_enabled"),
            ),
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, SnapshotBuilder};

    fn key(id: &str, manager: Option<KeyManager>, rotation: Option<bool>) -> Key {
        let mut k = testing::key(id);
        k.manager = manager;
        k.rotation_enabled = rotation;
        k
    }

    #[test]
    fn customer_keys_decide_provider_and_disabled_skipped() {
        use KeyManager::*;
        let mut off = key("off", Some(Customer), Some(false));
        off.enabled = Some(false);
        let snap = SnapshotBuilder::new()
            .keys(vec![
                key("rot", Some(Customer), Some(true)),
                key("norot", Some(Customer), Some(false)),
                key("unk", Some(Customer), None),
                key("who", None, Some(true)),
                key("aws", Some(Provider), Some(false)),
                off,
            ])
            .build();
        let got: Vec<(String, Status)> =
            testing::outcomes(testing::run(&crate::plugin(), ID, &snap, &[]));
        assert_eq!(
            got,
            vec![
                ("rot".into(), Status::Pass),
                ("norot".into(), Status::Fail),
                ("unk".into(), Status::NotEvaluable),
                ("who".into(), Status::NotEvaluable)
            ]
        );
    }

    #[test]
    fn evidence_gives_manager_and_rotation() {
        let snap = SnapshotBuilder::new()
            .keys(vec![key("k", Some(KeyManager::Customer), Some(false))])
            .build();
        let f = testing::run(&crate::plugin(), ID, &snap, &[]);
        let ev: Vec<(&str, &str, &str)> = f[0]
            .evidence
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_str(), e.path.as_str()))
            .collect();
        assert_eq!(
            ev,
            vec![
                ("manager", "customer", "/keys/0/manager"),
                ("rotation_enabled", "false", "/keys/0/rotation_enabled")
            ]
        );
    }

    #[test]
    fn absent_keys_are_not_evaluable() {
        let f = testing::run(&crate::plugin(), ID, &SnapshotBuilder::new().build(), &[]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::NotEvaluable);
        assert_eq!(f[0].resource.id, "keys");
    }
}
