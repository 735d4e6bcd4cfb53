//! A test plugin of the `check-plugin-scoped` world whose `applies-to` scopes a check that
//! `describe` does not declare (`test.ghost`), next to a valid entry. The host must refuse it
//! at load with a typed error naming the plugin and that check.

#![allow(missing_docs)]

wit_bindgen::generate!({ path: "../../../wit", world: "check-plugin-scoped" });

use exports::posture::plugin::plugin::Guest;
use exports::posture::plugin::scope::{CheckScope, Guest as Scope};
use posture::plugin::types::{
    CheckMetadata, EntityKind, EvaluationContext, Finding, PluginError, PluginInfo, Severity,
};

struct BadScope;

impl Guest for BadScope {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "bad-scope".into(),
            version: "0.1.0".into(),
            vendor: "posture tests".into(),
            contract_version: "0.2.0".into(),
            checks: vec![CheckMetadata {
                id: "test.real".into(),
                title: "A real check".into(),
                description: "d".into(),
                default_severity: Severity::Low,
                domain: "test".into(),
                rationale: "r".into(),
                remediation: "m".into(),
                controls: vec![],
                params: vec![],
                reads: vec![EntityKind::Principals],
            }],
        }
    }

    fn evaluate(_ctx: EvaluationContext) -> Result<Vec<Finding>, PluginError> {
        Ok(vec![])
    }
}

impl Scope for BadScope {
    fn applies_to() -> Vec<CheckScope> {
        vec![
            CheckScope {
                check: "test.real".into(),
                providers: vec!["aws".into()],
            },
            CheckScope {
                check: "test.ghost".into(),
                providers: vec!["aws".into()],
            },
        ]
    }
}

// Exported names contain `:`, which native linkers reject; the plugin only exists as Wasm.
#[cfg(target_arch = "wasm32")]
export!(BadScope);
