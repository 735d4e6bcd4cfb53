//! The human rendering of a report: failing findings first (most severe first), then
//! not-evaluable findings and plugin errors, then a summary per domain and severity.

use super::Report;
use crate::model::{Finding, Status};
use std::fmt::Write;

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

/// Renders `report` as plain text.
pub fn render(report: &Report) -> String {
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

    let mut failing: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail && f.waiver.is_none())
        .collect();
    failing.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.check_id.cmp(&b.check_id))
    });
    let _ = writeln!(out, "\nFAILING ({})", failing.len());
    for f in &failing {
        let _ = writeln!(
            out,
            "  {:<8}  {:<28}  {}\n            {}",
            f.severity.as_str().to_uppercase(),
            f.check_id,
            resource_label(f),
            f.message
        );
    }

    let waived: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.waiver.is_some())
        .collect();
    if !waived.is_empty() {
        let _ = writeln!(out, "\nWAIVED ({})", waived.len());
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
        let _ = writeln!(out, "\n{title} ({})", items.len());
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
        let _ = writeln!(out, "\nPLUGIN ERRORS ({})", failed.len());
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

    let _ = writeln!(out, "\nSUMMARY BY DOMAIN");
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
