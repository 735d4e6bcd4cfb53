//! The self-contained HTML report for auditors: one file, no network (inline CSS, inline SVG
//! charts, no scripts), built with `maud` so every text from the report is escaped.
//!
//! Charts: status per domain, failing findings per severity, status per framework control.
//! Counts are also on the elements as `data-*` attributes so that a browser test (and any
//! scraper) can read them back.

use super::{Report, StatusCounts};
use crate::model::{Finding, Severity, Status};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use std::collections::BTreeMap;

pub(crate) const CSS: &str = r#"
:root { --pass:#2e7d32; --fail:#c62828; --ne:#9e9e9e; --err:#6a1b9a; --waived:#ef6c00; --ink:#1f2933; --muted:#616e7c; --line:#e4e7eb; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0; background: #f5f7fa; }
header { background: #1f2933; color: #fff; padding: 20px 32px; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 2px 0; color: #cbd2d9; }
main { padding: 24px 32px; max-width: 1280px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 16px 20px; margin-bottom: 20px; }
h2 { font-size: 17px; margin: 0 0 12px; }
h3 { font-size: 14px; margin: 16px 0 6px; color: var(--muted); }
.banner { background: #fff3e0; border: 1px solid var(--waived); color: #8a4b00; padding: 10px 14px; border-radius: 6px; margin-bottom: 20px; font-weight: 600; }
.tiles { display: flex; gap: 12px; flex-wrap: wrap; }
.tile { flex: 1 1 140px; border-radius: 6px; padding: 12px 14px; color: #fff; }
.tile .n { font-size: 28px; font-weight: 700; display: block; }
.t-fail { background: var(--fail); } .t-pass { background: var(--pass); } .t-ne { background: var(--ne); } .t-err { background: var(--err); } .t-waived { background: var(--waived); }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f0f2f5; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.sev { font-weight: 700; text-transform: uppercase; font-size: 11px; padding: 2px 6px; border-radius: 3px; color: #fff; }
.sev-critical { background: #7f0000; } .sev-high { background: var(--fail); } .sev-medium { background: #ef6c00; } .sev-low { background: #1565c0; } .sev-info { background: var(--ne); }
.legend span { display: inline-block; margin-right: 14px; color: var(--muted); }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; border-radius: 2px; }
code { font-size: 12px; }
.muted { color: var(--muted); }
svg text { font: 12px system-ui, sans-serif; fill: var(--ink); }
"#;

const COLORS: [(&str, &str); 4] = [
    ("fail", "#c62828"),
    ("pass", "#2e7d32"),
    ("not-evaluable", "#9e9e9e"),
    ("error", "#6a1b9a"),
];

/// One row of a stacked bar chart.
struct Bar<'a> {
    label: &'a str,
    counts: StatusCounts,
}

fn segments(c: &StatusCounts) -> [usize; 4] {
    [c.fail, c.pass, c.not_evaluable, c.error]
}

/// One rectangle of a bar: `(x, width, status, colour, count)`.
type Segment = (f64, f64, &'static str, &'static str, usize);

/// The rectangles of one bar, and where the bar ends.
fn layout(c: &StatusCounts, max: f64, left: f64, width: f64) -> (Vec<Segment>, f64) {
    let mut x = left;
    let mut out = Vec::new();
    for (n, (name, color)) in segments(c).into_iter().zip(COLORS) {
        if n > 0 {
            let w = n as f64 / max * width;
            out.push((x, w, name, color, n));
            x += w;
        }
    }
    (out, x)
}

/// A horizontal stacked bar chart (fail, pass, not evaluable, error) as inline SVG.
fn stacked_chart(id: &str, bars: &[Bar<'_>]) -> Markup {
    const LABEL_W: f64 = 150.0;
    const BAR_W: f64 = 560.0;
    const ROW_H: f64 = 24.0;
    let max = bars
        .iter()
        .map(|b| b.counts.total())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let height = ROW_H * bars.len() as f64 + 4.0;
    html! {
        svg id=(id) class="chart" xmlns="http://www.w3.org/2000/svg" width=(LABEL_W + BAR_W + 60.0)
            height=(height) role="img" {
            @for (i, b) in bars.iter().enumerate() {
                @let y = i as f64 * ROW_H + 2.0;
                g class="bar" data-label=(b.label) data-fail=(b.counts.fail) data-pass=(b.counts.pass)
                    data-not-evaluable=(b.counts.not_evaluable) data-error=(b.counts.error) {
                    text x="0" y=(y + 15.0) { (b.label) }
                    @let (rects, end) = layout(&b.counts, max, LABEL_W, BAR_W);
                    @for (x, w, name, color, n) in rects {
                        rect x=(x) y=(y) width=(w) height=(ROW_H - 6.0) fill=(color) {
                            title { (name) ": " (n) }
                        }
                    }
                    text x=(end + 6.0) y=(y + 15.0) class="muted" { (b.counts.total()) }
                }
            }
        }
    }
}

fn legend() -> Markup {
    html! {
        p class="legend" {
            @for (name, color) in COLORS {
                span { i style=(format!("background:{color}")) {} (name) }
            }
        }
    }
}

/// Failing findings per severity as a single-colour bar chart.
fn severity_chart(report: &Report) -> Markup {
    let bars: Vec<Bar<'_>> = Severity::ALL
        .iter()
        .rev()
        .map(|s| Bar {
            label: s.as_str(),
            counts: StatusCounts {
                fail: report
                    .summary
                    .failing_by_severity
                    .get(s)
                    .copied()
                    .unwrap_or(0),
                ..StatusCounts::default()
            },
        })
        .collect();
    stacked_chart("chart-severity", &bars)
}

/// Status per framework control: each check's counts summed over the controls it evidences.
fn control_counts(report: &Report) -> BTreeMap<&str, BTreeMap<&str, StatusCounts>> {
    let mut out: BTreeMap<&str, BTreeMap<&str, StatusCounts>> = BTreeMap::new();
    for c in &report.checks {
        for ctl in &c.controls {
            let e = out
                .entry(ctl.framework.as_str())
                .or_default()
                .entry(ctl.id.as_str())
                .or_default();
            e.pass += c.counts.pass;
            e.fail += c.counts.fail;
            e.not_evaluable += c.counts.not_evaluable;
            e.error += c.counts.error;
        }
    }
    out
}

/// Bars of one framework's controls in natural order (`A.8.2` before `A.8.16`).
fn control_bars<'a>(controls: &BTreeMap<&'a str, StatusCounts>) -> Vec<Bar<'a>> {
    let mut bars: Vec<Bar<'a>> = controls
        .iter()
        .map(|(id, c)| Bar {
            label: id,
            counts: *c,
        })
        .collect();
    bars.sort_by_key(|b| natural_key(b.label));
    bars
}

/// Splits `CC6.10` into `[("CC", 6), ("", 10)]`-like parts that compare numerically.
fn natural_key(id: &str) -> Vec<(String, u64)> {
    id.split('.')
        .map(|part| {
            let digits = part.trim_start_matches(|c: char| !c.is_ascii_digit());
            let prefix = &part[..part.len() - digits.len()];
            (prefix.to_string(), digits.parse().unwrap_or(0))
        })
        .collect()
}

fn framework_name(id: &str) -> &str {
    match id {
        "soc2" => "SOC 2 (Trust Services Criteria)",
        "iso27001" => "ISO/IEC 27001:2022 Annex A",
        other => other,
    }
}

fn resource(f: &Finding) -> Markup {
    let r = &f.resource;
    html! {
        (r.kind) " " strong { (r.display_name.as_deref().unwrap_or(&r.id)) }
        @if r.display_name.as_deref().is_some_and(|n| n != r.id) {
            br; code class="muted" { (r.id) }
        }
    }
}

fn findings_table(findings: &[&Finding], waiver_column: bool) -> Markup {
    html! {
        table {
            thead { tr {
                th { "severity" } th { "check" } th { "resource" } th { "account" } th { "finding" }
                @if waiver_column { th { "accepted risk" } }
            } }
            tbody {
                @for f in findings {
                    tr data-status=(f.status.as_str()) {
                        td { span class=(format!("sev sev-{}", f.severity.as_str())) { (f.severity.as_str()) } }
                        td { code { (f.check_id) } }
                        td { (resource(f)) }
                        td { (f.resource.account.as_deref().unwrap_or("")) }
                        td { (f.message) }
                        @if waiver_column {
                            td { @if let Some(w) = &f.waiver {
                                (w.reason) br; span class="muted" { (w.owner) ", until " (w.expires)
                                    @if let Some(t) = &w.ticket { " (" (t) ")" } }
                            } }
                        }
                    }
                }
            }
        }
    }
}

/// Renders `report` as one self-contained HTML page.
pub fn render(report: &Report) -> String {
    let t = &report.summary.total;
    let waived = report.summary.waived;
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
    let undecided: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| matches!(f.status, Status::NotEvaluable | Status::Error))
        .collect();
    let domains: Vec<Bar<'_>> = report
        .summary
        .by_domain
        .iter()
        .map(|(d, c)| Bar {
            label: d,
            counts: *c,
        })
        .collect();
    let controls = control_counts(report);
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "posture report — " (report.snapshot.origin) }
                style { (PreEscaped(CSS)) }
            }
            body {
                header {
                    h1 { "posture report" }
                    p { "Snapshot " code { (report.snapshot.origin) } ", captured " (report.snapshot.captured_at)
                        "; evaluated " (report.now) "." }
                    p { "Accounts: " (report.snapshot.accounts.join(", ")) }
                    p { "posture " (report.posture_version) ", contract " (report.contract_version) ", "
                        (report.checks.len()) " checks from " (report.plugins.len()) " plugins"
                        @if !report.not_applicable.is_empty() { ", " (report.not_applicable.len()) " not applicable" } "." }
                }
                main {
                    @if report.summary.plugins_failed > 0 {
                        div class="banner" id="incomplete" {
                            (report.summary.plugins_failed) " plugin(s) failed: these results are incomplete."
                        }
                    }
                    section id="totals" {
                        h2 { "Findings" }
                        div class="tiles" {
                            div class="tile t-fail" { span class="n" id="count-fail" data-count=(t.fail) { (t.fail) } "failing" }
                            div class="tile t-waived" { span class="n" id="count-waived" data-count=(waived) { (waived) } "of them waived" }
                            div class="tile t-pass" { span class="n" id="count-pass" data-count=(t.pass) { (t.pass) } "passing" }
                            div class="tile t-ne" { span class="n" id="count-not-evaluable" data-count=(t.not_evaluable) { (t.not_evaluable) } "not evaluable" }
                            div class="tile t-err" { span class="n" id="count-error" data-count=(t.error) { (t.error) } "errors" }
                        }
                    }
                    section id="charts" {
                        h2 { "Status per domain" }
                        (legend())
                        (stacked_chart("chart-domains", &domains))
                        h2 { "Failing findings per severity" }
                        (severity_chart(report))
                        @for (framework, ctl) in &controls {
                            h2 { "Status per control: " (framework_name(framework)) }
                            p class="muted" { "Findings of the checks that evidence each control. Controls without an automated check are not shown here; use "
                                code { "--framework" } " for the full list with coverage." }
                            @let bars = control_bars(ctl);
                            (stacked_chart(&format!("chart-controls-{framework}"), &bars))
                        }
                    }
                    section id="failing" {
                        h2 { "Failing (" (failing.len()) ")" }
                        (findings_table(&failing, waived > 0))
                    }
                    @if !undecided.is_empty() {
                        section id="undecided" {
                            h2 { "Not evaluable or errored (" (undecided.len()) ")" }
                            p class="muted" { "Data was missing or a check could not run: these are not passes." }
                            (findings_table(&undecided, false))
                        }
                    }
                    section id="checks" {
                        h2 { "Checks" }
                        table {
                            thead { tr { th { "check" } th { "title" } th { "severity" } th { "controls" }
                                th class="num" { "pass" } th class="num" { "fail" } th class="num" { "n/e" } th { "how to fix" } } }
                            tbody {
                                @for c in &report.checks {
                                    tr {
                                        td { code { (c.id) } }
                                        td { (c.title) @if c.plugin_failed { br; strong { "plugin failed" } } }
                                        td { span class=(format!("sev sev-{}", c.severity.as_str())) { (c.severity.as_str()) } }
                                        td { (c.controls.iter().map(|k| format!("{} {}", k.framework, k.id)).collect::<Vec<_>>().join(", ")) }
                                        td class="num" { (c.counts.pass) }
                                        td class="num" { (c.counts.fail) }
                                        td class="num" { (c.counts.not_evaluable) }
                                        td { (c.remediation) }
                                    }
                                }
                            }
                        }
                    }
                    @if !report.not_applicable.is_empty() {
                        section id="not-applicable" {
                            h2 { "Not applicable (" (report.not_applicable.len()) ")" }
                            p class="muted" { "The snapshot has no account of the providers these checks apply to: they did not run." }
                            table {
                                thead { tr { th { "check" } th { "title" } th { "providers" } } }
                                tbody {
                                    @for c in &report.not_applicable {
                                        tr { td { code { (c.id) } } td { (c.title) } td { (c.providers.join(", ")) } }
                                    }
                                }
                            }
                        }
                    }
                    section id="plugins" {
                        h2 { "Plugins" }
                        table {
                            thead { tr { th { "plugin" } th { "version" } th { "vendor" } th { "sha256" } th { "status" } } }
                            tbody {
                                @for p in &report.plugins {
                                    tr {
                                        td { (p.name) } td { (p.version) } td { (p.vendor) }
                                        td { code { (p.digest.get(..16).unwrap_or(&p.digest)) } }
                                        td { @match &p.error { Some(e) => { strong { "failed: " } (e.message) }, None => { (p.findings) " findings" } } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    page.into_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ResourceRef;

    fn report_with(message: &str) -> Report {
        let f = Finding {
            check_id: "iam.admin-mfa".into(),
            plugin: "p".into(),
            domain: "iam".into(),
            status: Status::Fail,
            severity: Severity::High,
            resource: ResourceRef {
                kind: "principal".into(),
                id: "u1".into(),
                display_name: Some("<b>alice</b>".into()),
                account: Some("111".into()),
                tags: Default::default(),
            },
            message: message.into(),
            evidence: Vec::new(),
            waiver: None,
        };
        crate::report::build::test_support::report_of(vec![f])
    }

    #[test]
    fn controls_sort_naturally() {
        let mut ids = vec!["A.8.16", "A.8.2", "A.5.1", "CC6.10", "CC6.2"];
        ids.sort_by_key(|s| natural_key(s));
        assert_eq!(ids, ["A.5.1", "A.8.2", "A.8.16", "CC6.2", "CC6.10"]);
    }

    #[test]
    fn report_text_is_escaped() {
        let html = render(&report_with("<script>alert(1)</script>"));
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!html.contains("<b>alice</b>"));
    }

    #[test]
    fn counts_and_charts_are_present_and_nothing_is_fetched() {
        let html = render(&report_with("no MFA"));
        assert!(html.contains(r#"id="count-fail" data-count="1""#), "{html}");
        assert!(html.contains(r#"id="chart-domains""#));
        assert!(html.contains(r#"data-label="iam" data-fail="1""#));
        for needle in ["src=\"http", "href=\"http", "@import", "url("] {
            assert!(!html.contains(needle), "external reference {needle}");
        }
        assert!(html.starts_with("<!DOCTYPE html>") && html.ends_with("</html>"));
    }
}
