//! Cadence and evidence gaps: how often checks are promised to run (`[evidence] cadence` in
//! the configuration: `daily`, `weekly`, `monthly`, `quarterly` (the default) or a number of
//! days), and every stretch of a period longer than that without a recorded run, per
//! account. An auditor asks about each; a period with no run at all is one gap, never a pass.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

const DAY: i64 = 86_400;

/// How often the checks are promised to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Cadence {
    /// A named cadence.
    Named(NamedCadence),
    /// Every this many days (at least 1).
    Days(u32),
}

/// The named cadences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NamedCadence {
    /// Every day.
    Daily,
    /// Every 7 days.
    Weekly,
    /// Every 31 days (the longest month).
    Monthly,
    /// Every 92 days (the longest quarter).
    Quarterly,
}

impl Default for Cadence {
    fn default() -> Self {
        Cadence::Named(NamedCadence::Quarterly)
    }
}

impl Cadence {
    /// The longest stretch without a run that keeps to the cadence, in days.
    pub fn days(self) -> i64 {
        match self {
            Cadence::Named(NamedCadence::Daily) => 1,
            Cadence::Named(NamedCadence::Weekly) => 7,
            Cadence::Named(NamedCadence::Monthly) => 31,
            Cadence::Named(NamedCadence::Quarterly) => 92,
            Cadence::Days(n) => i64::from(n.max(1)),
        }
    }

    /// Parses a command-line value: a name or a number of days.
    pub fn parse(text: &str) -> Result<Cadence, String> {
        match text {
            "daily" => Ok(Cadence::Named(NamedCadence::Daily)),
            "weekly" => Ok(Cadence::Named(NamedCadence::Weekly)),
            "monthly" => Ok(Cadence::Named(NamedCadence::Monthly)),
            "quarterly" => Ok(Cadence::Named(NamedCadence::Quarterly)),
            n => match n.parse::<u32>() {
                Ok(days) if days > 0 => Ok(Cadence::Days(days)),
                _ => Err(format!(
                    "cadence `{text}` is not daily, weekly, monthly, quarterly or a number of days"
                )),
            },
        }
    }
}

/// The evidence policy of the configuration (`[evidence]`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidencePolicy {
    /// How often the checks are promised to run.
    #[serde(default)]
    pub cadence: Cadence,
}

/// A stretch of the period without a recorded run, longer than the cadence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    /// Last run before it, or the period's start (Unix seconds).
    pub from: i64,
    /// First run after it, or the period's end.
    pub to: i64,
    /// Its length in whole days (rounded down).
    pub days: i64,
}

/// The evidence gaps of each account from `start` to `end`, given the time of every run and
/// the accounts it covered. Accounts are those of any run given; an account with no run in
/// the period has the whole period as one gap (when it is longer than the cadence).
pub fn gaps(
    start: i64,
    end: i64,
    runs: &[(i64, Vec<String>)],
    cadence: Cadence,
) -> BTreeMap<String, Vec<Gap>> {
    let limit = cadence.days() * DAY;
    let accounts: BTreeSet<&str> = runs
        .iter()
        .flat_map(|(_, accounts)| accounts.iter().map(String::as_str))
        .collect();
    let mut out = BTreeMap::new();
    for account in accounts {
        let mut times: Vec<i64> = runs
            .iter()
            .filter(|(t, accounts)| {
                *t >= start && *t <= end && accounts.iter().any(|a| a == account)
            })
            .map(|(t, _)| *t)
            .collect();
        times.sort_unstable();
        let mut edges = vec![start];
        edges.extend(times);
        edges.push(end);
        let found: Vec<Gap> = edges
            .windows(2)
            .filter(|w| w[1] - w[0] > limit)
            .map(|w| Gap {
                from: w[0],
                to: w[1],
                days: (w[1] - w[0]) / DAY,
            })
            .collect();
        out.insert(account.to_string(), found);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(day: i64, accounts: &[&str]) -> (i64, Vec<String>) {
        (
            day * DAY,
            accounts.iter().map(|a| (*a).to_string()).collect(),
        )
    }

    #[test]
    fn stretches_longer_than_the_cadence_are_gaps_per_account() {
        let runs = [
            run(10, &["a", "b"]),
            run(40, &["a"]),
            run(100, &["a"]),
            // Outside the period: ignored.
            run(400, &["a", "b"]),
        ];
        let monthly = Cadence::Named(NamedCadence::Monthly);
        let g = gaps(0, 120 * DAY, &runs, monthly);
        // a: 0→10, 10→40 (30), 40→100 (60: a gap), 100→120.
        assert_eq!(
            g["a"],
            vec![Gap {
                from: 40 * DAY,
                to: 100 * DAY,
                days: 60
            }]
        );
        // b: only day 10, then nothing until the end: 110 days.
        assert_eq!(g["b"].len(), 1);
        assert_eq!((g["b"][0].from, g["b"][0].days), (10 * DAY, 110));
        // Quarterly: 60 days is within, 110 is not.
        let q = gaps(0, 120 * DAY, &runs, Cadence::default());
        assert!(q["a"].is_empty());
        assert_eq!(q["b"].len(), 1);
    }

    #[test]
    fn an_account_with_no_run_in_the_period_is_one_gap() {
        let runs = [run(400, &["a"])];
        let g = gaps(0, 200 * DAY, &runs, Cadence::Days(30));
        assert_eq!(
            g["a"],
            vec![Gap {
                from: 0,
                to: 200 * DAY,
                days: 200
            }]
        );
    }

    #[test]
    fn cadences_parse_from_the_command_line_and_the_configuration() {
        assert_eq!(
            Cadence::parse("weekly"),
            Ok(Cadence::Named(NamedCadence::Weekly))
        );
        assert_eq!(Cadence::parse("10"), Ok(Cadence::Days(10)));
        assert!(Cadence::parse("0").is_err());
        assert!(Cadence::parse("hourly").is_err());
        let p: EvidencePolicy = toml::from_str("cadence = \"daily\"").expect("named");
        assert_eq!(p.cadence.days(), 1);
        let p: EvidencePolicy = toml::from_str("cadence = 14").expect("days");
        assert_eq!(p.cadence.days(), 14);
        assert_eq!(EvidencePolicy::default().cadence.days(), 92);
    }
}
