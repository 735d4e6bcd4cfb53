//! A test plugin built for `wasm32-wasip2` whose checks sleep through WASI before answering:
//! `sleeper.nap` for a minute, `sleeper.forever` for `Duration::MAX`. Epoch interruption
//! cannot stop a guest blocked in a host call, so the host must never block on its behalf:
//! in the sandbox the clock stands still and a sleep is over at once.

#![allow(missing_docs)]

wit_bindgen::generate!({ path: "../../../wit", world: "check-plugin" });

use exports::posture::plugin::plugin::Guest;
use posture::plugin::types::{
    CheckMetadata, EvaluationContext, Finding, PluginError, PluginInfo, ResourceRef, Severity,
    Status,
};
use std::time::Duration;

struct Sleeper;

fn check(id: &str, title: &str) -> CheckMetadata {
    CheckMetadata {
        id: id.into(),
        title: title.into(),
        description: "sandbox test".into(),
        default_severity: Severity::Info,
        domain: "test".into(),
        rationale: "sandbox test".into(),
        remediation: "none".into(),
        controls: vec![],
        params: vec![],
        reads: vec![],
    }
}

impl Guest for Sleeper {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "sleeper".into(),
            version: "0.1.0".into(),
            vendor: "posture tests".into(),
            contract_version: "0.2.0".into(),
            checks: vec![
                check("sleeper.nap", "Sleeps for a minute"),
                check("sleeper.forever", "Sleeps for ever"),
            ],
        }
    }

    fn evaluate(ctx: EvaluationContext) -> Result<Vec<Finding>, PluginError> {
        let mut out = Vec::new();
        for request in &ctx.checks {
            let nap = match request.check_id.as_str() {
                "sleeper.nap" => Duration::from_secs(60),
                _ => Duration::MAX,
            };
            std::thread::sleep(nap);
            // About the accounts it was given: the only thing this plugin reads.
            for account in &ctx.accounts {
                out.push(Finding {
                    check_id: request.check_id.clone(),
                    status: Status::Pass,
                    resource: ResourceRef {
                        kind: "account".into(),
                        id: account.id.clone(),
                        display_name: None,
                        account: Some(account.id.clone()),
                    },
                    message: format!("woke after {} s", nap.as_secs()),
                    severity: None,
                    evidence: vec![],
                });
            }
        }
        Ok(out)
    }
}

// Exported names contain `:`, which native linkers reject; the plugin only exists as Wasm.
#[cfg(target_arch = "wasm32")]
export!(Sleeper);
