//! A test plugin with invalid metadata: two checks share one id. The host must refuse it at
//! load, before any evaluation.

#![allow(missing_docs)]

wit_bindgen::generate!({ path: "../../../wit", world: "check-plugin" });

use exports::posture::plugin::plugin::Guest;
use posture::plugin::types::{
    CheckMetadata, EvaluationContext, Finding, PluginError, PluginInfo, Severity,
};

struct Bad;

fn check(id: &str) -> CheckMetadata {
    CheckMetadata {
        id: id.into(),
        title: "duplicate".into(),
        description: "d".into(),
        default_severity: Severity::Low,
        domain: "test".into(),
        rationale: "r".into(),
        remediation: "m".into(),
        controls: vec![],
        params: vec![],
        reads: vec![],
    }
}

impl Guest for Bad {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "bad-metadata".into(),
            version: "0.1.0".into(),
            vendor: "posture tests".into(),
            contract_version: "0.2.0".into(),
            checks: vec![check("test.same"), check("test.same")],
        }
    }

    fn evaluate(_ctx: EvaluationContext) -> Result<Vec<Finding>, PluginError> {
        Ok(vec![])
    }
}

// Exported names contain `:`, which native linkers reject; the plugin only exists as Wasm.
#[cfg(target_arch = "wasm32")]
export!(Bad);
