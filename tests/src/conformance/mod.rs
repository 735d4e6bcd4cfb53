//! Conformance with peer tools: their own test cases (../shared/realdata) replayed through our
//! importers or a test-side adapter and our real plugins, and our pass/fail per peer control
//! compared with the peer's expected answer.
//!
//! Which of our checks answers which peer control is a table per suite
//! (`tests/conformance/<suite>.toml`). A case whose control is not in the table is counted as
//! not covered, never dropped. A covered case agrees when our mapped checks fail exactly when
//! the peer's rule does; "not evaluable" never agrees with anything. No finding at all means
//! nothing in the input is in our checks' scope, which is a pass.

pub mod custodian;
pub mod scuba;
pub mod trivy;

use crate::{first_party_plugins, load_all, plugin_dir, root, tokio_rt};
use posture::config::{CheckConfig, Config};
use posture::model::Status;
use posture::runtime::{LoadedPlugin, Runtime};
use posture::session::{Gate, ScanRequest, ScanTarget, Session};
use posture::snapshot::Snapshot;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// `../shared/realdata`, the peer data; panics with a clear message when it is missing (a
/// conformance test must not pass by skipping).
pub fn realdata() -> PathBuf {
    let dir = std::env::var_os("POSTURE_REALDATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/realdata"));
    assert!(
        dir.join("README.md").is_file(),
        "the peer data is missing: expected ../shared/realdata beside the project root (or set \
         POSTURE_REALDATA); {} has no README.md",
        dir.display()
    );
    dir
}

/// One peer test case, converted.
pub struct Case {
    /// Where it comes from (peer test name).
    pub name: String,
    /// The peer's control id, e.g. `AWS-0057` or `MS.AAD.7.1v1`.
    pub control: String,
    /// The input as our snapshot, or why it could not be converted.
    pub snapshot: Result<Snapshot, String>,
    /// The evaluation time the peer's answer assumes (Unix seconds).
    pub now: i64,
    /// The peer's answer: the control fails on this input.
    pub peer_fails: bool,
    /// Compare only our findings on resources whose id contains this (the peer's policy
    /// selected some resources of a larger recording).
    pub resource: Option<String>,
}

/// How one peer control is answered by our checks.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// Our checks; the control fails when any of them fails.
    pub checks: Vec<String>,
    /// Parameters per check, e.g. the peer's thresholds.
    #[serde(default)]
    pub params: BTreeMap<String, BTreeMap<String, toml::Value>>,
    /// Why this mapping holds, and how the rules differ.
    #[serde(default)]
    pub note: String,
    /// Other ids the peer has shipped the same policy under (a renamed policy, e.g.
    /// ScubaGear 1.8's `MS.DEFENDER.6.1v1` for `MS.SECURITYSUITE.5.1v1`).
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// A peer policy id without its version suffix: `MS.AAD.7.1v1` → `MS.AAD.7.1`,
/// `GWS.DRIVEDOCS.1.1vM` → `GWS.DRIVEDOCS.1.1`. The peers ship one policy under several
/// versions (ScubaGoggles' test cases say `vM` where its results say `v1`; ScubaGear moves a
/// policy to `v2` when its wording changes), so a table maps every version of an id.
pub fn unversioned(id: &str) -> &str {
    match id.rfind('v') {
        Some(i)
            if i > 0
                && id[..i].ends_with(|c: char| c.is_ascii_digit())
                && (id[i + 1..] == *"M"
                    || (!id[i + 1..].is_empty()
                        && id[i + 1..].bytes().all(|b| b.is_ascii_digit()))) =>
        {
            &id[..i]
        }
        _ => id,
    }
}

/// A case where we know we differ from the peer, and why.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KnownDisagreement {
    /// Peer control.
    pub control: String,
    /// Peer test name.
    pub case: String,
    /// Why: our bug not fixed yet, the peer's rule differs on purpose, or data the importer
    /// (or the peer's input) cannot carry.
    pub reason: String,
}

/// A suite's table: peer control id → mapping, and the disagreements we know and explain.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    /// The mapped controls.
    pub controls: BTreeMap<String, Mapping>,
    /// Every disagreement, explained; the conformance test requires this list to be exactly
    /// the disagreements found.
    #[serde(default)]
    pub disagreements: Vec<KnownDisagreement>,
}

impl Table {
    /// The mapping of a peer control in any version the peer shipped, or under an alias.
    pub fn mapping(&self, control: &str) -> Option<&Mapping> {
        let wanted = unversioned(control);
        self.controls.iter().find_map(|(id, m)| {
            (unversioned(id) == wanted || m.aliases.iter().any(|a| unversioned(a) == wanted))
                .then_some(m)
        })
    }

    /// Disagreements found but not listed, and listed ones no longer found.
    pub fn unexplained(&self, result: &SuiteResult) -> (Vec<String>, Vec<String>) {
        let key = |control: &str, case: &str| format!("{control} {case}");
        let listed: std::collections::BTreeSet<String> = self
            .disagreements
            .iter()
            .map(|d| key(&d.control, &d.case))
            .collect();
        let found: std::collections::BTreeSet<String> = result
            .disagreements
            .iter()
            .map(|d| key(&d.control, &d.case))
            .collect();
        (
            found.difference(&listed).cloned().collect(),
            listed.difference(&found).cloned().collect(),
        )
    }
}

impl Table {
    /// Reads `tests/conformance/<suite>.toml`.
    pub fn load(suite: &str) -> Table {
        let path = root().join(format!("tests/conformance/{suite}.toml"));
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_version_of_a_policy_and_its_aliases_find_the_mapping() {
        assert_eq!(unversioned("MS.AAD.7.1v1"), "MS.AAD.7.1");
        assert_eq!(unversioned("GWS.DRIVEDOCS.1.1vM"), "GWS.DRIVEDOCS.1.1");
        assert_eq!(unversioned("MS.AAD.3.2v12"), "MS.AAD.3.2");
        assert_eq!(unversioned("AWS-0057"), "AWS-0057");
        assert_eq!(unversioned("MS.AAD.v"), "MS.AAD.v");
        let table: Table = toml::from_str(
            r#"
            [controls."GWS.DRIVEDOCS.1.1vM"]
            checks = ["sharing.tenant-sharing-level"]
            [controls."MS.SECURITYSUITE.5.1v1"]
            checks = ["logging.saas-audit"]
            aliases = ["MS.DEFENDER.6.1v1"]
            "#,
        )
        .expect("table");
        let checks = |id: &str| table.mapping(id).map(|m| m.checks[0].as_str());
        assert_eq!(
            checks("GWS.DRIVEDOCS.1.1v1"),
            Some("sharing.tenant-sharing-level")
        );
        assert_eq!(
            checks("GWS.DRIVEDOCS.1.1vM"),
            Some("sharing.tenant-sharing-level")
        );
        assert_eq!(checks("MS.DEFENDER.6.1v1"), Some("logging.saas-audit"));
        assert_eq!(checks("MS.SECURITYSUITE.5.1v2"), Some("logging.saas-audit"));
        assert_eq!(checks("GWS.DRIVEDOCS.1.2v1"), None);
    }
}

/// Our answer for one case.
#[derive(Debug, Clone, PartialEq)]
pub enum Ours {
    /// A mapped check failed.
    Fail,
    /// Every mapped check passed.
    Pass,
    /// No mapped check failed, and some could not decide (with their messages).
    NotEvaluable(String),
    /// The case could not be converted or scanned.
    Error(String),
}

impl fmt::Display for Ours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ours::Fail => f.write_str("fail"),
            Ours::Pass => f.write_str("pass"),
            Ours::NotEvaluable(why) => write!(f, "not evaluable ({why})"),
            Ours::Error(why) => write!(f, "error ({why})"),
        }
    }
}

/// The five first-party plugins, loaded once, evaluating snapshots with chosen checks.
pub struct Evaluator {
    plugins: Vec<Arc<LoadedPlugin>>,
    tokio: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
}

impl Default for Evaluator {
    fn default() -> Self {
        Self::new()
    }
}

impl Evaluator {
    /// Builds (or reuses) and loads the first-party plugins.
    pub fn new() -> Evaluator {
        let dir = plugin_dir(&first_party_plugins());
        let rt = Runtime::new(Some(&root().join("target/e2e-cache"))).expect("runtime");
        Evaluator {
            plugins: load_all(&rt, dir.path()),
            tokio: tokio_rt(),
            _dir: dir,
        }
    }

    /// Runs only `mapping`'s checks, with its parameters, on `snapshot` at `now`.
    pub fn evaluate(
        &self,
        snapshot: Snapshot,
        now: i64,
        mapping: &Mapping,
        resource: Option<&str>,
    ) -> Ours {
        let mut config = Config::default();
        for p in &self.plugins {
            for c in &p.info.checks {
                let wanted = mapping.checks.contains(&c.id);
                config.checks.insert(
                    c.id.clone(),
                    CheckConfig {
                        enabled: Some(wanted),
                        params: mapping.params.get(&c.id).cloned().unwrap_or_default(),
                        ..CheckConfig::default()
                    },
                );
            }
        }
        let session = Session::new(self.plugins.clone(), config);
        let request = ScanRequest {
            target: ScanTarget::new(snapshot, "conformance"),
            now,
            jobs: 1,
            baseline: None,
            gate: Gate::default(),
        };
        let report = match self.tokio.block_on(session.scan_async(request, None)) {
            Ok(outcome) => outcome.report,
            Err(e) => return Ours::Error(e.to_string()),
        };
        if let Some(run) = report.plugins.iter().find(|r| r.error.is_some()) {
            return Ours::Error(format!("{}: {:?}", run.name, run.error));
        }
        // Any failing finding in scope fails the case; not-evaluable ones leave it undecided.
        // No finding at all in scope means nothing in the input is in the checks' scope (a
        // check with missing data says so with a not-evaluable finding), so nothing fails.
        let mut undecided = Vec::new();
        let in_scope = |id: &str| resource.is_none_or(|r| id.contains(r));
        for f in report.findings.iter().filter(|f| in_scope(&f.resource.id)) {
            match f.status {
                Status::Fail => return Ours::Fail,
                Status::Pass => {}
                Status::NotEvaluable | Status::Error => {
                    undecided.push(format!("{}: {}", f.check_id, f.message));
                }
            }
        }
        if undecided.is_empty() {
            Ours::Pass
        } else {
            Ours::NotEvaluable(undecided.join("; "))
        }
    }
}

/// One case where we and the peer differ.
pub struct Disagreement {
    /// Peer control.
    pub control: String,
    /// Peer test name.
    pub case: String,
    /// The peer's answer.
    pub peer_fails: bool,
    /// Ours.
    pub ours: Ours,
}

/// A suite's outcome.
pub struct SuiteResult {
    /// Suite name.
    pub name: String,
    /// Cases read.
    pub cases: usize,
    /// Cases whose control is mapped.
    pub covered: usize,
    /// Covered cases where we agree.
    pub agreeing: usize,
    /// Covered cases where we differ.
    pub disagreements: Vec<Disagreement>,
    /// Cases per unmapped control.
    pub not_covered: BTreeMap<String, usize>,
    /// Covered cases per mapped control: (cases, agreeing).
    pub per_control: BTreeMap<String, (usize, usize)>,
}

impl SuiteResult {
    /// Agreement on covered cases, in percent (100 when nothing is covered).
    pub fn agreement(&self) -> f64 {
        if self.covered == 0 {
            return 0.0;
        }
        100.0 * self.agreeing as f64 / self.covered as f64
    }
}

/// Replays `cases` against `table`.
pub fn run_suite(name: &str, table: &Table, cases: Vec<Case>, eval: &Evaluator) -> SuiteResult {
    let mut result = SuiteResult {
        name: name.to_string(),
        cases: cases.len(),
        covered: 0,
        agreeing: 0,
        disagreements: Vec::new(),
        not_covered: BTreeMap::new(),
        per_control: BTreeMap::new(),
    };
    for case in cases {
        let Some(mapping) = table.mapping(&case.control) else {
            *result.not_covered.entry(case.control).or_default() += 1;
            continue;
        };
        result.covered += 1;
        let ours = match case.snapshot {
            Ok(s) => eval.evaluate(s, case.now, mapping, case.resource.as_deref()),
            Err(e) => Ours::Error(e),
        };
        let agrees = matches!(
            (&ours, case.peer_fails),
            (Ours::Fail, true) | (Ours::Pass, false)
        );
        let entry = result.per_control.entry(case.control.clone()).or_default();
        entry.0 += 1;
        if agrees {
            entry.1 += 1;
            result.agreeing += 1;
        } else {
            result.disagreements.push(Disagreement {
                control: case.control,
                case: case.name,
                peer_fails: case.peer_fails,
                ours,
            });
        }
    }
    result
}

impl fmt::Display for SuiteResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}: {} cases, {} covered, {} agreeing ({:.1} %), {} not covered ({} controls)",
            self.name,
            self.cases,
            self.covered,
            self.agreeing,
            self.agreement(),
            self.cases - self.covered,
            self.not_covered.len()
        )?;
        for (control, (n, ok)) in &self.per_control {
            writeln!(f, "  {control:<28} {ok}/{n}")?;
        }
        for d in &self.disagreements {
            let case = if d.case == d.control {
                String::new()
            } else {
                format!(" {}", d.case)
            };
            writeln!(
                f,
                "  DISAGREE {}{case}: peer {}, ours {}",
                d.control,
                if d.peer_fails { "fail" } else { "pass" },
                d.ours
            )?;
        }
        Ok(())
    }
}
