//! CSV rendering (csv crate): one row per finding, for spreadsheets and ticketing imports.

use super::Report;

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
        let _ = w.write_record([
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
        ]);
    }
    match w.into_inner() {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) => format!("error: {e}\n"),
    }
}
