//! A test plugin built for `wasm32-wasip2`, so that it imports WASI through Rust's std. Its one
//! check reports what the sandbox gave it: environment variables, a directory listing of `/`,
//! the wall clock and a random number. The host must grant nothing and keep it reproducible.

#![allow(missing_docs)]

wit_bindgen::generate!({ path: "../../../wit", world: "check-plugin" });

use exports::posture::plugin::plugin::Guest;
use posture::plugin::types::{
    CheckMetadata, EvaluationContext, Evidence, Finding, PluginError, PluginInfo, ResourceRef,
    Severity, Status,
};
use std::hash::{BuildHasher, Hasher};

struct Probe;

fn evidence(key: &str, value: String) -> Evidence {
    Evidence {
        key: key.into(),
        value,
        path: String::new(),
    }
}

impl Guest for Probe {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "wasi-probe".into(),
            version: "0.1.0".into(),
            vendor: "posture tests".into(),
            contract_version: "0.2.0".into(),
            checks: vec![CheckMetadata {
                id: "probe.wasi".into(),
                title: "Reports what WASI grants".into(),
                description: "probe".into(),
                default_severity: Severity::Info,
                domain: "test".into(),
                rationale: "sandbox test".into(),
                remediation: "none".into(),
                controls: vec![],
                params: vec![],
                reads: vec![],
            }],
        }
    }

    fn evaluate(_ctx: EvaluationContext) -> Result<Vec<Finding>, PluginError> {
        let env = std::env::vars().count();
        let args = std::env::args().count();
        let root = match std::fs::read_dir("/") {
            Ok(entries) => format!("listed {} entries", entries.count()),
            Err(e) => format!("denied: {e}"),
        };
        let file = match std::fs::read("/etc/passwd") {
            Ok(b) => format!("read {} bytes", b.len()),
            Err(e) => format!("denied: {e}"),
        };
        let clock = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs().to_string())
            .unwrap_or_else(|e| format!("error: {e}"));
        // RandomState is seeded from WASI random.
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u8(1);
        let random = h.finish();
        let tcp = match std::net::TcpStream::connect("127.0.0.1:9") {
            Ok(_) => "connected".to_string(),
            Err(e) => format!("denied: {e}"),
        };
        println!("stdout is not inherited");
        // Not-evaluable about the snapshot: the one thing a check reading nothing may report
        // on; the evidence carries the probe's results.
        Ok(vec![Finding {
            check_id: "probe.wasi".into(),
            status: Status::NotEvaluable,
            resource: ResourceRef {
                kind: "snapshot".into(),
                id: "wasi".into(),
                display_name: None,
                account: None,
            },
            message: "probe results".into(),
            severity: None,
            evidence: vec![
                evidence("env", env.to_string()),
                evidence("args", args.to_string()),
                evidence("root", root),
                evidence("file", file),
                evidence("clock", clock),
                evidence("random", random.to_string()),
                evidence("tcp", tcp),
            ],
        }])
    }
}

// Exported names contain `:`, which native linkers reject; the plugin only exists as Wasm.
#[cfg(target_arch = "wasm32")]
export!(Probe);
