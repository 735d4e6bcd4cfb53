//! The scan report: a versioned, deterministic model of everything a scan established
//! (plugins run, checks, findings, summaries), and its renderings ([`text`], JSON).
//!
//! The JSON form is the archive format: `posture.report/v1`. For the same snapshot,
//! plugins, configuration and `now`, it is byte-identical whatever the scheduling.

pub mod csv;
pub mod html;
pub mod inventory;
pub mod junit;
pub mod markdown;
pub mod ocsf;
pub mod sarif;
pub mod text;

use crate::config::Config;
use crate::model::{CheckInfo, Control, Finding, Severity, Status};
use crate::runtime::FailureKind;
use crate::scan::Planned;
use crate::snapshot::Snapshot;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Identifier of the report format.
pub const REPORT_SCHEMA: &str = "posture.report/v1";

/// The renderings of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human text (default).
    Text,
    /// The archive format, `posture.report/v1`.
    Json,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
    /// JUnit XML, for CI test reports.
    Junit,
    /// CSV, one row per finding.
    Csv,
    /// Markdown, for pull requests and wikis.
    Markdown,
    /// OCSF 1.4.0 events (Detection Finding and Compliance Finding), for SIEMs and data lakes.
    Ocsf,
    /// Self-contained HTML page with inline SVG charts, for auditors.
    Html,
    /// Action plan as Markdown: failing findings with priority, owner and due date, by owner.
    Actions,
    /// Action plan as CSV, one row per action (for a tracker import).
    ActionsCsv,
}

/// What some renderings need besides the report.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Owners and SLAs for the action plan.
    pub actions: crate::actions::ActionPolicy,
    /// Terminal options for the text rendering.
    pub text: text::TextOptions,
}

/// Renders `report` in `format` with default options.
pub fn render(report: &Report, format: Format) -> String {
    render_with(report, format, &RenderOptions::default())
}

/// Renders `report` in `format`.
pub fn render_with(report: &Report, format: Format, opts: &RenderOptions) -> String {
    match format {
        Format::Text => text::render_with(report, &opts.text),
        Format::Actions => opts.actions.plan(report).to_markdown(),
        Format::ActionsCsv => opts
            .actions
            .plan(report)
            .to_csv()
            .unwrap_or_else(|e| format!("error: {e}\n")),
        Format::Json => report.to_json(),
        Format::Sarif => sarif::render(report),
        Format::Junit => junit::render(report),
        Format::Csv => csv::render(report),
        Format::Markdown => markdown::render(report),
        Format::Ocsf => ocsf::render(report),
        Format::Html => html::render(report),
    }
}

/// Why a saved report could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be read.
    #[error("{path}: cannot read report")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Not a posture report of a supported version.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: std::path::PathBuf,
        /// What is wrong (with the JSON path).
        message: String,
    },
}

/// Reads a JSON report written by `scan --format json`.
pub fn read(path: &std::path::Path) -> Result<Report, ReadError> {
    let bytes = crate::input::read(path).map_err(|source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    from_slice(&bytes, path)
}

/// Parses a JSON report; `path` names it in errors.
pub fn from_slice(bytes: &[u8], path: &std::path::Path) -> Result<Report, ReadError> {
    let invalid = |message: String| ReadError::Invalid {
        path: path.to_path_buf(),
        message,
    };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let report: Report = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| invalid(format!("{}: {}", e.path(), e.inner())))?;
    de.end().map_err(|e| invalid(e.to_string()))?;
    if report.schema != REPORT_SCHEMA {
        return Err(invalid(format!(
            "report schema `{}` is not supported (expected `{REPORT_SCHEMA}`)",
            report.schema
        )));
    }
    Ok(report)
}

/// The JSON Schema of [`Report`] (`posture.report/v1`), committed as
/// `host/schema/report-v1.schema.json` and printed by `posture schema --report`.
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Report)).unwrap_or(serde_json::Value::Null)
}

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
    fn add(&mut self, s: Status) {
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
    /// Findings: by check id, then account, resource id, status and message.
    pub findings: Vec<Finding>,
    /// Aggregates.
    pub summary: Summary,
    /// What the waivers file did, when one was used.
    #[serde(
        default,
        skip_serializing_if = "crate::waiver::WaiverSummary::is_empty"
    )]
    pub waivers: crate::waiver::WaiverSummary,
    /// Administrators and administrative grants in the snapshot (for `posture diff`).
    #[serde(
        default,
        skip_serializing_if = "inventory::PrivilegeInventory::is_empty"
    )]
    pub privileges: inventory::PrivilegeInventory,
}

impl Report {
    /// Assembles a report; sorts everything so the result does not depend on scheduling.
    pub fn build(
        snapshot: &Snapshot,
        origin: String,
        now: i64,
        config: &Config,
        runs: Vec<(Planned, PluginRun)>,
        mut findings: Vec<Finding>,
    ) -> Report {
        // A total order over every field, so that findings equal on the leading fields cannot
        // keep the (scheduling-dependent) input order.
        inventory::attach_tags(snapshot, &mut findings);
        // The key is total, so an unstable sort gives the same order (and is faster).
        findings.sort_unstable_by(|a, b| finding_key(a).cmp(&finding_key(b)));
        let mut checks = Vec::new();
        let mut plugins = Vec::new();
        for (planned, run) in runs {
            for id in &run.checks {
                let Some(meta) = planned.plugin.info.checks.iter().find(|c| &c.id == id) else {
                    continue;
                };
                checks.push(check_result(meta, &run, config, &findings));
            }
            plugins.push(run);
        }
        plugins.sort_by(|a, b| a.name.cmp(&b.name));
        checks.sort_by(|a, b| a.id.cmp(&b.id));
        let mut summary = Summary {
            plugins_failed: plugins.iter().filter(|p| p.error.is_some()).count(),
            ..Summary::default()
        };
        for f in &findings {
            summary.total.add(f.status);
            summary
                .by_domain
                .entry(f.domain.clone())
                .or_default()
                .add(f.status);
            if f.status == Status::Fail {
                *summary.failing_by_severity.entry(f.severity).or_default() += 1;
            }
        }
        Report {
            schema: REPORT_SCHEMA.into(),
            posture_version: env!("CARGO_PKG_VERSION").into(),
            contract_version: crate::runtime::CONTRACT_VERSION.into(),
            now: rfc3339(now),
            snapshot: SnapshotSummary {
                origin,
                captured_at: rfc3339(snapshot.captured_at),
                accounts: snapshot
                    .accounts
                    .iter()
                    .map(|a| format!("{}:{}", a.provider, a.id))
                    .collect(),
            },
            plugins,
            checks,
            findings,
            summary,
            waivers: Default::default(),
            privileges: inventory::PrivilegeInventory::of(snapshot),
        }
    }

    /// Process exit code for this report: 3 if a plugin (or a check) errored, else 1 if a
    /// failing finding that no waiver accepts is at or above `fail_on`, else 0.
    /// `fail_on = None` never fails.
    pub fn exit_code(&self, fail_on: Option<Severity>) -> i32 {
        if self.summary.plugins_failed > 0 || self.summary.total.error > 0 {
            return 3;
        }
        if let Some(threshold) = fail_on
            && self
                .findings
                .iter()
                .any(|f| f.status == Status::Fail && f.waiver.is_none() && f.severity >= threshold)
        {
            return 1;
        }
        0
    }

    /// Adds plugins that could not be loaded, as failed runs (sorted in by name).
    pub fn add_refused(&mut self, refused: Vec<PluginRun>) {
        if refused.is_empty() {
            return;
        }
        self.summary.plugins_failed += refused.len();
        self.plugins.extend(refused);
        self.plugins.sort_by(|a, b| a.name.cmp(&b.name));
    }

    /// The JSON rendering (pretty, trailing newline).
    pub fn to_json(&self) -> String {
        let mut s =
            serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
        s.push('\n');
        s
    }
}

/// Sort key of a finding: every field, most significant first.
type FindingKey<'a> = (
    &'a str,
    &'a Option<String>,
    &'a str,
    Status,
    &'a str,
    Severity,
    &'a crate::model::ResourceRef,
    &'a [crate::model::Evidence],
    &'a str,
    &'a str,
);

fn finding_key(f: &Finding) -> FindingKey<'_> {
    (
        &f.check_id,
        &f.resource.account,
        &f.resource.id,
        f.status,
        &f.message,
        f.severity,
        &f.resource,
        &f.evidence,
        &f.plugin,
        &f.domain,
    )
}

fn check_result(
    meta: &CheckInfo,
    run: &PluginRun,
    config: &Config,
    findings: &[Finding],
) -> CheckResult {
    // `findings` is sorted by check id first: the check's findings are one run.
    let start = findings.partition_point(|f| f.check_id < meta.id);
    let end = start + findings[start..].partition_point(|f| f.check_id == meta.id);
    let mut counts = StatusCounts::default();
    for f in &findings[start..end] {
        counts.add(f.status);
    }
    CheckResult {
        id: meta.id.clone(),
        title: meta.title.clone(),
        domain: meta.domain.clone(),
        plugin: run.name.clone(),
        severity: config
            .severity_for(&meta.id)
            .unwrap_or(meta.default_severity),
        controls: meta.controls.clone(),
        remediation: meta.remediation.clone(),
        counts,
        plugin_failed: run.error.is_some(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Evidence, ResourceRef};
    use proptest::prelude::*;

    fn finding(check: u8, res: u8, status: u8, sev: u8) -> Finding {
        Finding {
            check_id: format!("d{}.c{check}", check % 3),
            plugin: "p".into(),
            domain: format!("d{}", check % 3),
            status: Status::ALL[usize::from(status % 4)],
            severity: Severity::ALL[usize::from(sev % 5)],
            resource: ResourceRef {
                kind: "k".into(),
                id: format!("r{res}"),
                display_name: None,
                account: Some("a".into()),
                tags: Default::default(),
            },
            message: format!("m{res}"),
            evidence: vec![Evidence {
                key: "k".into(),
                value: "v".into(),
                path: "/p".into(),
            }],
            waiver: None,
        }
    }

    fn build(findings: Vec<Finding>) -> Report {
        let snap = crate::snapshot::Snapshot::empty();
        Report::build(
            &snap,
            "s.json".into(),
            0,
            &Config::default(),
            Vec::new(),
            findings,
        )
    }

    #[test]
    fn committed_json_schema_is_current() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/report-v1.schema.json");
        let mut current = serde_json::to_string_pretty(&json_schema()).unwrap_or_default();
        current.push('\n');
        if std::env::var_os("POSTURE_BLESS").is_some() {
            std::fs::write(&path, &current).ok();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == current,
            "{} is out of date; regenerate with `POSTURE_BLESS=1 cargo test -p posture --lib report`",
            path.display()
        );
    }

    proptest! {
        #[test]
        fn aggregation_counts_every_finding_and_ignores_input_order(
            raw in proptest::collection::vec((0u8..6, 0u8..20, 0u8..4, 0u8..5), 0..60),
            seed in any::<u64>(),
        ) {
            let findings: Vec<Finding> = raw.iter().map(|&(c, r, s, v)| finding(c, r, s, v)).collect();
            let mut shuffled = findings.clone();
            // Deterministic shuffle from the seed.
            let n = shuffled.len();
            let mut x = seed | 1;
            for i in (1..n).rev() {
                x ^= x << 13; x ^= x >> 7; x ^= x << 17;
                shuffled.swap(i, (x % (i as u64 + 1)) as usize);
            }
            let a = build(findings.clone());
            let b = build(shuffled);
            prop_assert_eq!(a.to_json(), b.to_json());
            prop_assert_eq!(a.summary.total.total(), findings.len());
            let per_domain: usize = a.summary.by_domain.values().map(StatusCounts::total).sum();
            prop_assert_eq!(per_domain, findings.len());
            let fails = findings.iter().filter(|f| f.status == Status::Fail).count();
            prop_assert_eq!(a.summary.failing_by_severity.values().sum::<usize>(), fails);
            prop_assert_eq!(a.summary.total.fail, fails);
            // Exit code: 3 on any error finding, else 1 iff a failure reaches the threshold.
            let has_error = findings.iter().any(|f| f.status == Status::Error);
            for t in Severity::ALL {
                let gate = findings.iter().any(|f| f.status == Status::Fail && f.severity >= t);
                let want = if has_error { 3 } else if gate { 1 } else { 0 };
                prop_assert_eq!(a.exit_code(Some(t)), want);
            }
            prop_assert_eq!(a.exit_code(None), if has_error { 3 } else { 0 });
        }
    }
}
