//! The evidence pack's self-contained HTML page (`index.html`, and `posture evidence
//! timeline --format html`): period summary, one inline SVG strip per control showing its
//! state over time, evidence gaps, the time-to-remediate table, the privilege trend chart.
//! No scripts and no network; every text is escaped by `maud`. Figures are also on the
//! elements as `data-*` attributes so that a browser test (or an auditor's scraper) can read
//! them back.

use super::cadence::Gap;
use super::compliance::ControlState;
use super::privileges::{Subject, Trend};
use super::remediation::{Figures, Interval, Summary};
use super::timeline::{ControlTimeline, Timeline, segments};
use super::timeline_format::{covered, day, interval_line, percent};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use std::collections::BTreeMap;

/// Rows of the time-to-remediate table shown on the page (the CSV and JSON have them all).
const MAX_INTERVAL_ROWS: usize = 500;

const EXTRA_CSS: &str = r#"
.strip { display: block; }
.st-passing { fill: #2e7d32; } .st-failing { fill: #c62828; } .st-accepted-risk { fill: #ef6c00; }
.st-incomplete { fill: #6a1b9a; } .st-no-evidence { fill: #9e9e9e; } .st-not-covered { fill: #e4e7eb; }
.st-unevidenced { fill: #fff; stroke: #c62828; stroke-dasharray: 3 2; }
td.strip-cell { width: 620px; }
.gap { color: #c62828; font-weight: 600; }
"#;

/// What the page shows; sections that are `None` are left out.
pub struct EvidencePage<'a> {
    /// The control timeline (always shown).
    pub timeline: &'a Timeline,
    /// Run ids by run index.
    pub runs: &'a [String],
    /// Runs recorded in the period.
    pub runs_in_period: usize,
    /// Evidence gaps per account.
    pub gaps: &'a BTreeMap<String, Vec<Gap>>,
    /// Failing intervals and their summary.
    pub remediation: Option<(&'a [Interval], &'a Summary)>,
    /// The privilege trend.
    pub privileges: Option<&'a Trend>,
}

const STRIP_W: f64 = 600.0;
const STRIP_H: f64 = 14.0;

/// A control's state over the period as one SVG strip: a rectangle per stretch a run's
/// state held, and a dashed one for unevidenced time.
fn strip(t: &Timeline, c: &ControlTimeline) -> Markup {
    let (start, end) = (t.start, t.end.max(t.start));
    let length = (end - start).max(1) as f64;
    let x = |at: i64| (at - start) as f64 / length * STRIP_W;
    let parts = segments(&c.runs, start, end, t.cadence_days * 86_400);
    html! {
        svg class="strip" xmlns="http://www.w3.org/2000/svg" width=(STRIP_W) height=(STRIP_H)
            role="img" data-control=(c.id) {
            title { (c.id) ": state over the period" }
            @for (state, from, to) in parts {
                rect class=(format!("st-{state}")) data-state=(state) data-from=(day(from))
                    data-to=(day(to)) x=(x(from)) y="1" width=(x(to) - x(from))
                    height=(STRIP_H - 2.0) {
                    title { (state) ", " (day(from)) " to " (day(to)) }
                }
            }
        }
    }
}

fn legend() -> Markup {
    let states = [
        ControlState::Passing,
        ControlState::Failing,
        ControlState::AcceptedRisk,
        ControlState::Incomplete,
        ControlState::NoEvidence,
    ];
    html! {
        p class="legend" {
            @for s in states {
                span { svg width="10" height="10" { rect class=(format!("st-{}", s.as_str())) width="10" height="10" {} } " " (s.as_str()) }
            }
            span { svg width="10" height="10" { rect class="st-unevidenced" width="10" height="10" {} } " unevidenced (no run within the cadence)" }
        }
    }
}

fn timeline_section(p: &EvidencePage<'_>) -> Markup {
    let t = p.timeline;
    let (covered_controls, uncovered): (Vec<&ControlTimeline>, Vec<&ControlTimeline>) =
        t.controls.iter().partition(|c| covered(c));
    html! {
        section id="timeline" {
            h2 { "Control timeline: " (t.name) }
            p class="muted" {
                (covered_controls.len()) " of " (t.controls.len()) " controls have automated checks. "
                "The share passing is weighted by time; a run's evidence holds " (t.cadence_days)
                " days, after which the time is unevidenced and never counts as passing."
            }
            (legend())
            table {
                tr { th { "control" } th { "title" } th.num { "passing" } th.num { "failing intervals" } th.num { "days unevidenced" } th { "state over the period" } }
                @for c in &covered_controls {
                    tr class="control" data-control=(c.id) data-share-passing=(c.share_passing.map_or(String::new(), |s| format!("{s:.4}")))
                        data-failing-intervals=(c.failing.len()) data-unevidenced-days=(format!("{:.1}", c.unevidenced_days())) {
                        td { code { (c.id) } }
                        td { (c.title) }
                        td.num { (percent(c.share_passing)) }
                        td.num { (c.failing.len()) }
                        td.num { (format!("{:.1}", c.unevidenced_days())) }
                        td class="strip-cell" { (strip(t, c)) }
                    }
                    @for i in &c.failing {
                        tr class="interval" data-control=(c.id) { td {} td colspan="5" class="muted" { "failing " (interval_line(i, p.runs, 5)) } }
                    }
                    @for (w, _) in &c.waivers {
                        tr class="waiver" data-control=(c.id) { td {} td colspan="5" class="muted" {
                            "waiver in force: " code { (w.check) } " on " code { (w.resource) } ", owner " (w.owner) ", expires " (w.expires) ": " (w.reason)
                        } }
                    }
                }
            }
            @if !uncovered.is_empty() {
                h3 { "Not covered by automated checks (" (uncovered.len()) "): evidence these by other means" }
                p { @for (n, c) in uncovered.iter().enumerate() { @if n > 0 { ", " } code data-uncovered=(c.id) { (c.id) } } }
            }
        }
    }
}

fn gaps_section(p: &EvidencePage<'_>) -> Markup {
    let total: usize = p.gaps.values().map(Vec::len).sum();
    html! {
        section id="gaps" data-gaps=(total) {
            h2 { "Evidence gaps" }
            p class="muted" { "Stretches longer than the promised cadence (" (p.timeline.cadence_days) " days) without a recorded run, per account." }
            @if p.runs_in_period == 0 {
                p class="gap" { "No recorded run in the period: nothing shows that any control operated." }
            }
            @if total == 0 {
                p { "No gap: every account was scanned at the promised cadence." }
            } @else {
                table {
                    tr { th { "account" } th { "from" } th { "to" } th.num { "days" } }
                    @for (account, gaps) in p.gaps {
                        @for g in gaps {
                            tr class="gap-row" data-account=(account) data-days=(g.days) {
                                td { code { (account) } } td { (day(g.from)) } td { (day(g.to)) } td.num.gap { (g.days) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn figures_row(name: &str, f: &Figures) -> Markup {
    let show = |d: Option<f64>| d.map_or_else(|| "-".to_string(), |d| format!("{d:.1}"));
    html! {
        tr data-group=(name) data-overdue=(f.open_overdue) data-late=(f.fixed_late) {
            td { (name) } td.num { (f.intervals) } td.num { (f.fixed) } td.num { (f.fixed_late) }
            td.num { (f.open_overdue) } td.num { (show(f.median_days)) } td.num { (show(f.p90_days)) }
        }
    }
}

fn remediation_section(intervals: &[Interval], summary: &Summary, runs: &[String]) -> Markup {
    let run = |n: usize| runs.get(n).cloned().unwrap_or_default();
    html! {
        section id="remediation" {
            h2 { "Time to remediate" }
            p class="muted" { "Every failing interval of a check on a resource that overlaps the period, judged against the action plan's deadline." }
            table {
                tr { th { "" } th.num { "intervals" } th.num { "fixed" } th.num { "fixed late" } th.num { "open overdue" } th.num { "median days" } th.num { "p90 days" } }
                @for (sev, f) in &summary.by_severity { (figures_row(sev.as_str(), f)) }
                (figures_row("all", &summary.all))
            }
            h3 { "By owner" }
            table {
                tr { th { "owner" } th.num { "intervals" } th.num { "fixed" } th.num { "fixed late" } th.num { "open overdue" } th.num { "median days" } th.num { "p90 days" } }
                @for (owner, f) in &summary.by_owner { (figures_row(owner, f)) }
            }
            h3 { "Intervals" @if intervals.len() > MAX_INTERVAL_ROWS { " (first " (MAX_INTERVAL_ROWS) " of " (intervals.len()) "; all are in findings-history.csv)" } }
            table {
                tr { th { "outcome" } th { "severity" } th { "check" } th { "resource" } th { "owner" } th { "first seen failing" } th { "deadline" } th { "fixed" } th.num { "days" } }
                @for i in intervals.iter().take(MAX_INTERVAL_ROWS) {
                    @let outcome = serde_json::to_value(i.outcome).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                    tr class="ttr" data-check=(i.check_id) data-resource=(i.resource_id) data-outcome=(outcome) {
                        td { (outcome) } td { (i.severity.as_str()) } td { code { (i.check_id) } }
                        td { code { (i.account.as_deref().unwrap_or("-")) "/" (i.resource_kind) "/" (i.resource_id) } }
                        td { (i.owner) } td { (day(i.opened)) " (" (run(i.opened_run)) ")" } td { (day(i.deadline)) }
                        td { @match i.fixed { Some((n, at, _)) => { (day(at)) " (" (run(n)) ")" }, None => { "open" } } }
                        td.num { (i.seconds_to_fix().map_or_else(|| "-".to_string(), |s| format!("{:.1}", s as f64 / 86_400.0))) }
                    }
                }
            }
        }
    }
}

/// Administrators per account over the period as an SVG line chart.
fn privileges_section(p: &EvidencePage<'_>, trend: &Trend) -> Markup {
    const W: f64 = 640.0;
    const H: f64 = 160.0;
    let (start, end) = (p.timeline.start, p.timeline.end.max(p.timeline.start));
    let length = (end - start).max(1) as f64;
    let max = trend
        .accounts
        .values()
        .flat_map(|pts| pts.iter().filter_map(|p| p.admins))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let x = |at: i64| 40.0 + (at.clamp(start, end) - start) as f64 / length * (W - 50.0);
    let y = |n: usize| H - 20.0 - n as f64 / max * (H - 40.0);
    let rising = trend.rising();
    html! {
        section id="privileges" data-rising=(rising.len()) {
            h2 { "Privilege trend" }
            p class="muted" { "Administrators per account at each run (unknown when the snapshot did not collect them)." }
            svg id="privilege-chart" xmlns="http://www.w3.org/2000/svg" width=(W) height=(H) role="img" {
                line x1="40" y1=(H - 20.0) x2=(W - 10.0) y2=(H - 20.0) stroke="#9e9e9e" {}
                text x="0" y=(y(max as usize) + 4.0) { (max as usize) }
                text x="0" y=(H - 16.0) { "0" }
                @for (account, points) in &trend.accounts {
                    @let pts: Vec<String> = points.iter().filter_map(|pt| pt.admins.map(|n| format!("{:.1},{:.1}", x(pt.now), y(n)))).collect();
                    @let first = points.iter().find_map(|pt| pt.admins);
                    @let last = points.iter().rev().find_map(|pt| pt.admins);
                    polyline class="admins" data-account=(account) data-first=(first.map_or(String::new(), |n| n.to_string()))
                        data-last=(last.map_or(String::new(), |n| n.to_string())) points=(pts.join(" ")) fill="none" stroke="#1565c0" stroke-width="2" {
                        title { (account) ": administrators per run" }
                    }
                }
            }
            @for (account, first, last) in &rising {
                p class="gap rising" data-account=(account) { "Rising: " code { (account) } " had " (first) " administrators at the start of the period and " (last) " at its end." }
            }
            @if rising.is_empty() { p { "No account has more administrators at the end than at the start." } }
            @if !trend.changes.is_empty() {
                h3 { "Additions and removals" }
                table {
                    tr { th { "day" } th { "change" } th { "what" } th { "account" } th { "who / grant" } }
                    @for c in &trend.changes {
                        tr class="privilege-change" data-change=(if c.added { "added" } else { "removed" }) {
                            td { (day(c.now)) } td { (if c.added { "added" } else { "removed" }) }
                            td { (match c.subject { Subject::Admin => "administrator", Subject::Grant => "grant" }) }
                            td { code { (c.item.account) } } td { (c.item.label) }
                        }
                    }
                }
            }
        }
    }
}

/// Renders the page.
pub fn render(p: &EvidencePage<'_>) -> String {
    let t = p.timeline;
    let failing_now = t
        .controls
        .iter()
        .filter(|c| {
            c.runs
                .last()
                .is_some_and(|r| r.state == ControlState::Failing)
        })
        .count();
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { "Evidence " (day(t.start)) " to " (day(t.end)) " — posture" }
                style { (PreEscaped(super::html::CSS)) (PreEscaped(EXTRA_CSS)) }
            }
            body {
                header {
                    h1 { "Evidence for " (day(t.start)) " to " (day(t.end)) }
                    p { (t.name) " · " (p.runs_in_period) " recorded runs in the period · promised cadence " (t.cadence_days) " days" }
                }
                main {
                    section id="summary" data-runs=(p.runs_in_period) data-failing-controls=(failing_now) {
                        h2 { "Period summary" }
                        div class="tiles" {
                            div class="tile t-pass" { span class="n" { (p.runs_in_period) } "runs in the period" }
                            div class="tile t-ne" { span class="n" { (t.covered()) " / " (t.controls.len()) } "controls with automated checks" }
                            div class="tile t-fail" { span class="n" { (failing_now) } "controls failing at the end" }
                            div class="tile t-waived" { span class="n" { (p.gaps.values().map(Vec::len).sum::<usize>()) } "evidence gaps" }
                        }
                    }
                    (timeline_section(p))
                    (gaps_section(p))
                    @if let Some((intervals, summary)) = p.remediation { (remediation_section(intervals, summary, p.runs)) }
                    @if let Some(trend) = p.privileges { (privileges_section(p, trend)) }
                }
            }
        }
    };
    page.into_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::cadence::Cadence;
    use crate::report::compliance::{Framework, catalog};
    use crate::report::timeline::TimelineTracker;

    #[test]
    fn an_empty_period_is_shown_as_unevidenced_and_the_page_fetches_nothing() {
        let cat = catalog(Framework::Soc2).expect("catalogue");
        let t = TimelineTracker::new(&cat, Cadence::default()).finish(0, 86_400 * 90);
        let gaps = BTreeMap::from([(
            "111<script>".to_string(),
            vec![Gap {
                from: 0,
                to: 86_400 * 90,
                days: 90,
            }],
        )]);
        let html = render(&EvidencePage {
            timeline: &t,
            runs: &[],
            runs_in_period: 0,
            gaps: &gaps,
            remediation: None,
            privileges: None,
        });
        assert!(html.contains("No recorded run in the period"));
        assert!(html.contains("111&lt;script&gt;"), "escaped");
        assert!(!html.contains("<script"), "no script");
        assert!(
            !html.contains(" src=") && !html.contains(" href="),
            "nothing fetched"
        );
        assert!(html.contains("data-uncovered=\"CC1.1\""));
    }
}
