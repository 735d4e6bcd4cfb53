//! The language-neutral plugin test kit (`posture test PLUGIN --cases DIR`): declarative cases
//! (a snapshot fragment, parameters, `now`, the expected findings) run against any component,
//! whatever language it was written in, with a readable diff per failing case.
//!
//! A case is one JSON file:
//!
//! ```json
//! {
//!   "description": "an administrator without MFA fails",
//!   "now": "2026-11-22T12:00:00Z",
//!   "checks": ["iam.admin-mfa"],
//!   "params": { "iam.admin-count": { "min": 2 } },
//!   "snapshot": { "principals": [ { "id": "u1", "kind": "user", "name": "alice",
//!                                   "admin": true, "mfa_enabled": false } ] },
//!   "expect": [ { "check": "iam.admin-mfa", "resource": "u1", "status": "fail",
//!                 "message_contains": "alice" } ]
//! }
//! ```
//!
//! `snapshot` is completed with `schema`, `captured_at` (= `now`) and, when it declares no
//! accounts, one account `test` (provider `test`), so entities may omit `account`. A check
//! scoped to some providers (`aws`, …) is not applicable to that account and does not run:
//! such a case declares one account of the provider (`"accounts": [{ "id": "test",
//! "provider": "aws" }]`), and the diff says so when it does not. `checks`
//! defaults to every check of the plugin. Findings of the selected checks that `expect` does
//! not list are failures unless `"exhaustive": false`.

use posture::config::{CheckConfig, Config};
use posture::model::{Finding, Status};
use posture::runtime::LoadedPlugin;
use posture::session::{Gate, ScanRequest, ScanTarget, Session};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Default `now` of a case.
pub const DEFAULT_NOW: &str = "2026-01-01T00:00:00Z";

/// Why a case file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    /// The file or directory could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The case is malformed.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong (with the JSON path).
        message: String,
    },
}

/// One expected finding.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    /// Check id.
    pub check: String,
    /// Resource id.
    pub resource: String,
    /// Account, when the case has several.
    #[serde(default)]
    pub account: Option<String>,
    /// Expected status.
    pub status: Status,
    /// A text the message must contain.
    #[serde(default)]
    pub message_contains: Option<String>,
}

/// One case.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// What the case shows.
    #[serde(default)]
    pub description: String,
    /// Evaluation time (RFC 3339).
    #[serde(default)]
    pub now: Option<String>,
    /// Checks to run; default all.
    #[serde(default)]
    pub checks: Option<Vec<String>>,
    /// Parameters by check id.
    #[serde(default)]
    pub params: BTreeMap<String, BTreeMap<String, serde_json::Value>>,
    /// The snapshot fragment.
    pub snapshot: serde_json::Map<String, serde_json::Value>,
    /// Expected findings.
    pub expect: Vec<Expected>,
    /// Whether findings not in `expect` fail the case (default true).
    #[serde(default = "yes")]
    pub exhaustive: bool,
}

fn yes() -> bool {
    true
}

/// The result of one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The case file.
    pub path: PathBuf,
    /// Its description.
    pub description: String,
    /// Empty when the case passed; otherwise one line per difference (`-` expected, `+` got).
    pub diff: Vec<String>,
}

impl Outcome {
    /// Whether the case passed.
    pub fn passed(&self) -> bool {
        self.diff.is_empty()
    }
}

/// Reads every `*.json` case under `dir` (sorted by path).
pub fn load_cases(dir: &Path) -> Result<Vec<(PathBuf, Case)>, CaseError> {
    let io = |path: &Path, source| CaseError::Io {
        path: path.to_path_buf(),
        source,
    };
    let files = posture::input::files_with_extension(dir, "json").map_err(|e| io(dir, e))?;
    let mut out = Vec::with_capacity(files.len());
    for path in files {
        let bytes = posture::input::read(&path).map_err(|e| io(&path, e))?;
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        let case: Case =
            serde_path_to_error::deserialize(&mut de).map_err(|e| CaseError::Invalid {
                path: path.clone(),
                message: format!("{}: {}", e.path(), e.inner()),
            })?;
        out.push((path, case));
    }
    if out.is_empty() {
        return Err(CaseError::Invalid {
            path: dir.to_path_buf(),
            message: "no *.json cases in this directory".into(),
        });
    }
    Ok(out)
}

fn invalid(path: &Path, message: impl Into<String>) -> CaseError {
    CaseError::Invalid {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// Builds the configuration of a case: only its checks, with its parameters.
fn config_for(plugin: &LoadedPlugin, case: &Case, path: &Path) -> Result<Config, CaseError> {
    let mut config = Config::default();
    if let Some(selected) = &case.checks {
        for id in selected {
            if !plugin.info.checks.iter().any(|c| &c.id == id) {
                return Err(invalid(
                    path,
                    format!("checks: `{id}` is not a check of {}", plugin.info.name),
                ));
            }
        }
        for c in &plugin.info.checks {
            if !selected.contains(&c.id) {
                config.checks.entry(c.id.clone()).or_default().enabled = Some(false);
            }
        }
    }
    for (check, params) in &case.params {
        let entry: &mut CheckConfig = config.checks.entry(check.clone()).or_default();
        for (name, value) in params {
            let v: toml::Value = serde_json::from_value(value.clone())
                .map_err(|e| invalid(path, format!("params.{check}.{name}: {e}")))?;
            entry.params.insert(name.clone(), v);
        }
    }
    config.origin = path.display().to_string();
    Ok(config)
}

/// Completes the snapshot fragment and loads it as the scanner would.
fn snapshot_for(
    case: &Case,
    now: &str,
    path: &Path,
) -> Result<posture::snapshot::Snapshot, CaseError> {
    let mut doc = case.snapshot.clone();
    doc.entry("schema")
        .or_insert_with(|| posture::snapshot::SCHEMA_V1.into());
    doc.entry("captured_at").or_insert_with(|| now.into());
    doc.entry("accounts")
        .or_insert_with(|| serde_json::json!([{ "id": "test", "provider": "test" }]));
    let bytes = serde_json::to_vec(&doc).map_err(|e| invalid(path, e.to_string()))?;
    posture::snapshot::from_slice(&bytes, &format!("{} (snapshot)", path.display()))
        .map_err(|e| invalid(path, e.to_string()))
}

fn describe(f: &Finding) -> String {
    format!(
        "{} {}{}: {}  \"{}\"",
        f.check_id,
        f.resource.id,
        f.resource
            .account
            .as_deref()
            .map(|a| format!(" [{a}]"))
            .unwrap_or_default(),
        f.status,
        f.message
    )
}

/// Compares findings with expectations; returns the diff lines.
pub fn compare(expect: &[Expected], got: &[Finding], exhaustive: bool) -> Vec<String> {
    let mut diff = Vec::new();
    let mut used = vec![false; got.len()];
    for e in expect {
        let found = got.iter().enumerate().find(|(i, f)| {
            !used[*i]
                && f.check_id == e.check
                && f.resource.id == e.resource
                && e.account
                    .as_ref()
                    .is_none_or(|a| f.resource.account.as_ref() == Some(a))
        });
        let want = format!(
            "{} {}{}: {}{}",
            e.check,
            e.resource,
            e.account
                .as_deref()
                .map(|a| format!(" [{a}]"))
                .unwrap_or_default(),
            e.status,
            e.message_contains
                .as_deref()
                .map(|m| format!("  (message contains \"{m}\")"))
                .unwrap_or_default()
        );
        match found {
            None => {
                diff.push(format!("- {want}"));
                diff.push("+ (no such finding)".into());
            }
            Some((i, f)) => {
                used[i] = true;
                let message_ok = e
                    .message_contains
                    .as_ref()
                    .is_none_or(|m| f.message.contains(m.as_str()));
                if f.status != e.status || !message_ok {
                    diff.push(format!("- {want}"));
                    diff.push(format!("+ {}", describe(f)));
                }
            }
        }
    }
    if exhaustive {
        for (i, f) in got.iter().enumerate() {
            if !used[i] {
                diff.push(format!("+ {}  (unexpected)", describe(f)));
            }
        }
    }
    diff
}

/// Runs `cases` against `plugin`.
pub fn run_cases(
    plugin: &Arc<LoadedPlugin>,
    cases: &[(PathBuf, Case)],
) -> Result<Vec<Outcome>, CaseError> {
    let mut out = Vec::with_capacity(cases.len());
    for (path, case) in cases {
        let now_text = case.now.as_deref().unwrap_or(DEFAULT_NOW);
        let now = chrono::DateTime::parse_from_rfc3339(now_text)
            .map_err(|e| invalid(path, format!("now: `{now_text}`: {e}")))?
            .timestamp();
        let config = config_for(plugin, case, path)?;
        let snapshot = snapshot_for(case, now_text, path)?;
        let session = Session::new(vec![plugin.clone()], config);
        let request = ScanRequest {
            target: ScanTarget::new(snapshot, path.display().to_string()),
            now,
            jobs: 1,
            baseline: None,
            gate: Gate::default(),
        };
        let report = session
            .scan(request, None)
            .map_err(|e| invalid(path, e.to_string()))?
            .report;
        let mut diff = Vec::new();
        for p in &report.plugins {
            if let Some(e) = &p.error {
                diff.push(format!("+ plugin {} failed: {}", p.name, e.message));
            }
        }
        // A check the case expects findings of, set aside because the snapshot has no
        // account of its providers: say why, rather than only "no such finding".
        for c in &report.not_applicable {
            if case.expect.iter().any(|e| e.check == c.id) {
                diff.push(format!(
                    "+ {} is not applicable: it applies to {}, and the snapshot has no account \
                     of them (declare one in `snapshot.accounts`)",
                    c.id,
                    c.providers.join(", ")
                ));
            }
        }
        diff.extend(compare(&case.expect, &report.findings, case.exhaustive));
        out.push(Outcome {
            path: path.clone(),
            description: case.description.clone(),
            diff,
        });
    }
    Ok(out)
}

/// Text summary of outcomes: a line per case, the diff under each failing one.
pub fn render(outcomes: &[Outcome]) -> String {
    let mut s = String::new();
    for o in outcomes {
        let name = o
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "{} {name}{}",
            if o.passed() { "ok  " } else { "FAIL" },
            if o.description.is_empty() {
                String::new()
            } else {
                format!(" — {}", o.description)
            }
        );
        for line in &o.diff {
            let _ = writeln!(s, "       {line}");
        }
    }
    let failed = outcomes.iter().filter(|o| !o.passed()).count();
    let _ = writeln!(
        s,
        "\n{} case(s): {} passed, {failed} failed",
        outcomes.len(),
        outcomes.len() - failed
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture::model::{ResourceRef, Severity};

    fn finding(check: &str, id: &str, status: Status) -> Finding {
        Finding {
            check_id: check.into(),
            plugin: "p".into(),
            domain: "d".into(),
            status,
            severity: Severity::High,
            resource: ResourceRef {
                kind: "k".into(),
                id: id.into(),
                display_name: None,
                account: Some("test".into()),
                tags: Default::default(),
            },
            message: format!("{id} is {status}"),
            evidence: Vec::new(),
            waiver: None,
        }
    }

    fn expected(check: &str, id: &str, status: Status) -> Expected {
        Expected {
            check: check.into(),
            resource: id.into(),
            account: None,
            status,
            message_contains: None,
        }
    }

    #[test]
    fn matching_findings_give_no_diff() {
        let got = [
            finding("c", "a", Status::Fail),
            finding("c", "b", Status::Pass),
        ];
        let want = [
            expected("c", "a", Status::Fail),
            expected("c", "b", Status::Pass),
        ];
        assert!(compare(&want, &got, true).is_empty());
    }

    #[test]
    fn differences_are_shown_as_expected_and_got() {
        let got = [
            finding("c", "a", Status::Pass),
            finding("c", "z", Status::Fail),
        ];
        let mut want = vec![
            expected("c", "a", Status::Fail),
            expected("c", "b", Status::Pass),
        ];
        let diff = compare(&want, &got, true);
        assert_eq!(
            diff,
            [
                "- c a: fail",
                "+ c a [test]: pass  \"a is pass\"",
                "- c b: pass",
                "+ (no such finding)",
                "+ c z [test]: fail  \"z is fail\"  (unexpected)",
            ]
        );
        want.truncate(1);
        want[0].status = Status::Pass;
        want[0].message_contains = Some("is pass".into());
        assert!(compare(&want, &got, false).is_empty(), "non-exhaustive");
    }
}
