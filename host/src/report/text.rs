//! The human rendering of a report: failing findings first, grouped by domain (most severe
//! first, with the remediation of the checks the user asked to explain), then waived and
//! not-evaluable findings, the checks not applicable to the snapshot and plugin errors, then a summary per domain and severity.
//! Colour is an option decided by the caller (TTY, `NO_COLOR`, `--color`).

use super::model::Report;
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

    if !report.not_applicable.is_empty() {
        let _ = writeln!(
            out,
            "\n{} the snapshot has no account of the providers these checks apply to",
            opts.heading(&format!(
                "NOT APPLICABLE ({}):",
                report.not_applicable.len()
            ))
        );
        for c in &report.not_applicable {
            let _ = writeln!(
                out,
                "  {:<28}  {} ({})",
                c.id,
                c.title,
                c.providers.join(", ")
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
        "\n{} checks from {} plugins{}; {} findings: {} pass, {} fail, {} not evaluable, {} error{}",
        report.checks.len(),
        report.plugins.len(),
        if report.not_applicable.is_empty() {
            String::new()
        } else {
            format!(", {} not applicable", report.not_applicable.len())
        },
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
        "{} failing ({} waived), {} pass, {} not evaluable, {} error{}\n",
        unwaived,
        t.fail - unwaived,
        t.pass,
        t.not_evaluable,
        t.error,
        if report.not_applicable.is_empty() {
            String::new()
        } else {
            format!("; {} checks not applicable", report.not_applicable.len())
        }
    );
    for p in &report.plugins {
        if let Some(e) = &p.error {
            let _ = writeln!(out, "plugin {} failed: {}", p.name, e.message);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ResourceRef, Waiver};
    use crate::report::build::test_support::report_of;

    fn finding(check: &str, status: Status, severity: Severity, message: &str) -> Finding {
        Finding {
            check_id: check.into(),
            plugin: "p".into(),
            domain: check.split('.').next().unwrap_or("").into(),
            status,
            severity,
            resource: ResourceRef {
                kind: "principal".into(),
                id: "u1".into(),
                display_name: Some("alice".into()),
                account: Some("111".into()),
                tags: Default::default(),
            },
            message: message.into(),
            evidence: Vec::new(),
            waiver: None,
        }
    }

    fn report() -> Report {
        report_of(vec![
            finding("iam.low", Status::Fail, Severity::Low, "weak password"),
            finding(
                "iam.root",
                Status::Fail,
                Severity::Critical,
                "root has keys",
            ),
            finding("iam.mfa", Status::Pass, Severity::High, "has MFA"),
            finding(
                "logging.trail",
                Status::NotEvaluable,
                Severity::High,
                "no trails",
            ),
        ])
    }

    #[test]
    fn failing_findings_are_grouped_by_domain_most_severe_first() {
        let text = render(&report());
        assert!(text.contains("FAILING (2)\n  iam (2)\n"), "{text}");
        let root = text.find("CRITICAL  iam.root").expect("critical");
        let low = text.find("LOW       iam.low").expect("low");
        assert!(root < low, "{text}");
        assert!(text.contains("principal u1 (alice) [111]"), "{text}");
        assert!(text.contains("(add --explain CHECK"), "{text}");
        assert!(!text.contains("CHECK ERRORS") && !text.contains("WAIVED"));
    }

    #[test]
    fn not_evaluable_findings_have_their_section_and_the_summary_counts_all() {
        let text = render(&report());
        let section = text.split("NOT EVALUABLE (1)\n").nth(1).expect("section");
        assert!(section.starts_with("  logging.trail"), "{text}");
        assert!(section.contains("no trails"));
        assert!(text.contains(
            "4 findings: 1 pass, 2 fail, 1 not evaluable, 0 error\n\
             failing by severity: 1 critical, 1 low\n"
        ));
    }

    #[test]
    fn a_waived_failure_leaves_failing_for_waived() {
        let mut r = report();
        let root = r
            .findings
            .iter_mut()
            .find(|f| f.check_id == "iam.root")
            .expect("root");
        root.waiver = Some(Waiver {
            check: "iam.root".into(),
            resource: "*".into(),
            account: None,
            reason: "break-glass".into(),
            owner: "sec".into(),
            ticket: Some("SEC-1".into()),
            expires: "2099-01-01".into(),
        });
        let text = render(&r);
        assert!(text.contains("FAILING (1)\n  iam (1)\n"), "{text}");
        assert!(text.contains("WAIVED (1)"), "{text}");
        assert!(text.contains("accepted by sec until 2099-01-01 (SEC-1): break-glass"));
        let quiet = render_with(
            &r,
            &TextOptions {
                quiet: true,
                ..TextOptions::default()
            },
        );
        assert_eq!(
            quiet,
            "1 failing (1 waived), 1 pass, 1 not evaluable, 0 error\n"
        );
    }

    #[test]
    fn explain_prints_the_remediation_once_per_check() {
        let r = report_of(vec![
            finding("iam.root", Status::Fail, Severity::High, "a"),
            finding("iam.root", Status::Fail, Severity::High, "b"),
        ]);
        let opts = TextOptions {
            explain: BTreeSet::from(["all".to_string()]),
            ..TextOptions::default()
        };
        let text = render_with(&r, &opts);
        assert_eq!(text.matches("how to fix iam.root:").count(), 1, "{text}");
        assert!(!text.contains("--explain CHECK"));
        assert!(!render(&r).contains("how to fix iam.root"));
    }

    #[test]
    fn colour_only_when_asked() {
        let opts = TextOptions {
            color: true,
            ..TextOptions::default()
        };
        assert!(render_with(&report(), &opts).contains('\u{1b}'));
        assert!(!render(&report()).contains('\u{1b}'));
    }
}
