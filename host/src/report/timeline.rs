//! The control timeline of an audit period (`posture evidence timeline`): for every control
//! of a framework, its roll-up state at each recorded run, the share of the period it was
//! passing (time-weighted between runs), each failing interval with the checks and resources
//! that failed in it, the waivers in force, and the time no run evidenced it.
//!
//! How time is weighted (docs/evidence.md says it for an auditor): a run's state holds from
//! that run until the next one, but for at most the promised cadence; time after that, and
//! time before the first run, is *unevidenced*: it is never counted as passing. The state in
//! force at the period's start is the last run before it. Controls no check covers stay
//! listed as `not-covered` at every run.

use super::cadence::Cadence;
use super::compliance::{Catalog, ControlState, rollup};
use super::model::Report;
use crate::model::Status;
use chrono::DateTime;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A resource, as a failing interval lists it: account, kind, id.
pub type ResourceKey = (Option<String>, String, String);

/// A control's state at one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RunState {
    /// Index of the run among those fed, from 0.
    pub run: usize,
    /// The run's evaluation time (seconds since the epoch).
    pub now: i64,
    /// The control's roll-up state at that run.
    pub state: ControlState,
}

/// Consecutive runs at which a control was failing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FailingInterval {
    /// The first failing run.
    pub from_run: usize,
    /// Its time.
    pub from: i64,
    /// The last failing run.
    pub last_run: usize,
    /// The first run at which the control no longer failed, and its time; `None` while
    /// still failing at the last run fed.
    pub ended: Option<(usize, i64)>,
    /// Checks that failed in the interval.
    pub checks: BTreeSet<String>,
    /// Resources that failed in the interval (unwaived failures).
    pub resources: BTreeSet<ResourceKey>,
}

/// A waiver that accepted a failure of one of a control's checks.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct WaiverInForce {
    /// Check the waiver applies to.
    pub check: String,
    /// Resource pattern.
    pub resource: String,
    /// Account it is restricted to.
    pub account: Option<String>,
    /// Why the risk is accepted.
    pub reason: String,
    /// Who accepted it.
    pub owner: String,
    /// Last day it applies.
    pub expires: String,
}

/// Where a waiver was seen in force: first and last run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Seen {
    /// First run at which it accepted a failure.
    pub first_run: usize,
    /// Last run at which it did.
    pub last_run: usize,
}

/// One control over the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ControlTimeline {
    /// Control id as the framework writes it.
    pub id: String,
    /// Section.
    pub group: String,
    /// Title.
    pub title: String,
    /// Checks that evidenced it at some run.
    pub checks: BTreeSet<String>,
    /// Its state at each run (the one in force at the start, then every run in the period).
    pub runs: Vec<RunState>,
    /// Seconds of the period spent in each state, and `unevidenced`.
    pub seconds: BTreeMap<&'static str, i64>,
    /// Share of the period it was passing (0 to 1); `None` for an empty period without
    /// runs.
    pub share_passing: Option<f64>,
    /// Failing intervals that overlap the period.
    pub failing: Vec<FailingInterval>,
    /// Waivers that accepted a failure of its checks during the period.
    pub waivers: Vec<(WaiverInForce, Seen)>,
}

impl ControlTimeline {
    /// Days of the period no run evidenced.
    pub fn unevidenced_days(&self) -> f64 {
        self.seconds.get(UNEVIDENCED).copied().unwrap_or(0) as f64 / 86_400.0
    }
}

/// The key of [`ControlTimeline::seconds`] for time no run evidenced.
pub const UNEVIDENCED: &str = "unevidenced";

/// The timeline of every control.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timeline {
    /// Framework id.
    pub framework: String,
    /// Framework name.
    pub name: String,
    /// Start of the period.
    pub start: i64,
    /// End of the period.
    pub end: i64,
    /// How long a run's evidence holds, in days.
    pub cadence_days: i64,
    /// Every control: the catalogue's in order, then ids named by checks but absent from it.
    pub controls: Vec<ControlTimeline>,
}

/// A report the timeline cannot place.
#[derive(Debug, thiserror::Error)]
pub enum TimelineError {
    /// The report's `now` is not an RFC 3339 time.
    #[error("run {run}: its time `{now}` is not an RFC 3339 time")]
    BadTime {
        /// Index of the run.
        run: usize,
        /// The text.
        now: String,
    },
    /// Reports must come in time order.
    #[error("run {run} ({now}) is older than the run before it: feed runs in time order")]
    OutOfOrder {
        /// Index of the run.
        run: usize,
        /// Its time.
        now: String,
    },
}

/// What one control showed so far.
#[derive(Default)]
struct Track {
    group: String,
    title: String,
    checks: BTreeSet<String>,
    runs: Vec<RunState>,
    failing: Vec<FailingInterval>,
    waivers: BTreeMap<WaiverInForce, Seen>,
}

/// Builds a [`Timeline`] from reports fed in time order, one at a time.
pub struct TimelineTracker<'c> {
    catalog: &'c Catalog,
    cadence: Cadence,
    runs: usize,
    last_now: Option<i64>,
    controls: BTreeMap<String, Track>,
    order: Vec<String>,
}

impl<'c> TimelineTracker<'c> {
    /// A tracker under `cadence`. Runs before the period may be fed: the last of them gives
    /// the state in force at its start. Feed no run after its end.
    pub fn new(catalog: &'c Catalog, cadence: Cadence) -> Self {
        let mut controls = BTreeMap::new();
        let mut order = Vec::new();
        for c in &catalog.controls {
            order.push(c.id.clone());
            controls.insert(
                c.id.clone(),
                Track {
                    group: c.group.clone(),
                    title: c.title.clone(),
                    ..Track::default()
                },
            );
        }
        TimelineTracker {
            catalog,
            cadence,
            runs: 0,
            last_now: None,
            controls,
            order,
        }
    }

    /// Adds the next run's report.
    pub fn add(&mut self, report: &Report) -> Result<(), TimelineError> {
        let run = self.runs;
        let now = DateTime::parse_from_rfc3339(&report.now)
            .map_err(|_| TimelineError::BadTime {
                run,
                now: report.now.clone(),
            })?
            .timestamp();
        if self.last_now.is_some_and(|last| now < last) {
            return Err(TimelineError::OutOfOrder {
                run,
                now: report.now.clone(),
            });
        }
        self.runs += 1;
        self.last_now = Some(now);
        let roll = rollup(report, self.catalog);
        // check id → the framework's controls it evidences
        let mut controls_of: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for c in &report.checks {
            for k in c.controls.iter().filter(|k| k.framework == self.catalog.id) {
                controls_of
                    .entry(c.id.as_str())
                    .or_default()
                    .push(k.id.as_str());
            }
        }
        // control id → (checks, resources) failing unwaived at this run, and waivers applied
        let mut failed: BTreeMap<&str, (BTreeSet<&str>, BTreeSet<ResourceKey>)> = BTreeMap::new();
        let mut waived: BTreeMap<&str, BTreeSet<WaiverInForce>> = BTreeMap::new();
        for f in report.findings.iter().filter(|f| f.status == Status::Fail) {
            for control in controls_of.get(f.check_id.as_str()).into_iter().flatten() {
                match &f.waiver {
                    None => {
                        let e = failed.entry(control).or_default();
                        e.0.insert(f.check_id.as_str());
                        e.1.insert((
                            f.resource.account.clone(),
                            f.resource.kind.clone(),
                            f.resource.id.clone(),
                        ));
                    }
                    Some(w) => {
                        waived.entry(control).or_default().insert(WaiverInForce {
                            check: w.check.clone(),
                            resource: w.resource.clone(),
                            account: w.account.clone(),
                            reason: w.reason.clone(),
                            owner: w.owner.clone(),
                            expires: w.expires.clone(),
                        });
                    }
                }
            }
        }
        for c in roll.controls {
            let track = match self.controls.get_mut(&c.id) {
                Some(t) => t,
                None => {
                    self.order.push(c.id.clone());
                    self.controls.entry(c.id.clone()).or_insert_with(|| Track {
                        group: c.group.clone(),
                        title: c.title.clone(),
                        ..Track::default()
                    })
                }
            };
            track.checks.extend(c.checks.iter().cloned());
            track.runs.push(RunState {
                run,
                now,
                state: c.state,
            });
            let open = track.failing.last().is_some_and(|i| i.ended.is_none());
            if c.state == ControlState::Failing {
                let (checks, resources) = failed.remove(c.id.as_str()).unwrap_or_default();
                if !open {
                    track.failing.push(FailingInterval {
                        from_run: run,
                        from: now,
                        last_run: run,
                        ended: None,
                        checks: BTreeSet::new(),
                        resources: BTreeSet::new(),
                    });
                }
                if let Some(interval) = track.failing.last_mut() {
                    interval.last_run = run;
                    interval
                        .checks
                        .extend(checks.into_iter().map(str::to_string));
                    interval.resources.extend(resources);
                }
            } else if open
                && closes(c.state)
                && let Some(i) = track.failing.last_mut()
            {
                i.ended = Some((run, now));
            }
            for w in waived.remove(c.id.as_str()).unwrap_or_default() {
                track
                    .waivers
                    .entry(w)
                    .and_modify(|s| s.last_run = run)
                    .or_insert(Seen {
                        first_run: run,
                        last_run: run,
                    });
            }
        }
        Ok(())
    }

    /// The timeline of the period `start..=end`.
    pub fn finish(self, start: i64, end: i64) -> Timeline {
        let hold = self.cadence.days() * 86_400;
        let mut controls = Vec::new();
        let mut tracks = self.controls;
        for id in &self.order {
            let Some(track) = tracks.remove(id) else {
                continue;
            };
            // the state in force at the start: the last run at or before it
            let first = track.runs.iter().rposition(|r| r.now <= start).unwrap_or(0);
            let runs: Vec<RunState> = track.runs.get(first..).unwrap_or_default().to_vec();
            let seconds = weigh(&runs, start, end, hold);
            let length = end - start;
            let share_passing = if length > 0 {
                Some(seconds.get("passing").copied().unwrap_or(0) as f64 / length as f64)
            } else {
                // an instant: passing if the last run passed and its evidence still holds
                runs.last().map(|r| {
                    f64::from(u8::from(
                        r.state == ControlState::Passing && start - r.now <= hold,
                    ))
                })
            };
            let failing = track
                .failing
                .into_iter()
                .filter(|i| i.from <= end && i.ended.is_none_or(|(_, at)| at > start))
                .collect();
            let waivers = track
                .waivers
                .into_iter()
                .filter(|(_, seen)| runs.first().is_some_and(|r| seen.last_run >= r.run))
                .collect();
            controls.push(ControlTimeline {
                id: id.clone(),
                group: track.group,
                title: track.title,
                checks: track.checks,
                runs,
                seconds,
                share_passing,
                failing,
                waivers,
            });
        }
        Timeline {
            framework: self.catalog.id.clone(),
            name: self.catalog.name.clone(),
            start,
            end,
            cadence_days: self.cadence.days(),
            controls,
        }
    }
}

/// Whether a run in `state` ends a failing interval: the failures are gone (passing), all
/// accepted (accepted-risk), or the checks ran and found nothing left to evaluate. Missing
/// evidence (`incomplete`: a plugin failed or findings were not evaluable) and a check that
/// no longer runs (`not-covered`) never end one: absence of evidence is not a fix.
fn closes(state: ControlState) -> bool {
    matches!(
        state,
        ControlState::Passing | ControlState::AcceptedRisk | ControlState::NoEvidence
    )
}

/// The stretches of `start..end` a control spent in each state, in time order: a run's
/// state holds until the next run, for at most `hold` seconds; the rest, and the time before
/// the first run, is [`UNEVIDENCED`]. Each stretch is clipped to the period and not empty.
pub fn segments(
    runs: &[RunState],
    start: i64,
    end: i64,
    hold: i64,
) -> Vec<(&'static str, i64, i64)> {
    let mut out = Vec::new();
    let mut add = |key: &'static str, from: i64, to: i64| {
        let (from, to) = (from.max(start), to.min(end));
        if to > from {
            out.push((key, from, to));
        }
    };
    match runs.first() {
        None => add(UNEVIDENCED, start, end),
        Some(first) => add(UNEVIDENCED, start, first.now),
    }
    for (i, r) in runs.iter().enumerate() {
        let next = runs.get(i + 1).map_or(end, |n| n.now);
        let held = next.min(r.now.saturating_add(hold));
        add(r.state.as_str(), r.now, held);
        add(UNEVIDENCED, held, next);
    }
    out
}

/// Seconds of `start..end` in each state and [`UNEVIDENCED`] (see [`segments`]).
fn weigh(runs: &[RunState], start: i64, end: i64, hold: i64) -> BTreeMap<&'static str, i64> {
    let mut seconds: BTreeMap<&'static str, i64> = BTreeMap::new();
    for (key, from, to) in segments(runs, start, end, hold) {
        *seconds.entry(key).or_insert(0) += to - from;
    }
    seconds
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Severity;
    use crate::report::build::test_support::{admin_mfa_finding, check_ran, report_of, waiver};
    use crate::report::cadence::NamedCadence;
    use crate::report::compliance::{Framework, catalog};

    const DAY: i64 = 86_400;

    fn at(day: i64, statuses: &[Status]) -> Report {
        let mut r = report_of(
            statuses
                .iter()
                .enumerate()
                .map(|(i, s)| admin_mfa_finding(*s, Severity::High, &format!("u{i}")))
                .collect(),
        );
        r.now = crate::report::rfc3339(day * DAY);
        let mut check = check_ran("iam.admin-mfa");
        check.controls.push(crate::model::Control {
            framework: "soc2".into(),
            id: "CC6.1".into(),
        });
        r.checks = vec![check];
        r
    }

    fn cc61(t: &Timeline) -> &ControlTimeline {
        t.controls
            .iter()
            .find(|c| c.id == "CC6.1")
            .expect("CC6.1 is in the SOC 2 catalogue")
    }

    fn timeline(reports: &[Report], from: i64, to: i64, cadence: Cadence) -> Timeline {
        let cat = catalog(Framework::Soc2).expect("catalogue");
        let mut t = TimelineTracker::new(&cat, cadence);
        for r in reports {
            t.add(r).expect("in order");
        }
        t.finish(from * DAY, to * DAY)
    }

    #[test]
    fn the_passing_share_is_weighted_by_time_not_by_runs() {
        // passing days 0-10, failing days 10-11, passing 11-40: three passing runs of four,
        // but 39 of 40 days passing
        let reports = [
            at(0, &[Status::Pass]),
            at(10, &[Status::Fail]),
            at(11, &[Status::Pass]),
            at(20, &[Status::Pass]),
        ];
        let t = timeline(&reports, 0, 40, Cadence::Days(30));
        let c = cc61(&t);
        assert_eq!(c.seconds.get("failing"), Some(&DAY));
        assert_eq!(c.seconds.get("passing"), Some(&(39 * DAY)));
        let share = c.share_passing.expect("a period");
        assert!((share - 39.0 / 40.0).abs() < 1e-9, "{share}");
        assert_eq!(c.failing.len(), 1);
        let i = &c.failing[0];
        assert_eq!((i.from_run, i.ended), (1, Some((2, 11 * DAY))));
        assert!(i.checks.contains("iam.admin-mfa"));
        assert_eq!(i.resources.len(), 1);
    }

    #[test]
    fn evidence_lasts_one_cadence_and_time_before_the_first_run_is_unevidenced() {
        // period 0-100, runs on days 10 and 20, weekly cadence: 10 days before the first
        // run, 7 passing after each run, the rest unevidenced
        let reports = [at(10, &[Status::Pass]), at(20, &[Status::Pass])];
        let t = timeline(&reports, 0, 100, Cadence::Named(NamedCadence::Weekly));
        let c = cc61(&t);
        assert_eq!(c.seconds.get("passing"), Some(&(14 * DAY)));
        assert_eq!(c.seconds.get(UNEVIDENCED), Some(&(86 * DAY)));
        assert!((c.unevidenced_days() - 86.0).abs() < 1e-9);
    }

    #[test]
    fn a_period_without_runs_is_unevidenced_never_passing() {
        let t = timeline(&[], 0, 90, Cadence::default());
        let c = cc61(&t);
        assert_eq!(c.share_passing, Some(0.0));
        assert_eq!(c.seconds.get(UNEVIDENCED), Some(&(90 * DAY)));
        assert!(c.runs.is_empty());
    }

    #[test]
    fn the_run_before_the_period_gives_the_state_at_its_start_and_flaps_are_two_intervals() {
        let reports = [
            at(0, &[Status::Fail]),
            at(15, &[Status::Pass]),
            at(20, &[Status::Fail]),
            at(25, &[Status::Fail]),
            at(30, &[Status::Pass]),
        ];
        let t = timeline(&reports, 10, 40, Cadence::Days(90));
        let c = cc61(&t);
        assert_eq!(
            c.runs.first().map(|r| r.run),
            Some(0),
            "day 0 is in force at 10"
        );
        assert_eq!(
            c.seconds.get("failing"),
            Some(&(15 * DAY)),
            "10-15 and 20-30"
        );
        assert_eq!(c.failing.len(), 2, "fail, pass, fail: two intervals");
        assert_eq!(c.failing[1].last_run, 3);
    }

    #[test]
    fn missing_evidence_does_not_end_a_failing_interval() {
        let mut blind = at(5, &[Status::NotEvaluable]);
        blind.now = crate::report::rfc3339(5 * DAY);
        let reports = [at(0, &[Status::Fail]), blind, at(10, &[Status::Pass])];
        let t = timeline(&reports, 0, 20, Cadence::Days(30));
        let c = cc61(&t);
        assert_eq!(c.runs[1].state, ControlState::Incomplete);
        assert_eq!(c.failing.len(), 1);
        assert_eq!(
            c.failing[0].ended,
            Some((2, 10 * DAY)),
            "ended by the pass, not by the run that could not tell"
        );
    }

    #[test]
    fn uncovered_controls_stay_listed_and_waivers_in_force_are_kept() {
        let mut r = at(0, &[Status::Fail]);
        r.findings[0].waiver = Some(waiver());
        let t = timeline(&[r], 0, 10, Cadence::default());
        let c = cc61(&t);
        assert_eq!(c.runs[0].state, ControlState::AcceptedRisk);
        assert_eq!(c.waivers.len(), 1);
        assert!(
            c.failing.is_empty(),
            "an accepted risk is not a failing interval"
        );
        let uncovered = t
            .controls
            .iter()
            .filter(|c| c.runs.iter().all(|r| r.state == ControlState::NotCovered))
            .count();
        assert!(uncovered > 0, "controls no check covers are listed");
    }
}
