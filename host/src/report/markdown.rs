//! Markdown rendering: a summary table per domain, then failing findings by severity, the
//! not-evaluable ones and the checks not applicable to the snapshot, for pull-request comments and wiki pages.

use super::model::Report;
use crate::model::{Finding, Status};
use std::fmt::Write;

/// Escapes the characters that would break a table cell.
fn cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', " ")
}

fn row(out: &mut String, f: &Finding) {
    let r = &f.resource;
    let name = r.display_name.as_deref().unwrap_or(&r.id);
    let _ = writeln!(
        out,
        "| {} | `{}` | {} `{}` | {} | {} |",
        f.severity,
        cell(&f.check_id),
        cell(&r.kind),
        cell(name),
        cell(r.account.as_deref().unwrap_or("")),
        cell(&f.message)
    );
}

/// Renders `report` as Markdown.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let t = &report.summary.total;
    let _ = writeln!(out, "# posture report\n");
    let _ = writeln!(
        out,
        "Snapshot `{}` captured {}, evaluated {}. Accounts: {}.\n",
        cell(&report.snapshot.origin),
        report.snapshot.captured_at,
        report.now,
        report.snapshot.accounts.join(", ")
    );
    let _ = writeln!(
        out,
        "**{} findings**: {} pass, {} fail, {} not evaluable, {} error ({} checks, {} plugins{}{}).\n",
        t.total(),
        t.pass,
        t.fail,
        t.not_evaluable,
        t.error,
        report.checks.len(),
        report.plugins.len(),
        if report.not_applicable.is_empty() {
            String::new()
        } else {
            format!(", {} not applicable", report.not_applicable.len())
        },
        if report.summary.plugins_failed > 0 {
            format!(
                "; **{} failed: results incomplete**",
                report.summary.plugins_failed
            )
        } else {
            String::new()
        }
    );
    let _ = writeln!(
        out,
        "| domain | pass | fail | not evaluable | error |\n|---|---:|---:|---:|---:|"
    );
    for (d, c) in &report.summary.by_domain {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            cell(d),
            c.pass,
            c.fail,
            c.not_evaluable,
            c.error
        );
    }
    let mut failing: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .collect();
    failing.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.check_id.cmp(&b.check_id))
    });
    let header = "| severity | check | resource | account | message |\n|---|---|---|---|---|";
    let _ = writeln!(out, "\n## Failing ({})\n", failing.len());
    if !failing.is_empty() {
        let _ = writeln!(out, "{header}");
        for f in failing {
            row(&mut out, f);
        }
    }
    let other: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| matches!(f.status, Status::NotEvaluable | Status::Error))
        .collect();
    if !other.is_empty() {
        let _ = writeln!(
            out,
            "\n## Not evaluable or errored ({})\n\n{header}",
            other.len()
        );
        for f in other {
            row(&mut out, f);
        }
    }
    if !report.not_applicable.is_empty() {
        let _ = writeln!(
            out,
            "\n## Not applicable ({})\n\nThe snapshot has no account of the providers these \
             checks apply to.\n\n| check | title | providers |\n|---|---|---|",
            report.not_applicable.len()
        );
        for c in &report.not_applicable {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} |",
                cell(&c.id),
                cell(&c.title),
                cell(&c.providers.join(", "))
            );
        }
    }
    let failed: Vec<_> = report
        .plugins
        .iter()
        .filter(|p| p.error.is_some())
        .collect();
    if !failed.is_empty() {
        let _ = writeln!(out, "\n## Plugin errors\n");
        for p in failed {
            if let Some(e) = &p.error {
                let _ = writeln!(out, "- **{}**: {}", cell(&p.name), cell(&e.message));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ResourceRef, Severity};
    use crate::report::build::test_support::report_of;

    fn finding(check: &str, status: Status, severity: Severity, message: &str) -> Finding {
        Finding {
            check_id: check.into(),
            plugin: "p".into(),
            domain: "iam".into(),
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

    #[test]
    fn table_cells_escape_pipes_backslashes_and_newlines() {
        let md = render(&report_of(vec![finding(
            "iam.a",
            Status::Fail,
            Severity::High,
            "a | b \\ c\nd",
        )]));
        let row = md.lines().find(|l| l.starts_with("| high |")).expect("row");
        assert_eq!(
            row,
            "| high | `iam.a` | principal `alice` | 111 | a \\| b \\\\ c d |"
        );
        // Every row of the findings table keeps its five columns.
        assert_eq!(row.matches(" | ").count(), 4, "{row}");
    }

    #[test]
    fn failing_most_severe_first_then_not_evaluable_and_errors() {
        let md = render(&report_of(vec![
            finding("iam.a", Status::Fail, Severity::Low, "low"),
            finding("iam.b", Status::Fail, Severity::Critical, "critical"),
            finding("iam.c", Status::NotEvaluable, Severity::High, "unknown"),
            finding("iam.d", Status::Error, Severity::High, "broke"),
            finding("iam.e", Status::Pass, Severity::High, "fine"),
        ]));
        assert!(
            md.contains("**5 findings**: 1 pass, 2 fail, 1 not evaluable, 1 error"),
            "{md}"
        );
        assert!(md.contains("| iam | 1 | 2 | 1 | 1 |"), "{md}");
        let (failing, other) = md
            .split_once("## Not evaluable or errored (2)")
            .expect("sections");
        assert!(failing.contains("## Failing (2)"));
        let critical = failing.find("| critical |").expect("critical");
        assert!(critical < failing.find("| low |").expect("low"), "{md}");
        assert!(
            other.contains("`iam.c`") && other.contains("`iam.d`"),
            "{md}"
        );
        assert!(!md.contains("`iam.e`"), "passes are counted, not listed");
    }
}
