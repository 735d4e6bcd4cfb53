//! Renderings of a control [`Timeline`]: text for a terminal, Markdown for a ticket or a
//! wiki, CSV (one row per control, and one row per control and run) and JSON
//! (`posture.timeline/v1`). The HTML page is the evidence page's (`report::evidence_page`).
//! Run indices are shown as run ids through the `runs` slice the caller gives.

use super::compliance::ControlState;
use super::model::rfc3339;
use super::sanitize::{csv_cell, printable};
use super::timeline::{ControlTimeline, FailingInterval, Timeline, UNEVIDENCED};
use serde_json::{Value, json};
use std::fmt::Write as _;

/// Identifier of the JSON rendering.
pub const TIMELINE_SCHEMA: &str = "posture.timeline/v1";

/// States in the order a summary lists them, then the unevidenced time.
const STATES: [&str; 7] = [
    "passing",
    "failing",
    "accepted-risk",
    "incomplete",
    "no-evidence",
    "not-covered",
    UNEVIDENCED,
];

/// The first ten characters of an RFC 3339 time: the day.
pub fn day(t: i64) -> String {
    rfc3339(t).chars().take(10).collect()
}

/// Seconds as days, to one decimal.
pub fn days(seconds: i64) -> f64 {
    (seconds as f64 / 86_400.0 * 10.0).round() / 10.0
}

/// A share as a percentage with one decimal; `-` when unknown.
pub fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "-".to_string(), |s| format!("{:.1}%", s * 100.0))
}

/// Whether a control had an automated check at any run in the period.
pub fn covered(c: &ControlTimeline) -> bool {
    c.runs.iter().any(|r| r.state != ControlState::NotCovered)
}

fn run_id(runs: &[String], n: usize) -> String {
    runs.get(n).cloned().unwrap_or_else(|| format!("#{n}"))
}

fn resource(r: &super::timeline::ResourceKey) -> String {
    format!("{}/{}/{}", r.0.as_deref().unwrap_or("-"), r.1, r.2)
}

/// One line describing a failing interval: from which run to which, checks, resources.
pub fn interval_line(i: &FailingInterval, runs: &[String], max_resources: usize) -> String {
    let end = match i.ended {
        Some((n, at)) => format!("ended at {} ({})", day(at), run_id(runs, n)),
        None => "still failing at the end".to_string(),
    };
    let shown: Vec<String> = i
        .resources
        .iter()
        .take(max_resources)
        .map(|r| printable(&resource(r)).into_owned())
        .collect();
    let more = i.resources.len().saturating_sub(max_resources);
    let mut s = format!(
        "from {} ({}), last failing at {}, {end}: {} on {}",
        day(i.from),
        run_id(runs, i.from_run),
        run_id(runs, i.last_run),
        i.checks
            .iter()
            .map(|c| printable(c).into_owned())
            .collect::<Vec<_>>()
            .join(", "),
        shown.join(", ")
    );
    if more > 0 {
        let _ = write!(s, " and {more} more");
    }
    s
}

impl Timeline {
    /// Controls with an automated check at some run.
    pub fn covered(&self) -> usize {
        self.controls.iter().filter(|c| covered(c)).count()
    }

    /// Text rendering: a line per control, its failing intervals and waivers under it, the
    /// controls no check covers last.
    pub fn to_text(&self, runs: &[String], runs_in_period: usize) -> String {
        let mut s = format!(
            "control timeline, {}, {} to {} ({} runs in the period; a run's evidence holds {} days)\n",
            self.name,
            day(self.start),
            day(self.end),
            runs_in_period,
            self.cadence_days
        );
        let _ = writeln!(
            s,
            "{} of {} controls have automated checks\n",
            self.covered(),
            self.controls.len()
        );
        if runs_in_period == 0 {
            s.push_str("no recorded run in the period: no control can be shown to have operated\n");
        }
        let _ = writeln!(
            s,
            "{:<10} {:>8} {:>8} {:>9} {:>11}  {:<9} title",
            "control", "passing", "failing", "intervals", "unevidenced", "at end"
        );
        for c in self.controls.iter().filter(|c| covered(c)) {
            let _ = writeln!(
                s,
                "{:<10} {:>8} {:>7.1}d {:>9} {:>10.1}d  {:<9} {}",
                printable(&c.id),
                percent(c.share_passing),
                days(c.seconds.get("failing").copied().unwrap_or(0)),
                c.failing.len(),
                c.unevidenced_days(),
                c.runs.last().map_or("-", |r| r.state.as_str()),
                printable(&c.title)
            );
            for i in &c.failing {
                let _ = writeln!(s, "    FAILING {}", interval_line(i, runs, 5));
            }
            for (w, seen) in &c.waivers {
                let _ = writeln!(
                    s,
                    "    WAIVER {} on {} (owner {}, expires {}, in force {} to {}): {}",
                    printable(&w.check),
                    printable(&w.resource),
                    printable(&w.owner),
                    printable(&w.expires),
                    run_id(runs, seen.first_run),
                    run_id(runs, seen.last_run),
                    printable(&w.reason)
                );
            }
        }
        let uncovered: Vec<&ControlTimeline> =
            self.controls.iter().filter(|c| !covered(c)).collect();
        if !uncovered.is_empty() {
            let _ = writeln!(
                s,
                "\nNOT COVERED BY AUTOMATED CHECKS ({}): evidence these by other means",
                uncovered.len()
            );
            for c in uncovered {
                let _ = writeln!(s, "  {:<8} {}", printable(&c.id), printable(&c.title));
            }
        }
        s
    }

    /// Markdown rendering: one table of every control, then the failing intervals.
    pub fn to_markdown(&self, runs: &[String], runs_in_period: usize) -> String {
        let cell = |t: &str| printable(t).replace('\\', "\\\\").replace('|', "\\|");
        let mut s = format!(
            "# Control timeline: {}\n\n{} to {}, {} runs in the period; a run's evidence holds {} days. {} of {} controls have automated checks.\n\n",
            self.name,
            day(self.start),
            day(self.end),
            runs_in_period,
            self.cadence_days,
            self.covered(),
            self.controls.len()
        );
        s.push_str("| control | title | passing | days failing | failing intervals | days unevidenced | at end | waivers |\n|---|---|---:|---:|---:|---:|---|---:|\n");
        for c in &self.controls {
            if covered(c) {
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} | {} | {:.1} | {} | {} |",
                    cell(&c.id),
                    cell(&c.title),
                    percent(c.share_passing),
                    days(c.seconds.get("failing").copied().unwrap_or(0)),
                    c.failing.len(),
                    c.unevidenced_days(),
                    c.runs.last().map_or("-", |r| r.state.as_str()),
                    c.waivers.len()
                );
            } else {
                let _ = writeln!(
                    s,
                    "| {} | {} | not covered by automated checks | | | | | |",
                    cell(&c.id),
                    cell(&c.title)
                );
            }
        }
        let failing: Vec<&ControlTimeline> = self
            .controls
            .iter()
            .filter(|c| !c.failing.is_empty())
            .collect();
        if !failing.is_empty() {
            s.push_str("\n## Failing intervals\n\n");
            for c in failing {
                for i in &c.failing {
                    let _ = writeln!(
                        s,
                        "- **{}**: {}",
                        cell(&c.id),
                        cell(&interval_line(i, runs, 10))
                    );
                }
            }
        }
        s
    }

    /// CSV rendering: one row per control.
    pub fn to_csv(&self) -> Result<String, csv::Error> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut header = vec![
            "framework",
            "control",
            "group",
            "title",
            "covered",
            "checks",
            "runs",
            "share_passing",
        ];
        let day_columns: Vec<String> = STATES
            .iter()
            .map(|s| format!("days_{}", s.replace('-', "_")))
            .collect();
        header.extend(day_columns.iter().map(String::as_str));
        header.extend(["failing_intervals", "waivers", "state_at_end"]);
        w.write_record(&header)?;
        for c in &self.controls {
            let mut row = vec![
                self.framework.clone(),
                c.id.clone(),
                c.group.clone(),
                c.title.clone(),
                covered(c).to_string(),
                c.checks.iter().cloned().collect::<Vec<_>>().join(" "),
                c.runs.len().to_string(),
                c.share_passing
                    .map_or_else(String::new, |s| format!("{s:.4}")),
            ];
            for state in STATES {
                row.push(format!(
                    "{:.1}",
                    days(c.seconds.get(state).copied().unwrap_or(0))
                ));
            }
            row.push(c.failing.len().to_string());
            row.push(c.waivers.len().to_string());
            row.push(
                c.runs
                    .last()
                    .map_or_else(String::new, |r| r.state.as_str().to_string()),
            );
            w.write_record(row.iter().map(|c| csv_cell(c).into_owned()))?;
        }
        let bytes = w.into_inner().map_err(|e| e.into_error())?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// CSV of every control's state at every run: control, run id, time, state.
    pub fn runs_csv(&self, runs: &[String]) -> Result<String, csv::Error> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(["framework", "control", "run", "at", "state"])?;
        for c in &self.controls {
            for r in &c.runs {
                w.write_record(
                    [
                        self.framework.as_str(),
                        &c.id,
                        &run_id(runs, r.run),
                        &rfc3339(r.now),
                        r.state.as_str(),
                    ]
                    .iter()
                    .map(|c| csv_cell(c).into_owned()),
                )?;
            }
        }
        let bytes = w.into_inner().map_err(|e| e.into_error())?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// The JSON document (`posture.timeline/v1`).
    pub fn to_json(&self, runs: &[String], runs_in_period: usize) -> Value {
        let controls: Vec<Value> = self
            .controls
            .iter()
            .map(|c| {
                let days_in: serde_json::Map<String, Value> = STATES
                    .iter()
                    .map(|s| {
                        (
                            (*s).to_string(),
                            json!(days(c.seconds.get(s).copied().unwrap_or(0))),
                        )
                    })
                    .collect();
                json!({
                    "id": c.id,
                    "group": c.group,
                    "title": c.title,
                    "covered": covered(c),
                    "checks": c.checks,
                    "share_passing": c.share_passing,
                    "days": days_in,
                    "runs": c.runs.iter().map(|r| json!({
                        "run": run_id(runs, r.run),
                        "at": rfc3339(r.now),
                        "state": r.state.as_str(),
                    })).collect::<Vec<_>>(),
                    "failing": c.failing.iter().map(|i| json!({
                        "from_run": run_id(runs, i.from_run),
                        "from": rfc3339(i.from),
                        "last_failing_run": run_id(runs, i.last_run),
                        "ended_run": i.ended.map(|(n, _)| run_id(runs, n)),
                        "ended": i.ended.map(|(_, at)| rfc3339(at)),
                        "checks": i.checks,
                        "resources": i.resources.iter().map(|r| json!({
                            "account": r.0, "kind": r.1, "id": r.2,
                        })).collect::<Vec<_>>(),
                    })).collect::<Vec<_>>(),
                    "waivers": c.waivers.iter().map(|(w, seen)| json!({
                        "check": w.check,
                        "resource": w.resource,
                        "account": w.account,
                        "reason": w.reason,
                        "owner": w.owner,
                        "expires": w.expires,
                        "first_run": run_id(runs, seen.first_run),
                        "last_run": run_id(runs, seen.last_run),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        json!({
            "schema": TIMELINE_SCHEMA,
            "framework": self.framework,
            "name": self.name,
            "from": rfc3339(self.start),
            "to": rfc3339(self.end),
            "runs_in_period": runs_in_period,
            "cadence_days": self.cadence_days,
            "controls_covered": self.covered(),
            "controls": controls,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::cadence::Cadence;
    use crate::report::compliance::{Framework, catalog};
    use crate::report::timeline::TimelineTracker;

    fn empty() -> Timeline {
        let cat = catalog(Framework::Iso27001).expect("catalogue");
        TimelineTracker::new(&cat, Cadence::default()).finish(0, 86_400 * 30)
    }

    #[test]
    fn a_period_without_runs_says_so_in_every_rendering() {
        let t = empty();
        let text = t.to_text(&[], 0);
        assert!(text.contains("no recorded run in the period"), "{text}");
        assert!(text.contains("NOT COVERED BY AUTOMATED CHECKS"));
        let md = t.to_markdown(&[], 0);
        assert!(md.contains("not covered by automated checks"));
        let csv = t.to_csv().expect("csv");
        assert_eq!(csv.lines().count(), t.controls.len() + 1);
        assert!(csv.lines().nth(1).is_some_and(|l| l.contains(",false,")));
        let json = t.to_json(&[], 0);
        assert_eq!(json["controls_covered"], 0);
        assert_eq!(json["controls"][0]["days"]["unevidenced"], 30.0);
    }
}
