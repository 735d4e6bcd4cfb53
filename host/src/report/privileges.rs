//! The privilege trend over a period ("privileges are not increasing"): administrators and
//! administrative grants per account at each run, every addition and removal with the run it
//! appeared in, and the accounts with more administrators at the end of the period than at
//! its start.
//!
//! It reads the privilege inventory each report carries (taken from the snapshot by the host,
//! never from a plugin). A kind the snapshot did not collect is unknown at that run: it is
//! neither zero nor a removal of everyone: changes are computed against the last run that
//! collected it.

use super::inventory::Privileged;
use super::model::Report;
use chrono::DateTime;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One account at one run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Point {
    /// Index of the run among those fed, from 0.
    pub run: usize,
    /// The run's time (Unix seconds).
    pub now: i64,
    /// Enabled administrators; `None` when principals were not collected.
    pub admins: Option<usize>,
    /// Administrative grants; `None` when grants were not collected.
    pub grants: Option<usize>,
}

/// What a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Subject {
    /// An administrator.
    Admin,
    /// An administrative grant.
    Grant,
}

/// An administrator or administrative grant added or removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Index of the run it appeared in.
    pub run: usize,
    /// That run's time.
    pub now: i64,
    /// Administrator or grant.
    pub subject: Subject,
    /// Added (`true`) or removed.
    pub added: bool,
    /// Which one.
    pub item: Privileged,
}

/// The trend over the runs fed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Trend {
    /// Per account, one point per run.
    pub accounts: BTreeMap<String, Vec<Point>>,
    /// Every addition and removal, in run order.
    pub changes: Vec<Change>,
}

/// Follows the inventory run by run (one run held at a time).
#[derive(Default)]
pub struct TrendTracker {
    runs: usize,
    /// The last collected list of administrators, and of grants.
    previous: [Option<Vec<Privileged>>; 2],
    trend: Trend,
}

impl TrendTracker {
    /// An empty tracker.
    pub fn new() -> TrendTracker {
        TrendTracker::default()
    }

    /// Follows one more run; a report whose `now` is not RFC 3339 counts at time 0.
    pub fn add(&mut self, report: &Report) {
        let run = self.runs;
        let now = DateTime::parse_from_rfc3339(&report.now).map_or(0, |t| t.timestamp());
        let inventory = &report.privileges;
        // Accounts are `provider:id` in the report's summary; the inventory names the id.
        let accounts: BTreeSet<&str> = report
            .snapshot
            .accounts
            .iter()
            .map(|a| a.split_once(':').map_or(a.as_str(), |(_, id)| id))
            .collect();
        for account in &accounts {
            let count = |list: &Option<Vec<Privileged>>| {
                list.as_ref()
                    .map(|v| v.iter().filter(|p| p.account == *account).count())
            };
            self.trend
                .accounts
                .entry((*account).to_string())
                .or_default()
                .push(Point {
                    run,
                    now,
                    admins: count(&inventory.admins),
                    grants: count(&inventory.privileged_grants),
                });
        }
        for (n, (subject, new)) in [
            (Subject::Admin, &inventory.admins),
            (Subject::Grant, &inventory.privileged_grants),
        ]
        .into_iter()
        .enumerate()
        {
            let Some(new) = new else { continue };
            if let Some(old) = &self.previous[n] {
                let key = |p: &Privileged| (p.account.clone(), p.id.clone());
                let before: BTreeSet<_> = old.iter().map(key).collect();
                let after: BTreeSet<_> = new.iter().map(key).collect();
                for p in new.iter().filter(|p| !before.contains(&key(p))) {
                    self.trend.changes.push(Change {
                        run,
                        now,
                        subject,
                        added: true,
                        item: p.clone(),
                    });
                }
                for p in old.iter().filter(|p| !after.contains(&key(p))) {
                    self.trend.changes.push(Change {
                        run,
                        now,
                        subject,
                        added: false,
                        item: p.clone(),
                    });
                }
            }
            self.previous[n] = Some(new.clone());
        }
        self.runs += 1;
    }

    /// The trend.
    pub fn finish(self) -> Trend {
        self.trend
    }
}

impl Trend {
    /// Only the runs from `start` to `end` (Unix seconds, inclusive).
    pub fn within(mut self, start: i64, end: i64) -> Trend {
        for points in self.accounts.values_mut() {
            points.retain(|p| p.now >= start && p.now <= end);
        }
        self.accounts.retain(|_, points| !points.is_empty());
        self.changes.retain(|c| c.now >= start && c.now <= end);
        self
    }

    /// Accounts with more administrators at their last known point than at their first:
    /// (account, first, last).
    pub fn rising(&self) -> Vec<(&str, usize, usize)> {
        self.accounts
            .iter()
            .filter_map(|(account, points)| {
                let mut known = points.iter().filter_map(|p| p.admins);
                let first = known.next()?;
                let last = known.next_back().unwrap_or(first);
                (last > first).then_some((account.as_str(), first, last))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::build::test_support::report_of;
    use crate::report::inventory::PrivilegeInventory;

    fn admin(account: &str, id: &str) -> Privileged {
        Privileged {
            account: account.into(),
            id: id.into(),
            label: id.to_uppercase(),
        }
    }

    /// A run at day `day` with these administrators (`None`: not collected).
    fn run(day: i64, admins: Option<Vec<Privileged>>) -> Report {
        let mut r = report_of(Vec::new());
        r.now = crate::report::rfc3339(day * 86_400);
        r.snapshot.accounts = vec!["aws:1".into(), "aws:2".into()];
        r.privileges = PrivilegeInventory {
            admins,
            privileged_grants: Some(Vec::new()),
        };
        r
    }

    fn follow(runs: &[Report]) -> Trend {
        let mut t = TrendTracker::new();
        for r in runs {
            t.add(r);
        }
        t.finish()
    }

    #[test]
    fn counts_per_account_changes_and_a_rising_account() {
        let runs = [
            run(0, Some(vec![admin("1", "ann")])),
            run(90, Some(vec![admin("1", "ann"), admin("1", "bob")])),
            // Not collected: unknown, not everyone removed.
            run(120, None),
            run(180, Some(vec![admin("1", "bob"), admin("2", "cy")])),
        ];
        let trend = follow(&runs);
        let one: Vec<Option<usize>> = trend.accounts["1"].iter().map(|p| p.admins).collect();
        assert_eq!(one, vec![Some(1), Some(2), None, Some(1)]);
        let changes: Vec<(usize, bool, &str)> = trend
            .changes
            .iter()
            .map(|c| (c.run, c.added, c.item.id.as_str()))
            .collect();
        // bob added at run 1; nothing at the unknown run; at run 3, against run 1 (the last
        // that collected administrators): cy added, ann removed.
        assert_eq!(
            changes,
            vec![(1, true, "bob"), (3, true, "cy"), (3, false, "ann")]
        );
        assert_eq!(trend.rising(), vec![("2", 0, 1)]);
        // Account 1 rose within the first 100 days.
        let early = follow(&runs).within(0, 100 * 86_400);
        assert_eq!(early.rising(), vec![("1", 1, 2)]);
        assert_eq!(early.accounts["1"].len(), 2);
    }

    #[test]
    fn a_removal_is_a_change_and_fewer_admins_is_not_rising() {
        let runs = [
            run(0, Some(vec![admin("1", "ann"), admin("1", "bob")])),
            run(30, Some(vec![admin("1", "ann")])),
        ];
        let trend = follow(&runs);
        assert_eq!(trend.changes.len(), 1);
        assert!(!trend.changes[0].added);
        assert_eq!(trend.changes[0].subject, Subject::Admin);
        assert!(trend.rising().is_empty());
    }
}
