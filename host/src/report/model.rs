//! The report of one scan (`posture.report/v1`): a versioned, deterministic model of
//! everything a scan established (plugins run, checks, findings, summaries). For the same
//! snapshot, plugins, configuration and `now`, its JSON is byte-identical whatever the
//! scheduling.

use crate::model::{Control, FailureKind, Finding, Severity, Status, Verdict, Waiver};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Identifier of the report format.
pub const REPORT_SCHEMA: &str = "posture.report/v1";

/// Renders Unix seconds as RFC 3339 UTC.
pub fn rfc3339(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_else(|| secs.to_string())
}

/// Counts of findings by status.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct StatusCounts {
    /// Passing.
    pub pass: usize,
    /// Failing.
    pub fail: usize,
    /// Not evaluable.
    pub not_evaluable: usize,
    /// Errors.
    pub error: usize,
}

impl StatusCounts {
    pub(crate) fn add(&mut self, s: Status) {
        match s {
            Status::Pass => self.pass += 1,
            Status::Fail => self.fail += 1,
            Status::NotEvaluable => self.not_evaluable += 1,
            Status::Error => self.error += 1,
        }
    }

    /// Total findings.
    pub fn total(&self) -> usize {
        self.pass + self.fail + self.not_evaluable + self.error
    }
}

/// Why a plugin produced no findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PluginError {
    /// Which limit or fault.
    pub kind: FailureKind,
    /// What happened.
    pub message: String,
}

/// One plugin's part in the scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PluginRun {
    /// Plugin name.
    pub name: String,
    /// Plugin version.
    pub version: String,
    /// Vendor.
    pub vendor: String,
    /// sha256 of the component.
    pub digest: String,
    /// Checks it was asked to run.
    pub checks: Vec<String>,
    /// Findings it returned.
    pub findings: usize,
    /// Set when the plugin failed; its checks then have no findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<PluginError>,
}

/// A check that ran, with its result counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CheckResult {
    /// Check id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Domain.
    pub domain: String,
    /// Plugin.
    pub plugin: String,
    /// Effective default severity.
    pub severity: Severity,
    /// Controls evidenced.
    pub controls: Vec<Control>,
    /// Remediation text.
    pub remediation: String,
    /// Findings by status.
    pub counts: StatusCounts,
    /// Whether its plugin failed (no findings could be produced).
    pub plugin_failed: bool,
}

/// A check that did not run: it applies only to some providers, and the snapshot covers no
/// account of any of them. Listed once, instead of findings that would read as gaps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NotApplicable {
    /// Check id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Domain.
    pub domain: String,
    /// Plugin.
    pub plugin: String,
    /// The providers the check applies to (`aws`, `m365`, …), sorted.
    pub providers: Vec<String>,
}

/// The scanned snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SnapshotSummary {
    /// Where it was read from.
    pub origin: String,
    /// When it was captured.
    pub captured_at: String,
    /// Accounts covered, as `provider:id`.
    pub accounts: Vec<String>,
}

/// Aggregates.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Summary {
    /// All findings by status.
    pub total: StatusCounts,
    /// By domain.
    pub by_domain: BTreeMap<String, StatusCounts>,
    /// Failing findings by severity.
    pub failing_by_severity: BTreeMap<Severity, usize>,
    /// Plugins that failed.
    pub plugins_failed: usize,
    /// Failing findings accepted by a waiver (counted in `total.fail` too).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub waived: usize,
    /// Checks not run because the snapshot covers no account of the providers they apply
    /// to: the length of the report's `not_applicable`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub not_applicable: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The report of one scan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Report {
    /// Always [`REPORT_SCHEMA`].
    pub schema: String,
    /// Version of posture that produced it.
    pub posture_version: String,
    /// Contract version of the host.
    pub contract_version: String,
    /// The evaluation's "now".
    pub now: String,
    /// The snapshot.
    pub snapshot: SnapshotSummary,
    /// Plugins, by name.
    pub plugins: Vec<PluginRun>,
    /// Checks, by id.
    pub checks: Vec<CheckResult>,
    /// Checks that did not run because the snapshot covers no account of the providers they
    /// apply to, by id; absent when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_applicable: Vec<NotApplicable>,
    /// Findings: by check id, then account, resource id, status and message.
    pub findings: Vec<Finding>,
    /// Aggregates.
    pub summary: Summary,
    /// What the waivers file did, when one was used.
    #[serde(default, skip_serializing_if = "WaiverSummary::is_empty")]
    pub waivers: WaiverSummary,
    /// sha256 digests of what the run read (snapshot, configuration, waivers), when known.
    #[serde(default, skip_serializing_if = "InputDigests::is_empty")]
    pub inputs: InputDigests,
    /// Administrators and administrative grants in the snapshot (for `posture diff`).
    #[serde(
        default,
        skip_serializing_if = "super::inventory::PrivilegeInventory::is_empty"
    )]
    pub privileges: super::inventory::PrivilegeInventory,
}

impl Report {
    /// The verdict of this report: [`Verdict::Error`] if a plugin (or a check) errored, else
    /// [`Verdict::Fail`] if a failing finding that no waiver accepts is at or above `fail_on`,
    /// else [`Verdict::Pass`]. `fail_on = None` never fails.
    pub fn verdict(&self, fail_on: Option<Severity>) -> Verdict {
        if self.summary.plugins_failed > 0 || self.summary.total.error > 0 {
            return Verdict::Error;
        }
        if let Some(threshold) = fail_on
            && self
                .findings
                .iter()
                .any(|f| f.status == Status::Fail && f.waiver.is_none() && f.severity >= threshold)
        {
            return Verdict::Fail;
        }
        Verdict::Pass
    }
}

/// What the waivers did to a report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WaiverSummary {
    /// Failing findings marked as waived.
    pub applied: usize,
    /// Waivers past their expiry date (not applied).
    pub expired: Vec<Waiver>,
    /// Active waivers that matched no failing finding.
    pub unused: Vec<Waiver>,
}

impl WaiverSummary {
    /// True when no waivers file was used or nothing happened.
    pub fn is_empty(&self) -> bool {
        self.applied == 0 && self.expired.is_empty() && self.unused.is_empty()
    }
}

/// sha256 digests (hex) of what a run read; the plugins' digests are in `plugins`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct InputDigests {
    /// The snapshot file's bytes (or, for an export imported in memory, the snapshot's JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot_sha256: Option<String>,
    /// The configuration file, when one was used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_sha256: Option<String>,
    /// The waivers file, when one was used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waivers_sha256: Option<String>,
}

impl InputDigests {
    /// True when no digest is known.
    pub fn is_empty(&self) -> bool {
        self.snapshot_sha256.is_none()
            && self.config_sha256.is_none()
            && self.waivers_sha256.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::build::test_support::{admin_mfa_finding as finding, report_of, waiver};

    #[test]
    fn a_failure_fails_at_or_above_the_threshold_only() {
        let r = report_of(vec![finding(Status::Fail, Severity::Medium, "u1")]);
        assert_eq!(r.verdict(Some(Severity::Low)), Verdict::Fail);
        assert_eq!(r.verdict(Some(Severity::Medium)), Verdict::Fail);
        assert_eq!(r.verdict(Some(Severity::High)), Verdict::Pass);
        assert_eq!(r.verdict(None), Verdict::Pass, "no threshold never fails");
    }

    #[test]
    fn waived_failures_and_other_statuses_do_not_fail() {
        let mut r = report_of(vec![
            finding(Status::Fail, Severity::Critical, "u1"),
            finding(Status::NotEvaluable, Severity::Critical, "u2"),
            finding(Status::Pass, Severity::Critical, "u3"),
        ]);
        assert_eq!(r.verdict(Some(Severity::Info)), Verdict::Fail);
        let fail = r
            .findings
            .iter_mut()
            .find(|f| f.status == Status::Fail)
            .expect("fail");
        fail.waiver = Some(waiver());
        assert_eq!(r.verdict(Some(Severity::Info)), Verdict::Pass);
    }

    #[test]
    fn an_error_finding_or_a_failed_plugin_is_an_error_whatever_the_threshold() {
        let r = report_of(vec![
            finding(Status::Fail, Severity::Critical, "u1"),
            finding(Status::Error, Severity::Info, "u2"),
        ]);
        assert_eq!(r.verdict(Some(Severity::Info)), Verdict::Error);
        assert_eq!(r.verdict(None), Verdict::Error);
        let mut r = report_of(vec![finding(Status::Pass, Severity::Low, "u1")]);
        assert_eq!(r.verdict(None), Verdict::Pass);
        r.summary.plugins_failed = 1;
        assert_eq!(r.verdict(None), Verdict::Error);
    }
}
