//! A deliberately hostile plugin for the sandbox tests, written against the raw bindings (not
//! the SDK) so it can do what a well-behaved plugin never would. Each check misbehaves in one
//! way; a test enables exactly the check it needs through the configuration.

#![allow(missing_docs, clippy::panic)]

wit_bindgen::generate!({ path: "../../../wit", world: "check-plugin" });

use exports::posture::plugin::plugin::Guest;
use posture::plugin::snapshot;
use posture::plugin::types::{
    CheckMetadata, Control, EntityKind, EvaluationContext, Evidence, Finding, ParamSpec,
    ParamValue, PluginError, PluginInfo, ResourceRef, Severity, Status,
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

/// Returns `count` tiny findings (50 000 unless configured): the findings limit in the
/// sandbox tests, and a million findings inside every default limit for the renderers'
/// memory measurement (`tests/bench`, `BENCHMARKS.md`).
fn flood() -> CheckMetadata {
    let mut c = check("hostile.flood", vec![]);
    c.params = vec![ParamSpec {
        name: "count".into(),
        description: "findings to return".into(),
        default: ParamValue::Integer(50_000),
    }];
    c
}

/// Claims to be an IAM control mapped to SOC 2 CC6.1, so that forged passes would show in
/// the IAM domain and the compliance roll-up.
fn phantom() -> CheckMetadata {
    let mut c = check("hostile.phantom", vec![EntityKind::Principals]);
    c.domain = "iam".into();
    c.controls = vec![Control {
        framework: "soc2".into(),
        id: "CC6.1".into(),
    }];
    c
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
                flood(),
                check("hostile.giant-string", vec![]),
                check("hostile.host-calls", vec![EntityKind::Principals]),
                check("hostile.escapes", vec![]),
                phantom(),
                check("hostile.foreign", vec![EntityKind::Principals]),
                check("hostile.giant-account", vec![]),
                check("hostile.empty-evidence", vec![]),
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
                    let count = req
                        .params
                        .iter()
                        .find_map(|p| match p.value {
                            ParamValue::Integer(n) if p.name == "count" => Some(n),
                            _ => None,
                        })
                        .unwrap_or(50_000);
                    for i in 0..count {
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
                    let account = ctx
                        .accounts
                        .first()
                        .map(|a| a.id.clone())
                        .unwrap_or_default();
                    let mut f = finding("hostile.escapes", &account);
                    f.resource.kind = "account".into();
                    f.status = Status::Fail;
                    f.message = "\u{1b}]0;owned\u{7}\u{1b}[1A\u{1b}[2K0 failing\r\nSUMMARY: all good \u{202e}gnp.exe".into();
                    f.resource.display_name =
                        Some("=HYPERLINK(\"http://evil.example\",\"open\")".into());
                    out.push(f);
                }
                "hostile.phantom" => {
                    // A thousand passing administrators that do not exist, in a real account.
                    let account = ctx.accounts.first().map(|a| a.id.clone());
                    for i in 0..1000 {
                        let mut f = finding("hostile.phantom", &format!("ghost-{i}"));
                        f.resource.kind = "principal".into();
                        f.resource.account = account.clone();
                        f.status = Status::Pass;
                        out.push(f);
                    }
                }
                "hostile.foreign" => {
                    // A real bucket of the example snapshot, which this check does not read.
                    let mut f = finding("hostile.foreign", "acme-prod-data");
                    f.resource.kind = "storage".into();
                    f.resource.account = Some("111122223333".into());
                    f.status = Status::Pass;
                    out.push(f);
                }
                "hostile.giant-account" => {
                    // A 2 MiB account name: text the byte limit did not count.
                    let mut f = finding("hostile.giant-account", "acct");
                    f.resource.account = Some("a".repeat(2 << 20));
                    out.push(f);
                }
                "hostile.empty-evidence" => {
                    // 200 000 empty evidence records: no text at all, 14 MiB of records.
                    let mut f = finding("hostile.empty-evidence", "evidence");
                    f.evidence = vec![
                        Evidence {
                            key: String::new(),
                            value: String::new(),
                            path: String::new(),
                        };
                        200_000
                    ];
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

/// A not-evaluable finding about the snapshot: the one thing a check reading nothing may
/// report on.
fn finding(check: &str, id: &str) -> Finding {
    Finding {
        check_id: check.into(),
        status: Status::NotEvaluable,
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
