//! Evidence over an audit period, read from the run history: `posture evidence remediation`
//! (time to remediate, judged against the action plan's deadlines).

use crate::args::{EvidenceCommand, HistoryArgs, ListFormat};
use crate::exit::Exit;
use crate::output::write_output;
use anyhow::{Context, Result};
use posture::config::Config;
use posture::report::remediation::{Interval, Summary, Tracker, summarize};
use posture::report::sanitize::printable;
use posture_history::RunRef;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

pub(crate) fn evidence(command: EvidenceCommand) -> Result<Exit> {
    match command {
        EvidenceCommand::Remediation {
            history,
            from,
            to,
            config,
            format,
        } => remediation(&history, from.as_deref(), to.as_deref(), config, format),
    }
}

/// A period bound: a date (midnight UTC) or an RFC 3339 time.
fn bound(flag: &str, text: &str) -> Result<i64> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(t.timestamp());
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp())
        .with_context(|| {
            format!("{flag} `{text}` is neither a date (2026-01-01) nor an RFC 3339 time")
        })
}

fn remediation(
    history: &HistoryArgs,
    from: Option<&str>,
    to: Option<&str>,
    config: Option<PathBuf>,
    format: ListFormat,
) -> Result<Exit> {
    let from = from.map(|t| bound("--from", t)).transpose()?;
    let to = to.map(|t| bound("--to", t)).transpose()?;
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        anyhow::bail!("--from is after --to");
    }
    let policy = match config {
        Some(p) => Config::load(&p)?.actions,
        None => Config::default().actions,
    };
    let mut store = history.open()?;
    // Every run up to the period's end, in time order (backfilled runs take their place),
    // so that a finding failing since before the period keeps its first sighting.
    let mut runs: Vec<(i64, u64, String)> = Vec::new();
    for run in store.list_runs()? {
        let now = bound("the run's time", &run.now)?;
        if to.is_none_or(|t| now <= t) {
            runs.push((now, run.seq, run.run_id));
        }
    }
    runs.sort();
    let mut tracker = Tracker::new(&policy);
    for (_, seq, run_id) in &runs {
        let text = store.run_report(RunRef::Seq(*seq))?;
        let report = posture::report::from_slice(text.as_bytes(), Path::new(run_id))?;
        tracker.add(&report)?;
    }
    let first = runs.first().map(|r| r.0);
    let last = runs.last().map(|r| r.0);
    let start = from.or(first).unwrap_or(0);
    let end = to.or(last).unwrap_or(start);
    let in_period = runs.iter().filter(|r| r.0 >= start).count();
    let intervals: Vec<Interval> = tracker
        .finish(end)
        .into_iter()
        .filter(|i| i.opened <= end && i.fixed.is_none_or(|(_, at, _)| at >= start))
        .collect();
    let summary = summarize(&intervals);
    let out = match format {
        ListFormat::Json => {
            let doc = serde_json::json!({
                "from": posture::report::rfc3339(start),
                "to": posture::report::rfc3339(end),
                "runs_in_period": in_period,
                "intervals": intervals.iter().map(|i| interval_json(i, &runs)).collect::<Vec<_>>(),
                "summary": summary,
            });
            format!("{}\n", serde_json::to_string_pretty(&doc)?)
        }
        ListFormat::Text => text(start, end, in_period, &intervals, &summary, &runs),
    };
    write_output(None, &out)?;
    Ok(Exit::Success)
}

fn interval_json(i: &Interval, runs: &[(i64, u64, String)]) -> serde_json::Value {
    let run = |n: usize| runs.get(n).map(|r| r.2.clone());
    serde_json::json!({
        "check_id": i.check_id,
        "domain": i.domain,
        "account": i.account,
        "resource_kind": i.resource_kind,
        "resource_id": i.resource_id,
        "severity": i.severity,
        "owner": i.owner,
        "first_seen_failing": posture::report::rfc3339(i.opened),
        "first_seen_run": run(i.opened_run),
        "deadline": posture::report::rfc3339(i.deadline),
        "fixed_at": i.fixed.map(|(_, at, _)| posture::report::rfc3339(at)),
        "fixed_run": i.fixed.and_then(|(n, _, _)| run(n)),
        "fixed_by": i.fixed.map(|(_, _, how)| how),
        "days_to_remediate": i.seconds_to_fix().map(days),
        "outcome": i.outcome,
    })
}

fn days(seconds: i64) -> f64 {
    (seconds as f64 / 86_400.0 * 10.0).round() / 10.0
}

fn day(t: i64) -> String {
    posture::report::rfc3339(t).chars().take(10).collect()
}

fn text(
    start: i64,
    end: i64,
    runs_in_period: usize,
    intervals: &[Interval],
    summary: &Summary,
    runs: &[(i64, u64, String)],
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "time to remediate, {} to {} ({runs_in_period} runs in the period)\n",
        day(start),
        day(end)
    );
    if runs.is_empty() {
        s.push_str("no recorded run: nothing can be said about this period\n");
        return s;
    }
    let _ = writeln!(
        s,
        "{:<22} {:<9} {:<11} {:<11} {:>6}  {:<22} resource",
        "outcome", "severity", "failing", "fixed", "days", "check"
    );
    for i in intervals {
        let outcome = serde_json::to_value(i.outcome)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let fixed = i
            .fixed
            .map_or_else(|| "open".to_string(), |(_, at, _)| day(at));
        let took = i
            .seconds_to_fix()
            .map_or_else(|| "-".to_string(), |t| format!("{:.1}", days(t)));
        let resource = format!(
            "{}/{}/{}",
            i.account.as_deref().unwrap_or("-"),
            i.resource_kind,
            i.resource_id
        );
        let _ = writeln!(
            s,
            "{outcome:<22} {:<9} {:<11} {fixed:<11} {took:>6}  {:<22} {}",
            i.severity.as_str(),
            day(i.opened),
            printable(&i.check_id),
            printable(&resource)
        );
    }
    let _ = writeln!(
        s,
        "\n{:<14} {:>9} {:>6} {:>6} {:>8} {:>12} {:>9}",
        "severity", "intervals", "fixed", "late", "overdue", "median days", "p90 days"
    );
    let show = |d: Option<f64>| d.map_or_else(|| "-".to_string(), |d| format!("{d:.1}"));
    let mut row = |name: &str, f: &posture::report::remediation::Figures| {
        let _ = writeln!(
            s,
            "{:<14} {:>9} {:>6} {:>6} {:>8} {:>12} {:>9}",
            printable(name),
            f.intervals,
            f.fixed,
            f.fixed_late,
            f.open_overdue,
            show(f.median_days),
            show(f.p90_days)
        );
    };
    for (sev, f) in &summary.by_severity {
        row(sev.as_str(), f);
    }
    row("all", &summary.all);
    s
}
