//! The human rendering of a report: failing findings first, grouped by domain (most severe
//! first, with the remediation of the checks the user asked to explain), then waived and
//! not-evaluable findings and plugin errors, then a summary per domain and severity.
//! Colour is an option decided by the caller (TTY, `NO_COLOR`, `--color`).

use super::Report;
use crate::model::{Finding, Severity, Status};
use anstyle::{AnsiColor, Style};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// Options of the text rendering.
#[derive(Debug, Clone, Default)]
pub struct TextOptions {
    /// Emit ANSI colours.
    pub color: bool,
    /// Only the summary line and what makes the results incomplete.
    pub quiet: bool,
    /// Checks whose remediation is printed under their failing findings; `all` for every check.
    pub explain: BTreeSet<String>,
}

impl TextOptions {
    fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }

    fn severity(&self, s: Severity) -> String {
        let label = format!("{:<8}", s.as_str().to_uppercase());
        let style = match s {
            Severity::Critical => Style::new().bold().fg_color(Some(AnsiColor::Red.into())),
            Severity::High => Style::new().fg_color(Some(AnsiColor::Red.into())),
            Severity::Medium => Style::new().fg_color(Some(AnsiColor::Yellow.into())),
            Severity::Low => Style::new().fg_color(Some(AnsiColor::Cyan.into())),
            Severity::Info => Style::new().dimmed(),
        };
        self.paint(style, &label)
    }

    fn heading(&self, text: &str) -> String {
        self.paint(Style::new().bold(), text)
    }

    fn explains(&self, check: &str) -> bool {
        self.explain.contains(check) || self.explain.contains("all")
    }
}

fn resource_label(f: &Finding) -> String {
    let r = &f.resource;
    let name = match &r.display_name {
        Some(n) if n != &r.id => format!("{} ({n})", r.id),
        _ => r.id.clone(),
    };
    match &r.account {
        Some(a) => format!("{} {name} [{a}]", r.kind),
        None => format!("{} {name}", r.kind),
    }
}

/// Renders `report` as plain text without colour.
pub fn render(report: &Report) -> String {
    render_with(report, &TextOptions::default())
}

/// Renders `report` as text with `opts`.
pub fn render_with(report: &Report, opts: &TextOptions) -> String {
    if opts.quiet {
        return render_quiet(report);
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "posture {} — snapshot {} (captured {}; {})",
        report.posture_version,
        report.snapshot.origin,
        report.snapshot.captured_at,
        report.snapshot.accounts.join(", ")
    );
    let _ = writeln!(out, "evaluated at {}", report.now);

    let failing: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail && f.waiver.is_none())
        .collect();
    let mut by_domain: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &failing {
        by_domain.entry(&f.domain).or_default().push(f);
    }
    let _ = writeln!(
        out,
        "\n{}",
        opts.heading(&format!("FAILING ({})", failing.len()))
    );
    let remediation: BTreeMap<&str, &str> = report
        .checks
        .iter()
        .map(|c| (c.id.as_str(), c.remediation.as_str()))
        .collect();
    for (domain, mut items) in by_domain {
        items.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(a.check_id.cmp(&b.check_id))
        });
        let _ = writeln!(
            out,
            "  {}",
            opts.heading(&format!("{domain} ({})", items.len()))
        );
        let mut explained = BTreeSet::new();
        for f in &items {
            let _ = writeln!(
                out,
                "    {}  {:<28}  {}\n              {}",
                opts.severity(f.severity),
                f.check_id,
                resource_label(f),
                f.message
            );
        }
        for f in &items {
            if opts.explains(&f.check_id) && explained.insert(f.check_id.as_str()) {
                let fix = remediation.get(f.check_id.as_str()).copied().unwrap_or("");
                let _ = writeln!(out, "    how to fix {}: {fix}", f.check_id);
            }
        }
    }
    if !failing.is_empty() && opts.explain.is_empty() {
        let _ = writeln!(
            out,
            "  (add --explain CHECK, or --explain all, for how to fix)"
        );
    }

    let waived: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.waiver.is_some())
        .collect();
    if !waived.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            opts.heading(&format!("WAIVED ({})", waived.len()))
        );
        for f in waived {
            if let Some(w) = &f.waiver {
                let _ = writeln!(
                    out,
                    "  {:<8}  {:<28}  {}\n            accepted by {} until {}{}: {}",
                    f.severity.as_str().to_uppercase(),
                    f.check_id,
                    resource_label(f),
                    w.owner,
                    w.expires,
                    w.ticket
                        .as_deref()
                        .map(|t| format!(" ({t})"))
                        .unwrap_or_default(),
                    w.reason
                );
            }
        }
    }
    for w in &report.waivers.expired {
        let _ = writeln!(
            out,
            "warning: waiver for {} on {} expired on {} and no longer applies",
            w.check, w.resource, w.expires
        );
    }
    for w in &report.waivers.unused {
        let _ = writeln!(
            out,
            "note: waiver for {} on {} matched no failing finding (unused)",
            w.check, w.resource
        );
    }

    let grouped = [
        (Status::Error, "CHECK ERRORS"),
        (Status::NotEvaluable, "NOT EVALUABLE"),
    ];
    for (status, title) in grouped {
        let items: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.status == status)
            .collect();
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "\n{}",
            opts.heading(&format!("{title} ({})", items.len()))
        );
        for f in items {
            let _ = writeln!(
                out,
                "  {:<28}  {}\n            {}",
                f.check_id,
                resource_label(f),
                f.message
            );
        }
    }

    let failed: Vec<_> = report
        .plugins
        .iter()
        .filter(|p| p.error.is_some())
        .collect();
    if !failed.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            opts.heading(&format!("PLUGIN ERRORS ({})", failed.len()))
        );
        for p in failed {
            if let Some(e) = &p.error {
                let consequence = if p.checks.is_empty() {
                    "not loaded".to_string()
                } else {
                    format!("its checks ({}) produced no findings", p.checks.join(", "))
                };
                let _ = writeln!(out, "  {}: {} — {consequence}", p.name, e.message);
            }
        }
    }

    let _ = writeln!(out, "\n{}", opts.heading("SUMMARY BY DOMAIN"));
    let _ = writeln!(
        out,
        "  {:<12} {:>6} {:>6} {:>14} {:>6}",
        "domain", "pass", "fail", "not-evaluable", "error"
    );
    for (domain, c) in &report.summary.by_domain {
        let _ = writeln!(
            out,
            "  {:<12} {:>6} {:>6} {:>14} {:>6}",
            domain, c.pass, c.fail, c.not_evaluable, c.error
        );
    }
    let sev: Vec<String> = report
        .summary
        .failing_by_severity
        .iter()
        .rev()
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    let t = &report.summary.total;
    let _ = writeln!(
        out,
        "\n{} checks from {} plugins; {} findings: {} pass, {} fail, {} not evaluable, {} error{}",
        report.checks.len(),
        report.plugins.len(),
        t.total(),
        t.pass,
        t.fail,
        t.not_evaluable,
        t.error,
        if sev.is_empty() {
            String::new()
        } else {
            format!("\nfailing by severity: {}", sev.join(", "))
        }
    );
    if report.summary.plugins_failed > 0 {
        let _ = writeln!(
            out,
            "{} plugin(s) failed: results are incomplete",
            report.summary.plugins_failed
        );
    }
    out
}

/// The `--quiet` rendering: one summary line, plus a line per failed plugin.
fn render_quiet(report: &Report) -> String {
    let t = &report.summary.total;
    let unwaived = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail && f.waiver.is_none())
        .count();
    let mut out = format!(
        "{} failing ({} waived), {} pass, {} not evaluable, {} error\n",
        unwaived,
        t.fail - unwaived,
        t.pass,
        t.not_evaluable,
        t.error
    );
    for p in &report.plugins {
        if let Some(e) = &p.error {
            let _ = writeln!(out, "plugin {} failed: {}", p.name, e.message);
        }
    }
    out
}
