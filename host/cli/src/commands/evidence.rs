//! Evidence over an audit period, read from the run history one run at a time: `posture
//! evidence remediation` (time to remediate, judged against the action plan's deadlines) and
//! `posture evidence privileges` (administrators per account over time) and `posture
//! evidence gaps` (stretches without a run longer than the promised cadence) and `posture
//! evidence timeline` (every control's state over the period). The pack is `evidence_pack`.

use crate::args::{EvidenceCommand, ListFormat, PeriodArgs, PromiseArgs, TimelineFormat};
use crate::exit::Exit;
use crate::output::write_output;
use anyhow::{Context, Result};
use posture::config::Config;
use posture::report::cadence::{Cadence, Gap};
use posture::report::evidence_page::EvidencePage;
use posture::report::privileges::{Subject, Trend, TrendTracker};
use posture::report::remediation::{Interval, Summary, Tracker, summarize};
use posture::report::sanitize::printable;
use posture::report::timeline::TimelineTracker;
use posture::report::timeline_format::{day, days};
use posture_history::{RunRef, Store};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

pub(crate) fn evidence(command: EvidenceCommand) -> Result<Exit> {
    match command {
        EvidenceCommand::Remediation {
            period,
            config,
            format,
        } => remediation(&period, config, format),
        EvidenceCommand::Privileges { period, format } => privileges(&period, format),
        EvidenceCommand::Gaps {
            period,
            config,
            cadence,
            format,
        } => gaps(&period, config, cadence.as_deref(), format),
        EvidenceCommand::Timeline {
            period,
            promise,
            format,
        } => timeline(&period, &promise, format),
        EvidenceCommand::Export {
            period,
            promise,
            out,
        } => super::evidence_pack::export(&period, &promise, &out),
    }
}

/// A period bound: a date (midnight UTC) or an RFC 3339 time.
pub(crate) fn bound(flag: &str, text: &str) -> Result<i64> {
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

/// The runs read for a period: every run up to its end, in time order.
pub(crate) struct Period {
    pub(crate) start: i64,
    pub(crate) end: i64,
    /// (time, sequence, run id, accounts) of every run up to the end.
    pub(crate) runs: Vec<(i64, u64, String, Vec<String>)>,
    /// How many of them fall in the period.
    pub(crate) in_period: usize,
}

impl Period {
    /// Run ids by run index.
    pub(crate) fn run_ids(&self) -> Vec<String> {
        self.runs.iter().map(|r| r.2.clone()).collect()
    }

    /// Evidence gaps per account under `cadence`.
    pub(crate) fn gaps(&self, cadence: Cadence) -> BTreeMap<String, Vec<Gap>> {
        let times: Vec<(i64, Vec<String>)> = self.runs.iter().map(|r| (r.0, r.3.clone())).collect();
        posture::report::cadence::gaps(self.start, self.end, &times, cadence)
    }
}

/// The promised cadence: `--cadence`, else the configuration's, else quarterly.
pub(crate) fn cadence_of(cadence: Option<&str>, config: Option<&Config>) -> Result<Cadence> {
    Ok(match (cadence, config) {
        (Some(c), _) => Cadence::parse(c).map_err(anyhow::Error::msg)?,
        (None, Some(c)) => c.evidence.cadence,
        (None, None) => Cadence::default(),
    })
}

/// Every recorded run up to the period's end, in time order (backfilled runs take their
/// place), and the store they are in.
pub(crate) fn list_runs(period: &PeriodArgs) -> Result<(Store, Period)> {
    let from = period
        .from
        .as_deref()
        .map(|t| bound("--from", t))
        .transpose()?;
    let to = period.to.as_deref().map(|t| bound("--to", t)).transpose()?;
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        anyhow::bail!("--from is after --to");
    }
    let mut store = period.history.open()?;
    let mut runs = Vec::new();
    for run in store.list_runs()? {
        let now = bound("the run's time", &run.now)?;
        if to.is_none_or(|t| now <= t) {
            runs.push((now, run.seq, run.run_id, run.accounts));
        }
    }
    runs.sort();
    let start = from.or(runs.first().map(|r| r.0)).unwrap_or(0);
    // a period whose --from is after the last run ends where it starts: it has no run
    let end = to.or(runs.last().map(|r| r.0)).unwrap_or(start).max(start);
    let in_period = runs.iter().filter(|r| r.0 >= start).count();
    Ok((
        store,
        Period {
            start,
            end,
            runs,
            in_period,
        },
    ))
}

/// [`list_runs`], then each run's report handed to `each` in that order: one report in
/// memory at a time. Reading from the first run keeps a finding's first sighting even when
/// it is before the period.
pub(crate) fn read_runs(
    period: &PeriodArgs,
    mut each: impl FnMut(&posture::report::Report, &str) -> Result<()>,
) -> Result<Period> {
    let (mut store, period) = list_runs(period)?;
    for (_, seq, run_id, _) in &period.runs {
        let text = store.run_report(RunRef::Seq(*seq))?;
        let report = posture::report::from_slice(text.as_bytes(), Path::new(run_id))?;
        each(&report, &text)?;
    }
    Ok(period)
}

fn timeline(
    period_args: &PeriodArgs,
    promise: &PromiseArgs,
    format: TimelineFormat,
) -> Result<Exit> {
    let config = promise.config.as_deref().map(Config::load).transpose()?;
    let cadence = cadence_of(promise.cadence.as_deref(), config.as_ref())?;
    let catalog = posture::report::compliance::catalog(promise.framework)?;
    let mut tracker = TimelineTracker::new(&catalog, cadence);
    let period = read_runs(period_args, |report, _| Ok(tracker.add(report)?))?;
    let timeline = tracker.finish(period.start, period.end);
    let runs = period.run_ids();
    let out = match format {
        TimelineFormat::Text => timeline.to_text(&runs, period.in_period),
        TimelineFormat::Markdown => timeline.to_markdown(&runs, period.in_period),
        TimelineFormat::Csv => timeline.to_csv()?,
        TimelineFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&timeline.to_json(&runs, period.in_period))?
        ),
        TimelineFormat::Html => posture::report::evidence_page::render(&EvidencePage {
            timeline: &timeline,
            runs: &runs,
            runs_in_period: period.in_period,
            gaps: &period.gaps(cadence),
            remediation: None,
            privileges: None,
        }),
    };
    finish(out)
}

fn gaps(
    period_args: &PeriodArgs,
    config: Option<PathBuf>,
    cadence: Option<&str>,
    format: ListFormat,
) -> Result<Exit> {
    let config = config.as_deref().map(Config::load).transpose()?;
    let cadence = cadence_of(cadence, config.as_ref())?;
    let (_, period) = list_runs(period_args)?;
    let found = period.gaps(cadence);
    let out = match format {
        ListFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&gaps_doc(&period, &found, cadence))?
        ),
        ListFormat::Text => {
            let mut s = heading("evidence gaps", &period);
            let _ = writeln!(s, "cadence: a run at least every {} days", cadence.days());
            for (account, gaps) in &found {
                for g in gaps {
                    let _ = writeln!(
                        s,
                        "GAP {}: no run from {} to {} ({} days)",
                        printable(account),
                        day(g.from),
                        day(g.to),
                        g.days
                    );
                }
            }
            if period.runs.is_empty() {
                // Said by the heading: no run, nothing can be said.
            } else if found.values().all(Vec::is_empty) {
                s.push_str("no gap: every account was scanned at the promised cadence\n");
            }
            s
        }
    };
    finish(out)
}

fn remediation(
    period_args: &PeriodArgs,
    config: Option<PathBuf>,
    format: ListFormat,
) -> Result<Exit> {
    let policy = match config {
        Some(p) => Config::load(&p)?.actions,
        None => Config::default().actions,
    };
    let mut tracker = Tracker::new(&policy);
    let period = read_runs(period_args, |report, _| Ok(tracker.add(report)?))?;
    let (start, end) = (period.start, period.end);
    let intervals: Vec<Interval> = tracker
        .finish(end)
        .into_iter()
        .filter(|i| i.opened <= end && i.fixed.is_none_or(|(_, at, _)| at >= start))
        .collect();
    let summary = summarize(&intervals);
    let out = match format {
        ListFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&remediation_doc(&period, &intervals, &summary))?
        ),
        ListFormat::Text => text(&period, &intervals, &summary),
    };
    write_output(None, &out)?;
    Ok(Exit::Success)
}

fn privileges(period_args: &PeriodArgs, format: ListFormat) -> Result<Exit> {
    let mut tracker = TrendTracker::new();
    let period = read_runs(period_args, |report, _| {
        tracker.add(report);
        Ok(())
    })?;
    let trend = tracker.finish().within(period.start, period.end);
    let rising = trend.rising();
    let out = match format {
        ListFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&privileges_doc(&period, &trend))?
        ),
        ListFormat::Text => {
            let mut s = heading("privilege trend", &period);
            if period.runs.is_empty() {
                return finish(s);
            }
            for (account, points) in &trend.accounts {
                let series: Vec<String> = points
                    .iter()
                    .map(|p| p.admins.map_or_else(|| "?".to_string(), |n| n.to_string()))
                    .collect();
                let _ = writeln!(
                    s,
                    "{:<36} administrators per run: {}",
                    printable(account),
                    series.join(" ")
                );
            }
            for c in &trend.changes {
                let _ = writeln!(
                    s,
                    "{} {} {} {:<7} {} ({})",
                    day(c.now),
                    if c.added { "+" } else { "-" },
                    match c.subject {
                        Subject::Admin => "admin",
                        Subject::Grant => "grant",
                    },
                    printable(&c.item.account),
                    printable(&c.item.label),
                    printable(&c.item.id)
                );
            }
            for (account, first, last) in &rising {
                let _ = writeln!(
                    s,
                    "RISING {}: {first} administrators at the start of the period, {last} at its end",
                    printable(account)
                );
            }
            if rising.is_empty() {
                s.push_str("no account has more administrators at the end than at the start\n");
            }
            s
        }
    };
    finish(out)
}

fn finish(out: String) -> Result<Exit> {
    write_output(None, &out)?;
    Ok(Exit::Success)
}

/// The first line of a text rendering; says so when no run was recorded.
fn heading(what: &str, period: &Period) -> String {
    let mut s = format!(
        "{what}, {} to {} ({} runs in the period)\n\n",
        day(period.start),
        day(period.end),
        period.in_period
    );
    if period.runs.is_empty() {
        s.push_str("no recorded run: nothing can be said about this period\n");
    }
    s
}

pub(crate) fn interval_json(
    i: &Interval,
    runs: &[(i64, u64, String, Vec<String>)],
) -> serde_json::Value {
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

fn text(period: &Period, intervals: &[Interval], summary: &Summary) -> String {
    let mut s = heading("time to remediate", period);
    if period.runs.is_empty() {
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

/// The JSON document of `evidence gaps`.
pub(crate) fn gaps_doc(
    period: &Period,
    found: &BTreeMap<String, Vec<Gap>>,
    cadence: Cadence,
) -> serde_json::Value {
    let accounts: serde_json::Map<String, serde_json::Value> = found
        .iter()
        .map(|(account, gaps)| {
            let list: Vec<serde_json::Value> = gaps
                .iter()
                .map(|g| {
                    serde_json::json!({
                        "from": posture::report::rfc3339(g.from),
                        "to": posture::report::rfc3339(g.to),
                        "days": g.days,
                    })
                })
                .collect();
            (account.clone(), list.into())
        })
        .collect();
    serde_json::json!({
        "from": posture::report::rfc3339(period.start),
        "to": posture::report::rfc3339(period.end),
        "runs_in_period": period.in_period,
        "cadence_days": cadence.days(),
        "gaps": accounts,
    })
}

/// The JSON document of `evidence privileges`.
pub(crate) fn privileges_doc(period: &Period, trend: &Trend) -> serde_json::Value {
    let rising = trend.rising();
    let run_id = |n: usize| period.runs.get(n).map(|r| r.2.clone());
    let accounts: serde_json::Map<String, serde_json::Value> = trend
        .accounts
        .iter()
        .map(|(account, points)| {
            let series: Vec<serde_json::Value> = points
                .iter()
                .map(|p| {
                    serde_json::json!({
                        "run": run_id(p.run),
                        "at": posture::report::rfc3339(p.now),
                        "admins": p.admins,
                        "admin_grants": p.grants,
                    })
                })
                .collect();
            (account.clone(), series.into())
        })
        .collect();
    let changes: Vec<serde_json::Value> = trend
        .changes
        .iter()
        .map(|c| {
            serde_json::json!({
                "run": run_id(c.run),
                "at": posture::report::rfc3339(c.now),
                "subject": c.subject,
                "change": if c.added { "added" } else { "removed" },
                "account": c.item.account,
                "id": c.item.id,
                "label": c.item.label,
            })
        })
        .collect();
    let rising: Vec<serde_json::Value> = rising
        .iter()
        .map(|(a, first, last)| serde_json::json!({"account": a, "first": first, "last": last}))
        .collect();
    serde_json::json!({
        "from": posture::report::rfc3339(period.start),
        "to": posture::report::rfc3339(period.end),
        "runs_in_period": period.in_period,
        "accounts": accounts,
        "changes": changes,
        "rising": rising,
    })
}

/// The JSON document of `evidence remediation`.
pub(crate) fn remediation_doc(
    period: &Period,
    intervals: &[Interval],
    summary: &Summary,
) -> serde_json::Value {
    serde_json::json!({
        "from": posture::report::rfc3339(period.start),
        "to": posture::report::rfc3339(period.end),
        "runs_in_period": period.in_period,
        "intervals": intervals.iter().map(|i| interval_json(i, &period.runs)).collect::<Vec<_>>(),
        "summary": summary,
    })
}
