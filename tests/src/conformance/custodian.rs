//! Cloud Custodian's recorded AWS responses (`cloud-custodian/placebo`, boto3 `{status_code,
//! data}` per call) replayed through `posture import aws`: each covered case's responses are
//! written into our export layout and imported exactly like a collected export. Which
//! responses, which checks, which resource and the verdict derived from Custodian's assertion
//! are in `tests/conformance/custodian.toml`.

use super::{Case, Mapping, Table, realdata};
use posture::import::{self, Options, Source};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// The AWS account of the recordings.
const ACCOUNT: &str = "644160558196";

/// The evaluation time when a case pins none.
const NOW: &str = "2026-11-22T11:33:00Z";

/// `tests/conformance/custodian.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Covered cases.
    pub cases: Vec<CoveredCase>,
    /// Cases not covered, with the reason.
    pub not_covered: Vec<NotCovered>,
    /// Disagreements, explained.
    #[serde(default)]
    pub disagreements: Vec<super::KnownDisagreement>,
}

/// One covered policy of one Custodian test.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoveredCase {
    /// `source` in cases.json.
    pub source: String,
    /// Index of the policy in the test (default 0).
    #[serde(default)]
    pub policy: usize,
    /// Export path → recorded response file.
    pub files: BTreeMap<String, String>,
    /// Our checks.
    pub checks: Vec<String>,
    /// Parameters per check.
    #[serde(default)]
    pub params: BTreeMap<String, BTreeMap<String, toml::Value>>,
    /// Compare only findings on resources whose id contains this.
    #[serde(default)]
    pub resource: Option<String>,
    /// Evaluation time (the test's frozen clock), RFC 3339.
    #[serde(default)]
    pub now: Option<String>,
    /// The peer's verdict.
    pub peer_fails: bool,
    /// How the verdict follows from the test's assertion.
    pub derivation: String,
}

/// A test (all its policies) not covered.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotCovered {
    /// `source` in cases.json.
    pub source: String,
    /// Why.
    pub reason: String,
}

impl Spec {
    /// Reads the spec.
    pub fn load() -> Spec {
        let path = crate::root().join("tests/conformance/custodian.toml");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// The control id of a covered case.
    fn control(source: &str, policy: usize) -> String {
        format!("{source} #{policy}")
    }

    /// The suite's table: one control per covered case.
    pub fn table(&self) -> Table {
        Table {
            controls: self
                .cases
                .iter()
                .map(|c| {
                    (
                        Self::control(&c.source, c.policy),
                        Mapping {
                            checks: c.checks.clone(),
                            params: c.params.clone(),
                            note: c.derivation.clone(),
                            aliases: Vec::new(),
                        },
                    )
                })
                .collect(),
            disagreements: self.disagreements.clone(),
        }
    }
}

/// boto3's JSON encoding of a datetime (`{"__class__": "datetime", "year": …}`) → RFC 3339,
/// as the AWS CLI prints it; everything else unchanged.
fn cli_json(v: Value) -> Value {
    match v {
        Value::Object(o) if o.get("__class__").and_then(Value::as_str) == Some("datetime") => {
            let n = |k: &str| o.get(k).and_then(Value::as_i64).unwrap_or(0);
            Value::String(format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+00:00",
                n("year"),
                n("month"),
                n("day"),
                n("hour"),
                n("minute"),
                n("second")
            ))
        }
        Value::Object(o) => Value::Object(
            o.into_iter()
                .filter(|(k, _)| k != "ResponseMetadata")
                .map(|(k, v)| (k, cli_json(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(cli_json).collect()),
        other => other,
    }
}

/// One recorded response as the file our layout holds: the data, or `{"Error": …}`.
fn export_file(recorded: &Path) -> Vec<u8> {
    let text =
        std::fs::read_to_string(recorded).unwrap_or_else(|e| panic!("{}: {e}", recorded.display()));
    let r: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", recorded.display()));
    let status = r["status_code"].as_i64().unwrap_or(200);
    let data = cli_json(r["data"].clone());
    let body = if status >= 400 {
        let error = data.get("Error").cloned().unwrap_or_else(|| {
            serde_json::json!({"Code": status.to_string(), "Message": "recorded without a body"})
        });
        serde_json::json!({ "Error": error })
    } else {
        data
    };
    serde_json::to_vec_pretty(&body).expect("serialise")
}

fn convert(dir: &Path, case: &CoveredCase) -> Result<posture::snapshot::Snapshot, String> {
    let placebo = realdata().join("cloud-custodian/placebo").join(dir);
    let export = tempfile::tempdir().map_err(|e| e.to_string())?;
    for (path, recorded) in &case.files {
        let target = export.path().join(path);
        std::fs::create_dir_all(target.parent().expect("a parent")).map_err(|e| e.to_string())?;
        std::fs::write(&target, export_file(&placebo.join(recorded))).map_err(|e| e.to_string())?;
    }
    let now = posture::snapshot::time::parse(NOW).expect("NOW parses");
    let options = Options {
        captured_at: Some(now),
        account: Some(ACCOUNT.into()),
    };
    import::import(Source::Aws, export.path(), &options).map_err(|e| {
        let mut text = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            text.push_str(&format!(": {s}"));
            source = s.source();
        }
        text
    })
}

/// Every policy of every test in cases.json: converted when covered, counted as not covered
/// when listed so. Panics when a test is neither, or when the spec names a test that
/// cases.json does not have.
pub fn cases(spec: &Spec) -> Vec<Case> {
    let path = realdata().join("cloud-custodian/cases.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let tests: Vec<Value> = serde_json::from_str(&text).expect("cases.json is a list");
    let mut out = Vec::new();
    let mut used = 0;
    for test in &tests {
        let source = test["source"].as_str().unwrap_or("?");
        let dir = test["placebo_dir"].as_str().unwrap_or("?");
        let policies = test["policies"].as_array().map_or(1, Vec::len);
        let not_covered = spec.not_covered.iter().any(|n| n.source == source);
        for policy in 0..policies {
            let covered = spec
                .cases
                .iter()
                .find(|c| c.source == source && c.policy == policy);
            let control = Spec::control(source, policy);
            match covered {
                Some(c) => {
                    used += 1;
                    let now = c.now.as_deref().unwrap_or(NOW);
                    out.push(Case {
                        name: control.clone(),
                        control,
                        snapshot: convert(Path::new(dir), c),
                        now: posture::snapshot::time::parse(now).expect("`now` parses"),
                        peer_fails: c.peer_fails,
                        resource: c.resource.clone(),
                    });
                }
                None => {
                    assert!(
                        not_covered,
                        "{control}: neither covered nor listed as not covered in custodian.toml"
                    );
                    out.push(Case {
                        name: control.clone(),
                        control: format!("{source} (not covered)"),
                        snapshot: Err("not covered".into()),
                        now: 0,
                        peer_fails: false,
                        resource: None,
                    });
                }
            }
        }
    }
    assert_eq!(
        used,
        spec.cases.len(),
        "custodian.toml covers a policy cases.json does not have"
    );
    out
}
