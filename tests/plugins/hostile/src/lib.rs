//! A deliberately hostile plugin for the sandbox tests, written against the raw bindings (not
//! the SDK) so it can do what a well-behaved plugin never would. Each check misbehaves in one
//! way; a test enables exactly the check it needs through the configuration.

#![allow(missing_docs, clippy::panic)]

wit_bindgen::generate!({ path: "../../../wit", world: "check-plugin" });

use exports::posture::plugin::plugin::Guest;
use posture::plugin::snapshot;
use posture::plugin::types::{
    CheckMetadata, EntityKind, EvaluationContext, Finding, PluginError, PluginInfo, ResourceRef,
    Severity, Status,
};

struct Hostile;

fn check(id: &str, reads: Vec<EntityKind>) -> CheckMetadata {
    CheckMetadata {
        id: id.to_string(),
        title: format!("hostile behaviour {id}"),
        description: "misbehaves on purpose".into(),
        default_severity: Severity::Low,
        domain: "test".into(),
        rationale: "sandbox test".into(),
        remediation: "none".into(),
        controls: vec![],
        params: vec![],
        reads,
    }
}

#[allow(unconditional_recursion)]
fn recurse(n: u64) -> u64 {
    // Not a tail call: each frame keeps a live buffer and uses the result.
    let buf = std::hint::black_box([n; 32]);
    std::hint::black_box(recurse(buf[0] + 1)) + buf[31]
}

impl Guest for Hostile {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "hostile".into(),
            version: "0.1.0".into(),
            vendor: "posture tests".into(),
            contract_version: "0.2.0".into(),
            checks: vec![
                check("hostile.loop", vec![]),
                check("hostile.memory", vec![]),
                check("hostile.panic", vec![]),
                check("hostile.stack", vec![]),
                check("hostile.undeclared-read", vec![EntityKind::Principals]),
                check("hostile.undeclared-finding", vec![]),
                check("hostile.well-behaved", vec![EntityKind::Principals]),
                check("hostile.flood", vec![]),
                check("hostile.giant-string", vec![]),
                check("hostile.host-calls", vec![EntityKind::Principals]),
                check("hostile.escapes", vec![]),
            ],
        }
    }

    fn evaluate(ctx: EvaluationContext) -> Result<Vec<Finding>, PluginError> {
        let mut out = Vec::new();
        for req in &ctx.checks {
            match req.check_id.as_str() {
                "hostile.loop" => {
                    let mut i: u64 = 0;
                    loop {
                        i = std::hint::black_box(i.wrapping_add(1));
                    }
                }
                "hostile.memory" => {
                    let mut hoard: Vec<Vec<u8>> = Vec::new();
                    loop {
                        hoard.push(vec![1u8; 1 << 20]);
                        std::hint::black_box(&hoard);
                    }
                }
                "hostile.panic" => panic!("hostile plugin panics on purpose"),
                "hostile.stack" => {
                    std::hint::black_box(recurse(0));
                }
                "hostile.undeclared-read" => {
                    // Declared principals; reads keys.
                    std::hint::black_box(snapshot::count(EntityKind::Keys));
                }
                "hostile.undeclared-finding" => out.push(finding("iam.admin-mfa", "x")),
                "hostile.flood" => {
                    for i in 0..50_000 {
                        out.push(finding("hostile.flood", &format!("r{i}")));
                    }
                }
                "hostile.giant-string" => {
                    let mut f = finding("hostile.giant-string", "giant");
                    f.message = "x".repeat(8 << 20);
                    out.push(f);
                }
                "hostile.host-calls" => loop {
                    std::hint::black_box(snapshot::count(EntityKind::Principals));
                },
                "hostile.escapes" => {
                    // Terminal control sequences that would clear the screen, retitle the
                    // window and rewrite the summary line, and a spreadsheet formula.
                    let mut f = finding("hostile.escapes", "\u{1b}[2Jcleared");
                    f.status = Status::Fail;
                    f.message = "\u{1b}]0;owned\u{7}\u{1b}[1A\u{1b}[2K0 failing\r\nSUMMARY: all good \u{202e}gnp.exe".into();
                    f.resource.display_name =
                        Some("=HYPERLINK(\"http://evil.example\",\"open\")".into());
                    out.push(f);
                }
                "hostile.well-behaved" => {
                    let n = snapshot::count(EntityKind::Principals).unwrap_or(0);
                    out.push(finding("hostile.well-behaved", &format!("principals-{n}")));
                }
                other => {
                    return Err(PluginError {
                        message: format!("unknown check {other}"),
                    });
                }
            }
        }
        Ok(out)
    }
}

fn finding(check: &str, id: &str) -> Finding {
    Finding {
        check_id: check.into(),
        status: Status::Pass,
        resource: ResourceRef {
            kind: "snapshot".into(),
            id: id.into(),
            display_name: None,
            account: None,
        },
        message: "counted".into(),
        severity: None,
        evidence: vec![],
    }
}

// Exported names contain `:`, which native linkers reject; the plugin only exists as Wasm.
#[cfg(target_arch = "wasm32")]
export!(Hostile);
