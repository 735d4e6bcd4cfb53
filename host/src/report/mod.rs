//! The report wing: everything that turns findings into something people read.
//!
//! - [`model`]: the report of one scan (`posture.report/v1`), its types and verdict.
//! - [`build`]: assembling a report from the plugins' outcomes; the one step that finishes
//!   a finding (severity, tags, waiver) and fixes the order of everything.
//! - [`archive`]: the JSON archive form: writing, reading back, its JSON Schema.
//! - [`inventory`]: administrators and administrative grants in the snapshot.
//! - [`waiver`]: accepted risks applied to a report.
//! - [`compliance`]: roll-up against SOC 2 or ISO 27001, with honest coverage.
//! - [`actions`]: the action plan (priorities, owners, due dates).
//! - [`diff`]: comparison of two reports, with the privilege delta.
//! - [`sanitize`]: untrusted text made safe for terminals, Markdown and spreadsheets.
//! - Renderers, one file each: [`text`], [`sarif`], [`junit`], [`csv`], [`markdown`],
//!   [`ocsf`], [`html`]; the JSON rendering is [`Report::to_json`].
//!
//! Nothing here imports the scan session, the runtime or the configuration: a report is
//! built from plain values and can be rebuilt from a saved JSON file.

pub mod actions;
pub mod archive;
pub mod build;
pub mod cadence;
pub mod compliance;
pub mod csv;
pub mod diff;
pub mod evidence_page;
pub mod html;
pub mod inventory;
pub mod junit;
pub mod markdown;
pub mod model;
pub mod ocsf;
pub mod oscal;
pub mod privileges;
pub mod remediation;
pub mod sanitize;
pub mod sarif;
mod stream;
pub mod text;
pub mod timeline;
pub mod timeline_format;
pub mod waiver;

pub use archive::{ReadError, from_slice, json_schema, read};
pub use build::{PluginOutcome, ReportInput, SeverityOverrides};
pub use model::{
    CheckResult, InputDigests, NotApplicable, PluginError, PluginRun, REPORT_SCHEMA, Report,
    SnapshotSummary, StatusCounts, Summary, rfc3339,
};

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

impl Format {
    /// The format's name on the command line (`--format NAME`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Csv => "csv",
            Format::Markdown => "markdown",
            Format::Ocsf => "ocsf",
            Format::Html => "html",
            Format::Actions => "actions",
            Format::ActionsCsv => "actions-csv",
        }
    }
}

/// What some renderings need besides the report.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Owners and SLAs for the action plan.
    pub actions: actions::ActionPolicy,
    /// Terminal options for the text rendering.
    pub text: text::TextOptions,
}

/// Renders `report` in `format` with default options.
pub fn render(report: &Report, format: Format) -> String {
    render_with(report, format, &RenderOptions::default())
}

/// Writes `report` in `format` to `w`. JSON, SARIF and OCSF are written as they are
/// produced, so the host never holds the rendered report, or a tree of it, in memory: for
/// them, memory stays at the report itself plus one finding's rendering. The other formats
/// (read by people, or small) are rendered first.
pub fn write_with(
    report: &Report,
    format: Format,
    opts: &RenderOptions,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *w, report)?;
            w.write_all(b"\n")
        }
        Format::Sarif => sarif::write(report, w),
        Format::Ocsf => ocsf::write(report, w),
        other => w.write_all(render_with(report, other, opts).as_bytes()),
    }
}

/// Renders `report` in `format`.
pub fn render_with(report: &Report, format: Format, opts: &RenderOptions) -> String {
    // What people read gets plugin and snapshot text with its control characters escaped.
    let human = || sanitize::for_humans(report);
    match format {
        Format::Text => text::render_with(&human(), &opts.text),
        Format::Actions => opts.actions.plan(&human()).to_markdown(),
        Format::ActionsCsv => opts
            .actions
            .plan(&human())
            .to_csv()
            .unwrap_or_else(|e| format!("error: {e}\n")),
        Format::Json => report.to_json(),
        Format::Sarif => sarif::render(report),
        Format::Junit => junit::render(report),
        Format::Csv => csv::render(&human()),
        Format::Markdown => markdown::render(&human()),
        Format::Ocsf => ocsf::render(report),
        Format::Html => html::render(report),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Severity, Status};
    use crate::report::build::test_support::{admin_mfa_finding, report_of};
    use clap::ValueEnum;

    #[test]
    fn writing_gives_the_bytes_rendering_gives_in_every_format() {
        let reports = [
            report_of(Vec::new()),
            report_of(vec![
                admin_mfa_finding(Status::Fail, Severity::High, "u1"),
                admin_mfa_finding(Status::Pass, Severity::High, "u2"),
                admin_mfa_finding(Status::NotEvaluable, Severity::High, "u3"),
            ]),
        ];
        for report in &reports {
            for format in Format::value_variants() {
                let opts = RenderOptions::default();
                let mut written = Vec::new();
                write_with(report, *format, &opts, &mut written).expect("write");
                let rendered = render_with(report, *format, &opts);
                assert_eq!(
                    String::from_utf8(written).expect("utf-8"),
                    rendered,
                    "{}",
                    format.name()
                );
            }
        }
    }
}
