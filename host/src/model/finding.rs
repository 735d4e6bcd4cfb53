//! Findings: what a plugin returned ([`RawFinding`]), the finished finding of a report
//! ([`Finding`]) with the waiver that accepts it, and why a plugin produced none
//! ([`FailureKind`], [`PluginFailure`]).

use super::{Severity, Status};
use serde::{Deserialize, Serialize};

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
    pub waiver: Option<Waiver>,
}

/// What a plugin returned for one finding, validated but not yet decorated with defaults.
#[derive(Debug, Clone)]
pub struct RawFinding {
    /// Check id (one of the requested ones).
    pub check_id: String,
    /// Outcome.
    pub status: Status,
    /// Resource.
    pub resource: ResourceRef,
    /// Message.
    pub message: String,
    /// Severity chosen by the plugin for this finding, if any.
    pub severity: Option<Severity>,
    /// Evidence.
    pub evidence: Vec<Evidence>,
}

/// One accepted risk as written in the waivers file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    /// Check id the waiver applies to.
    pub check: String,
    /// Glob over the resource id (`*`, `?`, `[...]`).
    pub resource: String,
    /// Restricts the waiver to one account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// Why the risk is accepted.
    pub reason: String,
    /// Who accepted it.
    pub owner: String,
    /// Tracking ticket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// Last day the waiver applies (`YYYY-MM-DD`, inclusive, UTC).
    pub expires: String,
}

/// Which limit or fault ended an evaluation.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum FailureKind {
    /// The plugin could not be loaded (invalid, incompatible, conflicting).
    Load,
    /// The wall-clock deadline passed.
    Deadline,
    /// The memory cap was hit.
    MemoryLimit,
    /// Too many findings or bytes returned.
    OutputLimit,
    /// The plugin trapped (panic, stack overflow, …).
    Trap,
    /// The plugin broke the contract (undeclared read, …).
    ContractViolation,
    /// The returned findings are malformed.
    InvalidOutput,
    /// The plugin returned its own error.
    Reported,
}

/// Why an evaluation produced no findings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct PluginFailure {
    /// The category.
    pub kind: FailureKind,
    /// A sentence saying what happened, e.g. which limit was hit.
    pub message: String,
}
