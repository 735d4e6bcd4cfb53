//! Compliance roll-up (`--framework soc2|iso27001`): every control of the framework, the
//! checks that evidence it, how many resources pass and fail, and the control's status.
//! Controls no automated check evidences are listed as *not covered*: coverage is stated
//! honestly, never implied.
//!
//! The control catalogues are data files in `host/frameworks/` (TOML, compiled in).

use crate::model::Status;
use crate::report::Report;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// Identifier of the JSON roll-up format.
pub const COMPLIANCE_SCHEMA: &str = "posture.compliance/v1";

/// A framework with a control catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Framework {
    /// AICPA Trust Services Criteria (SOC 2).
    Soc2,
    /// ISO/IEC 27001:2022 Annex A.
    Iso27001,
}

impl Framework {
    /// The id used in check metadata (`soc2`, `iso27001`).
    pub fn id(self) -> &'static str {
        match self {
            Framework::Soc2 => "soc2",
            Framework::Iso27001 => "iso27001",
        }
    }

    fn source(self) -> &'static str {
        match self {
            Framework::Soc2 => include_str!("../../frameworks/soc2.toml"),
            Framework::Iso27001 => include_str!("../../frameworks/iso27001.toml"),
        }
    }
}

/// A catalogue file could not be parsed (a build defect, caught by the unit tests).
#[derive(Debug, thiserror::Error)]
#[error("control catalogue `{framework}`: {message}")]
pub struct CatalogError {
    framework: &'static str,
    message: String,
}

/// One control of a catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ControlDef {
    /// Control id as written in the framework, e.g. `CC6.1`, `A.8.5`.
    pub id: String,
    /// Section of the framework.
    pub group: String,
    /// Short title.
    pub title: String,
}

/// A framework's controls.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    /// Framework id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// All controls, in framework order.
    pub controls: Vec<ControlDef>,
}

/// Parses the compiled-in catalogue of `framework`.
pub fn catalog(framework: Framework) -> Result<Catalog, CatalogError> {
    toml::from_str(framework.source()).map_err(|e| CatalogError {
        framework: framework.id(),
        message: e.to_string(),
    })
}

/// Where a control stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ControlState {
    /// A resource fails one of its checks and no waiver accepts it.
    Failing,
    /// Failures exist, all accepted by waivers.
    AcceptedRisk,
    /// Some evidence is missing (not evaluable, check error, plugin failed); no failures.
    Incomplete,
    /// Its checks ran and found nothing to evaluate.
    NoEvidence,
    /// Every evaluated resource passes.
    Passing,
    /// No automated check evidences it.
    NotCovered,
}

impl ControlState {
    /// Kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ControlState::Failing => "failing",
            ControlState::AcceptedRisk => "accepted-risk",
            ControlState::Incomplete => "incomplete",
            ControlState::NoEvidence => "no-evidence",
            ControlState::Passing => "passing",
            ControlState::NotCovered => "not-covered",
        }
    }
}

/// One control's roll-up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ControlRollup {
    /// Control id.
    pub id: String,
    /// Section.
    pub group: String,
    /// Title.
    pub title: String,
    /// Status.
    pub state: ControlState,
    /// Checks that evidence it (and ran).
    pub checks: Vec<String>,
    /// Distinct resources passing every evaluated check of the control.
    pub resources_passing: usize,
    /// Distinct resources failing at least one check (waived or not).
    pub resources_failing: usize,
    /// Of the failing resources, those whose every failure is waived.
    pub resources_waived: usize,
    /// Findings that could not be decided (not evaluable or error).
    pub undecided: usize,
}

/// The roll-up of one report against one framework.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rollup {
    /// Always [`COMPLIANCE_SCHEMA`].
    pub schema: &'static str,
    /// Framework id.
    pub framework: String,
    /// Framework name.
    pub name: String,
    /// Evaluation time of the report.
    pub now: String,
    /// Accounts covered.
    pub accounts: Vec<String>,
    /// Controls by state.
    pub summary: BTreeMap<&'static str, usize>,
    /// Every control, in framework order, then controls named by checks but absent from the
    /// catalogue (listed so that a typo in a plugin's metadata is visible).
    pub controls: Vec<ControlRollup>,
}

/// Rolls `report` up against `catalog`.
pub fn rollup(report: &Report, catalog: &Catalog) -> Rollup {
    // control id → checks that ran and evidence it
    let mut checks_of: BTreeMap<&str, Vec<&crate::report::CheckResult>> = BTreeMap::new();
    for c in &report.checks {
        for ctl in c.controls.iter().filter(|k| k.framework == catalog.id) {
            checks_of.entry(ctl.id.as_str()).or_default().push(c);
        }
    }
    let known: BTreeSet<&str> = catalog.controls.iter().map(|c| c.id.as_str()).collect();
    let unknown = checks_of
        .keys()
        .filter(|id| !known.contains(*id))
        .map(|id| ControlDef {
            id: (*id).to_string(),
            group: "not in the catalogue".into(),
            title: String::new(),
        })
        .collect::<Vec<_>>();
    let mut controls = Vec::new();
    for def in catalog.controls.iter().chain(unknown.iter()) {
        let checks = checks_of.get(def.id.as_str()).cloned().unwrap_or_default();
        controls.push(control(report, def, &checks));
    }
    let mut summary = BTreeMap::new();
    for c in &controls {
        *summary.entry(c.state.as_str()).or_insert(0) += 1;
    }
    Rollup {
        schema: COMPLIANCE_SCHEMA,
        framework: catalog.id.clone(),
        name: catalog.name.clone(),
        now: report.now.clone(),
        accounts: report.snapshot.accounts.clone(),
        summary,
        controls,
    }
}

/// What one resource showed across a control's checks.
#[derive(Default)]
struct Seen {
    unwaived_failure: bool,
    failure: bool,
    pass: bool,
}

fn control(
    report: &Report,
    def: &ControlDef,
    checks: &[&crate::report::CheckResult],
) -> ControlRollup {
    let ids: BTreeSet<&str> = checks.iter().map(|c| c.id.as_str()).collect();
    let mut resources: BTreeMap<(&Option<String>, &str, &str), Seen> = BTreeMap::new();
    let mut undecided = 0;
    for f in report
        .findings
        .iter()
        .filter(|f| ids.contains(f.check_id.as_str()))
    {
        let r = &f.resource;
        let e = resources
            .entry((&r.account, r.kind.as_str(), r.id.as_str()))
            .or_default();
        match f.status {
            Status::Fail => {
                e.failure = true;
                e.unwaived_failure |= f.waiver.is_none();
            }
            Status::Pass => e.pass = true,
            Status::NotEvaluable | Status::Error => undecided += 1,
        }
    }
    let failing = resources.values().filter(|v| v.failure).count();
    let unwaived = resources.values().filter(|v| v.unwaived_failure).count();
    let passing = resources.values().filter(|v| v.pass && !v.failure).count();
    let plugin_failed = checks.iter().any(|c| c.plugin_failed);
    let state = if checks.is_empty() {
        ControlState::NotCovered
    } else if unwaived > 0 {
        ControlState::Failing
    } else if failing > 0 {
        ControlState::AcceptedRisk
    } else if undecided > 0 || plugin_failed {
        ControlState::Incomplete
    } else if passing == 0 {
        ControlState::NoEvidence
    } else {
        ControlState::Passing
    };
    ControlRollup {
        id: def.id.clone(),
        group: def.group.clone(),
        title: def.title.clone(),
        state,
        checks: ids.iter().map(|s| s.to_string()).collect(),
        resources_passing: passing,
        resources_failing: failing,
        resources_waived: failing - unwaived,
        undecided,
    }
}

/// A rendering the compliance roll-up does not have.
#[derive(Debug, thiserror::Error)]
pub enum RollupRenderError {
    /// The roll-up renders only as [`Rollup::FORMATS`].
    #[error("the compliance roll-up renders as text, json, markdown or csv, not {0}")]
    Unsupported(&'static str),
    /// The CSV writer failed.
    #[error(transparent)]
    Csv(#[from] csv::Error),
}

impl Rollup {
    /// The formats a roll-up renders in.
    pub const FORMATS: [super::Format; 4] = [
        super::Format::Text,
        super::Format::Json,
        super::Format::Markdown,
        super::Format::Csv,
    ];

    /// Renders the roll-up in `format`, one of [`Rollup::FORMATS`].
    pub fn render(&self, format: super::Format) -> Result<String, RollupRenderError> {
        match format {
            super::Format::Text => Ok(self.to_text()),
            super::Format::Json => Ok(self.to_json()),
            super::Format::Markdown => Ok(self.to_markdown()),
            super::Format::Csv => Ok(self.to_csv()?),
            other => Err(RollupRenderError::Unsupported(other.name())),
        }
    }
}

impl Rollup {
    /// Controls evidenced by at least one check.
    pub fn covered(&self) -> usize {
        self.controls
            .iter()
            .filter(|c| c.state != ControlState::NotCovered)
            .count()
    }

    fn headline(&self) -> String {
        let order = [
            ControlState::Failing,
            ControlState::AcceptedRisk,
            ControlState::Incomplete,
            ControlState::NoEvidence,
            ControlState::Passing,
            ControlState::NotCovered,
        ];
        let parts: Vec<String> = order
            .iter()
            .filter_map(|s| {
                self.summary
                    .get(s.as_str())
                    .map(|n| format!("{n} {}", s.as_str()))
            })
            .collect();
        format!(
            "{} of {} controls have automated checks; {}",
            self.covered(),
            self.controls.len(),
            parts.join(", ")
        )
    }

    /// Text rendering: covered controls first (failing first), then the not-covered list.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} — evaluated {} ({})\n{}\n",
            self.name,
            self.now,
            self.accounts.join(", "),
            self.headline()
        );
        let _ = writeln!(
            out,
            "  {:<8} {:<14} {:>5} {:>5} {:>6} {:>9}  checks",
            "control", "status", "pass", "fail", "waived", "undecided"
        );
        let mut covered: Vec<&ControlRollup> = self
            .controls
            .iter()
            .filter(|c| c.state != ControlState::NotCovered)
            .collect();
        covered.sort_by_key(|c| c.state);
        for c in covered {
            let _ = writeln!(
                out,
                "  {:<8} {:<14} {:>5} {:>5} {:>6} {:>9}  {}",
                c.id,
                c.state.as_str(),
                c.resources_passing,
                c.resources_failing,
                c.resources_waived,
                c.undecided,
                c.checks.join(", ")
            );
        }
        let not_covered: Vec<&ControlRollup> = self
            .controls
            .iter()
            .filter(|c| c.state == ControlState::NotCovered)
            .collect();
        if !not_covered.is_empty() {
            let _ = writeln!(
                out,
                "\nNOT COVERED BY AUTOMATED CHECKS ({}): evidence these by other means",
                not_covered.len()
            );
            for c in not_covered {
                let _ = writeln!(out, "  {:<8} {}", c.id, c.title);
            }
        }
        out
    }

    /// Markdown rendering: one table of every control.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# {}\n\nEvaluated {} ({}). {}.\n\n| control | title | status | pass | fail | waived | undecided | checks |\n|---|---|---|---:|---:|---:|---:|---|",
            self.name,
            self.now,
            self.accounts.join(", "),
            self.headline()
        );
        for c in &self.controls {
            let status = match c.state {
                ControlState::NotCovered => "not covered by automated checks".to_string(),
                ControlState::Failing => "**failing**".to_string(),
                s => s.as_str().to_string(),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                c.id,
                c.title.replace('|', "\\|"),
                status,
                c.resources_passing,
                c.resources_failing,
                c.resources_waived,
                c.undecided,
                c.checks
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        out
    }

    /// CSV rendering: one row per control.
    pub fn to_csv(&self) -> Result<String, csv::Error> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record([
            "framework",
            "control",
            "group",
            "title",
            "status",
            "resources_passing",
            "resources_failing",
            "resources_waived",
            "undecided",
            "checks",
        ])?;
        for c in &self.controls {
            w.write_record(
                [
                    self.framework.as_str(),
                    &c.id,
                    &c.group,
                    &c.title,
                    c.state.as_str(),
                    &c.resources_passing.to_string(),
                    &c.resources_failing.to_string(),
                    &c.resources_waived.to_string(),
                    &c.undecided.to_string(),
                    &c.checks.join(" "),
                ]
                .iter()
                .map(|c| super::sanitize::csv_cell(c).into_owned()),
            )?;
        }
        let bytes = w.into_inner().map_err(|e| e.into_error())?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// The JSON rendering (pretty, trailing newline).
    pub fn to_json(&self) -> String {
        let mut s =
            serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
        s.push('\n');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogues_parse_and_are_complete() {
        let soc2 = catalog(Framework::Soc2).expect("soc2 catalogue");
        assert_eq!(soc2.id, "soc2");
        assert_eq!(
            soc2.controls.len(),
            61,
            "TSC 2017: 33 CC + 3 A + 2 C + 5 PI + 18 P"
        );
        let iso = catalog(Framework::Iso27001).expect("iso catalogue");
        assert_eq!(iso.id, "iso27001");
        assert_eq!(
            iso.controls.len(),
            93,
            "ISO/IEC 27001:2022 Annex A has 93 controls"
        );
        for cat in [&soc2, &iso] {
            let ids: BTreeSet<&str> = cat.controls.iter().map(|c| c.id.as_str()).collect();
            assert_eq!(ids.len(), cat.controls.len(), "duplicate control id");
            assert!(cat.controls.iter().all(|c| !c.title.is_empty()));
        }
    }
}
