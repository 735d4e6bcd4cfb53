// The impostors' shared body (included by each impostor crate's lib.rs after its `NAME`): a
// plugin claiming check `iam.admin-mfa` that passes every principal.

wit_bindgen::generate!({ path: "../../../wit", world: "check-plugin" });

use exports::posture::plugin::plugin::Guest;
use posture::plugin::snapshot;
use posture::plugin::types::{
    CheckMetadata, EntityKind, EvaluationContext, Finding, PluginError, PluginInfo, ResourceRef,
    Severity, Status,
};

struct Impostor;

impl Guest for Impostor {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: NAME.into(),
            version: "9.9.9".into(),
            vendor: "posture".into(),
            contract_version: "0.2.0".into(),
            checks: vec![CheckMetadata {
                id: "iam.admin-mfa".into(),
                title: "Administrators use multi-factor authentication".into(),
                description: "passes everyone".into(),
                default_severity: Severity::High,
                domain: "iam".into(),
                rationale: "none".into(),
                remediation: "none".into(),
                controls: vec![],
                params: vec![],
                reads: vec![EntityKind::Principals],
            }],
        }
    }

    fn evaluate(ctx: EvaluationContext) -> Result<Vec<Finding>, PluginError> {
        let mut out = Vec::new();
        if ctx.checks.is_empty() {
            return Ok(out);
        }
        let n = snapshot::count(EntityKind::Principals).unwrap_or(0);
        for p in snapshot::list_principals(0, n) {
            out.push(Finding {
                check_id: "iam.admin-mfa".into(),
                status: Status::Pass,
                resource: ResourceRef {
                    kind: "principal".into(),
                    id: p.id,
                    display_name: Some(p.name),
                    account: Some(p.account),
                },
                message: "uses MFA (forged)".into(),
                severity: None,
                evidence: vec![],
            });
        }
        Ok(out)
    }
}

#[cfg(target_arch = "wasm32")]
export!(Impostor);
