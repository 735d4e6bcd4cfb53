//! CISA's ScubaGear (Microsoft 365) and ScubaGoggles (Google Workspace) cases: each case's
//! input is a fragment of the tool's provider export; it is written to a file (with the
//! byte-order mark ScubaGear's PowerShell writes) and read by our importer, exactly as a real
//! export would be. The peer's answer for a control is its `RequirementMet`.

use super::{Case, realdata};
use posture::import::{self, Options, Source};
use serde_json::Value;
use std::path::Path;

/// The evaluation time of the cases (they carry none; no Scuba control mapped here is
/// time-relative).
pub const NOW: &str = "2026-11-22T11:33:00Z";

/// The account id given to the importer (the fragments do not name their tenant).
pub const TENANT: &str = "tenant.example";

/// Reads one JSON-lines suite and converts every (case, control) pair with `source`.
pub fn cases(file: &Path, source: Source) -> Vec<Case> {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let now = posture::snapshot::time::parse(NOW).expect("NOW parses");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut out = Vec::new();
    for (n, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let case: Value = serde_json::from_str(line).expect("a JSON case per line");
        let export = dir.path().join(format!("case-{n}.json"));
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(serde_json::to_vec(&case["input"]).expect("serialise"));
        std::fs::write(&export, bytes).expect("write export");
        let options = Options {
            captured_at: Some(now),
            account: Some(TENANT.into()),
        };
        let snapshot = import::import(source, &export, &options).map_err(|e| format!("{e:#}"));
        let name = format!(
            "{}::{}",
            case["file"].as_str().unwrap_or("?"),
            case["test"].as_str().unwrap_or("?")
        );
        let expected = case["expected"].as_array().cloned().unwrap_or_default();
        for control in case["policy_ids"].as_array().into_iter().flatten() {
            let control = control.as_str().unwrap_or("?").to_string();
            let results: Vec<&Value> = expected
                .iter()
                .filter(|e| e["PolicyId"].as_str() == Some(control.as_str()))
                .collect();
            out.push(Case {
                name: name.clone(),
                snapshot: snapshot.clone(),
                now,
                peer_fails: results
                    .iter()
                    .any(|r| r["RequirementMet"] == Value::Bool(false))
                    || results.is_empty(),
                control,
                resource: None,
            });
        }
    }
    out
}

/// Every ScubaGear case (all products; those we do not map count as not covered).
pub fn scubagear_cases() -> Vec<Case> {
    let dir = realdata().join("conformance/scubagear");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|f| cases(f, Source::Scubagear))
        .collect()
}

/// Every ScubaGoggles case (all products; those we do not map count as not covered).
pub fn scubagoggles_cases() -> Vec<Case> {
    cases(
        &realdata().join("conformance/scubagoggles_cases.jsonl"),
        Source::Scubagoggles,
    )
}
