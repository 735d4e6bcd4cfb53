//! A test plugin whose one check has a 1 MiB title, description, rationale and remediation,
//! and which returns 500 findings: renderers that repeat metadata per finding (OCSF) turned
//! that into a 1.57 GB report. Metadata is capped at load, so it must be refused there.

#![allow(missing_docs)]

wit_bindgen::generate!({ path: "../../../wit", world: "check-plugin" });

use exports::posture::plugin::plugin::Guest;
use posture::plugin::types::{
    CheckMetadata, EvaluationContext, Finding, PluginError, PluginInfo, ResourceRef, Severity,
    Status,
};

struct Bloated;

impl Guest for Bloated {
    fn describe() -> PluginInfo {
        let mib = "m".repeat(1 << 20);
        PluginInfo {
            name: "bloated".into(),
            version: "0.1.0".into(),
            vendor: "posture tests".into(),
            contract_version: "0.2.0".into(),
            checks: vec![CheckMetadata {
                id: "bloated.metadata".into(),
                title: mib.clone(),
                description: mib.clone(),
                default_severity: Severity::Low,
                domain: "test".into(),
                rationale: mib.clone(),
                remediation: mib,
                controls: vec![],
                params: vec![],
                reads: vec![],
            }],
        }
    }

    fn evaluate(_ctx: EvaluationContext) -> Result<Vec<Finding>, PluginError> {
        Ok((0..500)
            .map(|i| Finding {
                check_id: "bloated.metadata".into(),
                status: Status::NotEvaluable,
                resource: ResourceRef {
                    kind: "snapshot".into(),
                    id: format!("s{i}"),
                    display_name: None,
                    account: None,
                },
                message: String::new(),
                severity: None,
                evidence: vec![],
            })
            .collect())
    }
}

// Exported names contain `:`, which native linkers reject; the plugin only exists as Wasm.
#[cfg(target_arch = "wasm32")]
export!(Bloated);
