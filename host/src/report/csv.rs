//! CSV rendering (csv crate): one row per finding, for spreadsheets and ticketing imports.

use super::model::Report;

/// Column names, in order.
pub const HEADER: [&str; 12] = [
    "check_id",
    "domain",
    "severity",
    "status",
    "account",
    "resource_kind",
    "resource_id",
    "resource_name",
    "message",
    "evidence",
    "plugin",
    "controls",
];

/// Renders the findings of `report` as CSV (RFC 4180 quoting, header row).
pub fn render(report: &Report) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(HEADER);
    for f in &report.findings {
        let evidence: Vec<String> = f
            .evidence
            .iter()
            .map(|e| format!("{}={} ({})", e.key, e.value, e.path))
            .collect();
        let controls: Vec<String> = report
            .checks
            .iter()
            .find(|c| c.id == f.check_id)
            .map(|c| {
                c.controls
                    .iter()
                    .map(|k| format!("{}:{}", k.framework, k.id))
                    .collect()
            })
            .unwrap_or_default();
        let _ = w.write_record(
            [
                f.check_id.as_str(),
                f.domain.as_str(),
                f.severity.as_str(),
                f.status.as_str(),
                f.resource.account.as_deref().unwrap_or(""),
                f.resource.kind.as_str(),
                f.resource.id.as_str(),
                f.resource.display_name.as_deref().unwrap_or(""),
                f.message.as_str(),
                &evidence.join("; "),
                f.plugin.as_str(),
                &controls.join(" "),
            ]
            .iter()
            .map(|c| super::sanitize::csv_cell(c).into_owned()),
        );
    }
    match w.into_inner() {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) => format!("error: {e}\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Control, Evidence, Finding, ResourceRef, Severity, Status};
    use crate::report::build::test_support::report_of;
    use crate::report::model::{CheckResult, StatusCounts};

    fn finding(id: &str, status: Status, message: &str) -> Finding {
        Finding {
            check_id: "iam.admin-mfa".into(),
            plugin: "aws-iam".into(),
            domain: "iam".into(),
            status,
            severity: Severity::High,
            resource: ResourceRef {
                kind: "principal".into(),
                id: id.into(),
                display_name: None,
                account: Some("111".into()),
                tags: Default::default(),
            },
            message: message.into(),
            evidence: vec![
                Evidence {
                    key: "mfa".into(),
                    value: "false".into(),
                    path: "/principals/0/mfa_enabled".into(),
                },
                Evidence {
                    key: "admin".into(),
                    value: "true".into(),
                    path: "/principals/0/admin".into(),
                },
            ],
            waiver: None,
        }
    }

    fn rows(text: &str) -> Vec<Vec<String>> {
        csv::Reader::from_reader(text.as_bytes())
            .records()
            .map(|r| r.expect("row").iter().map(String::from).collect())
            .collect()
    }

    #[test]
    fn a_header_then_one_row_per_finding() {
        let mut r = report_of(vec![
            finding("u1", Status::Fail, "no MFA"),
            finding("u2", Status::Pass, "MFA on"),
        ]);
        // The controls column comes from the check (which `report_of` does not list).
        r.checks.push(CheckResult {
            id: "iam.admin-mfa".into(),
            title: String::new(),
            domain: "iam".into(),
            plugin: "aws-iam".into(),
            severity: Severity::High,
            controls: vec![
                Control {
                    framework: "soc2".into(),
                    id: "CC6.1".into(),
                },
                Control {
                    framework: "iso27001".into(),
                    id: "A.5.17".into(),
                },
            ],
            remediation: String::new(),
            counts: StatusCounts::default(),
            plugin_failed: false,
        });
        let text = render(&r);
        assert_eq!(text.lines().next(), Some(HEADER.join(",").as_str()));
        let rows = rows(&text);
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0],
            [
                "iam.admin-mfa",
                "iam",
                "high",
                "fail",
                "111",
                "principal",
                "u1",
                "",
                "no MFA",
                "mfa=false (/principals/0/mfa_enabled); admin=true (/principals/0/admin)",
                "aws-iam",
                "soc2:CC6.1 iso27001:A.5.17",
            ]
        );
        assert_eq!((rows[1][3].as_str(), rows[1][6].as_str()), ("pass", "u2"));
    }

    #[test]
    fn commas_quotes_and_newlines_are_quoted() {
        let message = "admin, no \"MFA\"\nsince 2024";
        let text = render(&report_of(vec![finding("u1", Status::Fail, message)]));
        assert!(
            text.contains("\"admin, no \"\"MFA\"\"\nsince 2024\""),
            "{text}"
        );
        assert_eq!(rows(&text)[0][8], message);
    }
}
