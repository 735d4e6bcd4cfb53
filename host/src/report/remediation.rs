//! Time to remediate over a period: from the reports of consecutive runs, every failing
//! interval of one check on one resource, when it was fixed and whether within the deadline
//! the action-plan policy gives its severity.
//!
//! Rules (also in `docs/evidence.md`):
//! - A finding is one check on one resource of one account. It **opens** at the first run
//!   where it fails, and is **fixed** at the first later run where it passes (`passed`), or
//!   where its check ran and no longer reports the resource (`resource-gone`). A run where the
//!   check did not run, or its plugin failed, or the finding is not evaluable or an error,
//!   changes nothing: absence of evidence is not a fix.
//! - Fail, pass, fail counts as two failing intervals.
//! - The deadline is the opening run's time plus the policy's days for the severity at
//!   opening. A fixed interval is `fixed-on-time` or `fixed-late`; one still open at the end
//!   of the period is `open-overdue` or `open-within-deadline`, judged at the period's end.
//! - Runs are fed in run order; only one run is held at a time.

use super::actions::ActionPolicy;
use super::model::Report;
use crate::model::{Severity, Status};
use chrono::DateTime;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Why an interval ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FixedBy {
    /// The check passed on the resource.
    Passed,
    /// The check ran and no longer reported the resource (deleted, or out of scope).
    ResourceGone,
}

/// Where an interval stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Still failing at the end of the period, past its deadline.
    OpenOverdue,
    /// Fixed after its deadline.
    FixedLate,
    /// Still failing at the end of the period, within its deadline.
    OpenWithinDeadline,
    /// Fixed by its deadline.
    FixedOnTime,
}

/// One failing interval of one check on one resource.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Interval {
    /// Check id.
    pub check_id: String,
    /// Domain of the check.
    pub domain: String,
    /// Account of the resource.
    pub account: Option<String>,
    /// Kind of the resource.
    pub resource_kind: String,
    /// Id of the resource.
    pub resource_id: String,
    /// Severity when it opened.
    pub severity: Severity,
    /// Owner, from the action-plan policy.
    pub owner: String,
    /// Index (from 0) of the run where it was first seen failing, in the runs fed.
    pub opened_run: usize,
    /// That run's time (Unix seconds).
    pub opened: i64,
    /// The deadline (Unix seconds).
    pub deadline: i64,
    /// Index of the run where it was fixed, and its time, and how.
    pub fixed: Option<(usize, i64, FixedBy)>,
    /// Where it stands.
    pub outcome: Outcome,
}

impl Interval {
    /// Time to remediate in seconds, for fixed intervals.
    pub fn seconds_to_fix(&self) -> Option<i64> {
        self.fixed.map(|(_, at, _)| at - self.opened)
    }
}

/// An interval being followed.
struct Open {
    interval: Interval,
}

type Key = (String, Option<String>, String, String);

/// Follows failing intervals run by run.
pub struct Tracker<'p> {
    policy: &'p ActionPolicy,
    runs: usize,
    last_now: Option<i64>,
    open: HashMap<Key, Open>,
    closed: Vec<Interval>,
}

/// Why a run could not be followed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RemediationError {
    /// The report's `now` is not RFC 3339.
    #[error("run {run}: `now` is not an RFC 3339 time: {now}")]
    BadTime {
        /// Index of the run.
        run: usize,
        /// The text.
        now: String,
    },
    /// Runs must come in time order.
    #[error("run {run} ({now}) is earlier than the run before it")]
    OutOfOrder {
        /// Index of the run.
        run: usize,
        /// Its time.
        now: String,
    },
}

impl<'p> Tracker<'p> {
    /// A tracker judging deadlines and owners with `policy`.
    pub fn new(policy: &'p ActionPolicy) -> Tracker<'p> {
        Tracker {
            policy,
            runs: 0,
            last_now: None,
            open: HashMap::new(),
            closed: Vec::new(),
        }
    }

    /// Follows one more run.
    pub fn add(&mut self, report: &Report) -> Result<(), RemediationError> {
        let run = self.runs;
        let now = DateTime::parse_from_rfc3339(&report.now)
            .map_err(|_| RemediationError::BadTime {
                run,
                now: report.now.clone(),
            })?
            .timestamp();
        if self.last_now.is_some_and(|last| now < last) {
            return Err(RemediationError::OutOfOrder {
                run,
                now: report.now.clone(),
            });
        }
        let ran: BTreeSet<&str> = report
            .checks
            .iter()
            .filter(|c| !c.plugin_failed)
            .map(|c| c.id.as_str())
            .collect();
        let mut seen: BTreeSet<Key> = BTreeSet::new();
        for f in &report.findings {
            let key: Key = (
                f.check_id.clone(),
                f.resource.account.clone(),
                f.resource.kind.clone(),
                f.resource.id.clone(),
            );
            match f.status {
                Status::Fail => {
                    if !self.open.contains_key(&key) {
                        let days = i64::from(self.policy.sla_days.days(f.severity));
                        let interval = Interval {
                            check_id: f.check_id.clone(),
                            domain: f.domain.clone(),
                            account: f.resource.account.clone(),
                            resource_kind: f.resource.kind.clone(),
                            resource_id: f.resource.id.clone(),
                            severity: f.severity,
                            owner: self.policy.owner_of(f),
                            opened_run: run,
                            opened: now,
                            deadline: now + days * 86_400,
                            fixed: None,
                            outcome: Outcome::OpenWithinDeadline,
                        };
                        self.open.insert(key.clone(), Open { interval });
                    }
                }
                Status::Pass => self.close(&key, run, now, FixedBy::Passed),
                Status::NotEvaluable | Status::Error => {}
            }
            seen.insert(key);
        }
        let gone: Vec<Key> = self
            .open
            .keys()
            .filter(|k| ran.contains(k.0.as_str()) && !seen.contains(*k))
            .cloned()
            .collect();
        for key in gone {
            self.close(&key, run, now, FixedBy::ResourceGone);
        }
        self.runs += 1;
        self.last_now = Some(now);
        Ok(())
    }

    fn close(&mut self, key: &Key, run: usize, now: i64, how: FixedBy) {
        if let Some(Open { mut interval }) = self.open.remove(key) {
            interval.fixed = Some((run, now, how));
            interval.outcome = if now <= interval.deadline {
                Outcome::FixedOnTime
            } else {
                Outcome::FixedLate
            };
            self.closed.push(interval);
        }
    }

    /// Every interval, the open ones judged at `end` (Unix seconds; the period's end), in a
    /// stable order: by opening run, check, account, resource.
    pub fn finish(self, end: i64) -> Vec<Interval> {
        let mut all = self.closed;
        all.extend(self.open.into_values().map(|Open { mut interval }| {
            interval.outcome = if end > interval.deadline {
                Outcome::OpenOverdue
            } else {
                Outcome::OpenWithinDeadline
            };
            interval
        }));
        all.sort_by(|a, b| {
            (
                a.opened_run,
                &a.check_id,
                &a.account,
                &a.resource_kind,
                &a.resource_id,
            )
                .cmp(&(
                    b.opened_run,
                    &b.check_id,
                    &b.account,
                    &b.resource_kind,
                    &b.resource_id,
                ))
        });
        all
    }
}

/// Figures for a group of intervals (a severity, an owner or a domain).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    /// Failing intervals.
    pub intervals: usize,
    /// Of them, fixed.
    pub fixed: usize,
    /// Fixed after the deadline.
    pub fixed_late: usize,
    /// Open at the end of the period and past the deadline.
    pub open_overdue: usize,
    /// Median time to remediate of the fixed ones, in days (nearest-rank).
    pub median_days: Option<f64>,
    /// 90th percentile, in days (nearest-rank).
    pub p90_days: Option<f64>,
}

/// Summaries by severity, owner and domain.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    /// All intervals.
    pub all: Figures,
    /// By severity.
    pub by_severity: BTreeMap<Severity, Figures>,
    /// By owner.
    pub by_owner: BTreeMap<String, Figures>,
    /// By domain.
    pub by_domain: BTreeMap<String, Figures>,
}

/// Summarises `intervals`.
pub fn summarize(intervals: &[Interval]) -> Summary {
    let figures = |group: &[&Interval]| {
        let mut days: Vec<f64> = group
            .iter()
            .filter_map(|i| i.seconds_to_fix())
            .map(|s| s as f64 / 86_400.0)
            .collect();
        days.sort_by(f64::total_cmp);
        Figures {
            intervals: group.len(),
            fixed: days.len(),
            fixed_late: group
                .iter()
                .filter(|i| i.outcome == Outcome::FixedLate)
                .count(),
            open_overdue: group
                .iter()
                .filter(|i| i.outcome == Outcome::OpenOverdue)
                .count(),
            median_days: nearest_rank(&days, 50),
            p90_days: nearest_rank(&days, 90),
        }
    };
    let mut by_severity: BTreeMap<Severity, Vec<&Interval>> = BTreeMap::new();
    let mut by_owner: BTreeMap<String, Vec<&Interval>> = BTreeMap::new();
    let mut by_domain: BTreeMap<String, Vec<&Interval>> = BTreeMap::new();
    for i in intervals {
        by_severity.entry(i.severity).or_default().push(i);
        by_owner.entry(i.owner.clone()).or_default().push(i);
        by_domain.entry(i.domain.clone()).or_default().push(i);
    }
    let all: Vec<&Interval> = intervals.iter().collect();
    Summary {
        all: figures(&all),
        by_severity: by_severity.iter().map(|(k, g)| (*k, figures(g))).collect(),
        by_owner: by_owner
            .iter()
            .map(|(k, g)| (k.clone(), figures(g)))
            .collect(),
        by_domain: by_domain
            .iter()
            .map(|(k, g)| (k.clone(), figures(g)))
            .collect(),
    }
}

/// The `p`th percentile of sorted `values` by the nearest-rank method.
fn nearest_rank(values: &[f64], p: usize) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let rank = (p * values.len()).div_ceil(100).max(1);
    values.get(rank - 1).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::build::test_support::{admin_mfa_finding, check_ran, report_of};

    const DAY: i64 = 86_400;
    /// 2026-01-01T00:00:00Z.
    const START: i64 = 1_767_225_600;

    fn run(day: i64, findings: Vec<(Status, &str)>) -> Report {
        let mut r = report_of(
            findings
                .into_iter()
                .map(|(s, id)| admin_mfa_finding(s, Severity::High, id))
                .collect(),
        );
        r.now = crate::report::rfc3339(START + day * DAY);
        // The check ran in every run (as a scan's report lists it).
        r.checks = vec![check_ran("iam.admin-mfa")];
        r
    }

    fn follow(runs: &[Report], end_day: i64) -> Vec<Interval> {
        let policy = ActionPolicy::default();
        let mut t = Tracker::new(&policy);
        for r in runs {
            t.add(r).expect("in order");
        }
        t.finish(START + end_day * DAY)
    }

    fn of<'a>(all: &'a [Interval], id: &str) -> Vec<&'a Interval> {
        all.iter().filter(|i| i.resource_id == id).collect()
    }

    #[test]
    fn a_failure_fixed_within_the_deadline_and_one_fixed_late() {
        use Status::{Fail, Pass};
        // High severity: 30 days.
        let runs = [
            run(0, vec![(Fail, "soon"), (Fail, "late")]),
            run(15, vec![(Pass, "soon"), (Fail, "late")]),
            run(45, vec![(Pass, "soon"), (Pass, "late")]),
        ];
        let all = follow(&runs, 60);
        let soon = of(&all, "soon");
        assert_eq!(soon.len(), 1);
        assert_eq!(soon[0].outcome, Outcome::FixedOnTime);
        assert_eq!(soon[0].fixed, Some((1, START + 15 * DAY, FixedBy::Passed)));
        assert_eq!(soon[0].seconds_to_fix(), Some(15 * DAY));
        assert_eq!(soon[0].deadline, START + 30 * DAY);
        let late = of(&all, "late");
        assert_eq!(late[0].outcome, Outcome::FixedLate);
        assert_eq!(late[0].seconds_to_fix(), Some(45 * DAY));
        assert_eq!(late[0].owner, "unassigned");
    }

    #[test]
    fn a_flapping_finding_is_two_intervals() {
        use Status::{Fail, Pass};
        let runs = [
            run(0, vec![(Fail, "u")]),
            run(5, vec![(Pass, "u")]),
            run(20, vec![(Fail, "u")]),
        ];
        let all = follow(&runs, 30);
        let u = of(&all, "u");
        assert_eq!(u.len(), 2);
        assert_eq!((u[0].opened_run, u[0].outcome), (0, Outcome::FixedOnTime));
        assert_eq!(
            (u[1].opened_run, u[1].outcome),
            (2, Outcome::OpenWithinDeadline)
        );
    }

    #[test]
    fn a_resource_the_check_no_longer_reports_is_gone_but_absence_of_evidence_is_not_a_fix() {
        use Status::{Error, Fail, NotEvaluable, Pass};
        let mut plugin_failed = run(10, vec![(Pass, "other")]);
        for c in &mut plugin_failed.checks {
            c.plugin_failed = true;
        }
        let runs = [
            run(0, vec![(Fail, "gone"), (Fail, "unknown"), (Fail, "other")]),
            // The check ran (it reported `other`): `gone` is gone. `unknown` is not
            // evaluable: still open.
            run(
                5,
                vec![(Pass, "other"), (NotEvaluable, "unknown"), (Error, "x")],
            ),
            plugin_failed,
        ];
        let all = follow(&runs, 40);
        assert_eq!(
            of(&all, "gone")[0].fixed,
            Some((1, START + 5 * DAY, FixedBy::ResourceGone))
        );
        let unknown = of(&all, "unknown");
        assert_eq!(
            (unknown[0].fixed, unknown[0].outcome),
            (None, Outcome::OpenOverdue)
        );
    }

    #[test]
    fn runs_must_come_in_time_order_with_valid_times() {
        let policy = ActionPolicy::default();
        let mut t = Tracker::new(&policy);
        t.add(&run(5, vec![])).expect("first");
        let e = t.add(&run(1, vec![])).expect_err("earlier");
        assert!(
            matches!(e, RemediationError::OutOfOrder { run: 1, .. }),
            "{e}"
        );
        let mut bad = run(6, vec![]);
        bad.now = "yesterday".into();
        assert!(matches!(
            t.add(&bad),
            Err(RemediationError::BadTime { run: 1, .. })
        ));
    }

    #[test]
    fn summaries_give_counts_median_and_90th_percentile() {
        use Status::{Fail, Pass};
        // Ten resources fixed after 1..=10 days, one still open past its deadline.
        let mut runs = Vec::new();
        let ids: Vec<String> = (1..=11).map(|n| format!("r{n}")).collect();
        runs.push(run(0, ids.iter().map(|id| (Fail, id.as_str())).collect()));
        for day in 1..=10 {
            let mut f: Vec<(Status, &str)> = ids[..day as usize]
                .iter()
                .map(|id| (Pass, id.as_str()))
                .collect();
            f.extend(ids[day as usize..].iter().map(|id| (Fail, id.as_str())));
            runs.push(run(day, f));
        }
        let all = follow(&runs, 100);
        let s = summarize(&all);
        assert_eq!(s.all.intervals, 11);
        assert_eq!(s.all.fixed, 10);
        assert_eq!(s.all.open_overdue, 1);
        assert_eq!(s.all.median_days, Some(5.0));
        assert_eq!(s.all.p90_days, Some(9.0));
        assert_eq!(s.by_severity[&Severity::High].intervals, 11);
        assert_eq!(s.by_domain["iam"].fixed, 10);
        assert_eq!(nearest_rank(&[], 50), None);
        assert_eq!(nearest_rank(&[3.0], 90), Some(3.0));
    }
}
