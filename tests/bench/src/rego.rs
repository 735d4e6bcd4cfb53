//! Arm (c): regorus, the Rust Rego engine, evaluating `policies/posture.rego` (five of
//! posture's checks written in Rego) over the same snapshot JSON.

/// The checks `policies/posture.rego` implements.
pub const CHECKS: [&str; 5] = [
    "iam.admin-mfa",
    "iam.user-mfa",
    "iam.stale-accounts",
    "sharing.link-shares",
    "sharing.public-storage",
];

/// The policy text.
/// The policy text.
pub const POLICY: &str = include_str!("../policies/posture.rego");

/// One decision of the Rego policy.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Deserialize)]
pub struct Decision {
    /// Check id.
    pub check: String,
    /// Resource id.
    pub id: String,
    /// `pass`, `fail` or `not-evaluable`.
    pub status: String,
}

/// The rule holding the findings.
pub const RULE: &str = "data.posture.findings";

/// An engine with the policy loaded and `data.now` set.
pub fn engine(now: i64) -> anyhow::Result<regorus::Engine> {
    let mut engine = regorus::Engine::new();
    engine.add_policy("posture.rego".to_string(), POLICY.to_string())?;
    engine.add_data_json(&format!("{{\"now\": {now}}}"))?;
    Ok(engine)
}

/// Evaluates the policy over `snapshot_json` at `now`; returns the findings as JSON text.
pub fn evaluate(snapshot_json: &str, now: i64) -> anyhow::Result<String> {
    let mut engine = engine(now)?;
    engine.set_input_json(snapshot_json)?;
    engine.eval_rule(RULE.to_string())?.to_json_str()
}

/// The decisions in `findings_json` (as [`evaluate`] returns it).
pub fn decisions(findings_json: &str) -> anyhow::Result<Vec<Decision>> {
    let mut d: Vec<Decision> = serde_json::from_str(findings_json)?;
    d.sort();
    Ok(d)
}
