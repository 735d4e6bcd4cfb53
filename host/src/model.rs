//! The host's own view of plugin metadata and findings: plain serialisable types that the
//! scan, the configuration and the reports share, independent of the WIT bindings.

use crate::snapshot::EntityKind;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How bad a failing finding is, ordered from least to most severe.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Informational.
    Info,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// All severities, least severe first.
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!("unknown severity `{s}` (expected info, low, medium, high or critical)")
            })
    }
}

/// Outcome of a check on one resource.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Fails the control.
    Fail,
    /// The check could not run.
    Error,
    /// Data missing: cannot be decided.
    NotEvaluable,
    /// Meets the control.
    Pass,
}

impl Status {
    /// All statuses, in report order.
    pub const ALL: [Status; 4] = [
        Status::Fail,
        Status::Error,
        Status::NotEvaluable,
        Status::Pass,
    ];

    /// Kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::NotEvaluable => "not-evaluable",
            Status::Error => "error",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A compliance control.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct Control {
    /// Framework, e.g. `soc2`, `iso27001`.
    pub framework: String,
    /// Control id, e.g. `CC6.1`.
    pub id: String,
}

/// A parameter value (also its type).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ParamValue {
    /// Whole number.
    Integer(i64),
    /// Real number.
    Number(f64),
    /// Text.
    Text(String),
    /// Boolean.
    Flag(bool),
    /// List of texts.
    TextList(Vec<String>),
}

impl ParamValue {
    /// Name of the value's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            ParamValue::Integer(_) => "integer",
            ParamValue::Number(_) => "number",
            ParamValue::Text(_) => "text",
            ParamValue::Flag(_) => "boolean",
            ParamValue::TextList(_) => "list of texts",
        }
    }
}

impl fmt::Display for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamValue::Integer(v) => write!(f, "{v}"),
            ParamValue::Number(v) => write!(f, "{v}"),
            ParamValue::Text(v) => write!(f, "{v:?}"),
            ParamValue::Flag(v) => write!(f, "{v}"),
            ParamValue::TextList(v) => write!(f, "{v:?}"),
        }
    }
}

/// A check parameter and its default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParamSpec {
    /// Name used in configuration.
    pub name: String,
    /// Meaning and unit.
    pub description: String,
    /// Default value; fixes the type.
    pub default: ParamValue,
}

/// Metadata of one check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckInfo {
    /// Stable id.
    pub id: String,
    /// Title.
    pub title: String,
    /// What it inspects.
    pub description: String,
    /// Default severity of failures.
    pub default_severity: Severity,
    /// Domain (iam, logging, …).
    pub domain: String,
    /// Why it matters.
    pub rationale: String,
    /// How to fix.
    pub remediation: String,
    /// Controls evidenced.
    pub controls: Vec<Control>,
    /// Parameters.
    pub params: Vec<ParamSpec>,
    /// Entity kinds read.
    pub reads: Vec<EntityKind>,
}

/// A plugin's self-description.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PluginInfo {
    /// Unique name.
    pub name: String,
    /// Plugin version.
    pub version: String,
    /// Vendor.
    pub vendor: String,
    /// Contract version it was built for.
    pub contract_version: String,
    /// Its checks.
    pub checks: Vec<CheckInfo>,
}

/// What a finding is about.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct ResourceRef {
    /// Kind of resource.
    pub kind: String,
    /// Id in the snapshot.
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The resource's tags, copied by the host from the snapshot (plugins cannot set them);
    /// owner rules of the action plan match on them.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub tags: std::collections::BTreeMap<String, String>,
}

/// A value that decided a finding.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct Evidence {
    /// Name.
    pub key: String,
    /// Value as text.
    pub value: String,
    /// JSON pointer into the snapshot.
    pub path: String,
}

/// One result of one check on one resource, as reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Finding {
    /// Check id.
    pub check_id: String,
    /// Plugin that produced it.
    pub plugin: String,
    /// Domain of the check.
    pub domain: String,
    /// Outcome.
    pub status: Status,
    /// Effective severity (finding's own, else configured, else the check's default).
    pub severity: Severity,
    /// The resource.
    pub resource: ResourceRef,
    /// Message.
    pub message: String,
    /// Evidence.
    pub evidence: Vec<Evidence>,
    /// The waiver that accepts this failure, if one applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<crate::waiver::Waiver>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_parses_case_insensitively_and_orders() {
        assert_eq!("HIGH".parse::<Severity>(), Ok(Severity::High));
        assert!("urgent".parse::<Severity>().is_err());
        assert!(Severity::Critical > Severity::High);
        assert!(Severity::Info < Severity::Low);
    }
}
