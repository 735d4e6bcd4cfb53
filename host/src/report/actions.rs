//! The action plan (`--format actions` / `actions-csv`): one row per failing finding that no
//! waiver accepts, with a priority (high / medium / low, from the severity), an owner (from
//! rules in the configuration: by account, domain or resource tag) and a due date (the
//! evaluation time plus the severity's SLA), plus the date of the next quarterly re-check.
//!
//! ```toml
//! [actions]
//! default-owner = "security@acme.example"
//! sla-days = { critical = 7, high = 30, medium = 90, low = 180, info = 365 }
//!
//! [[actions.owners]]            # first matching rule wins
//! owner = "data-platform"
//! domain = "backup"             # all given conditions must match
//! account = "111122223333"
//! tag = "team=data"             # a tag of the resource, `key=value`
//! ```

use crate::model::{Finding, Severity, Status};
use crate::report::model::Report;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Owner used when no rule matches and no `default-owner` is set.
pub const UNASSIGNED: &str = "unassigned";

/// An owner rule; every condition given must match.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnerRule {
    /// Who owns matching findings.
    pub owner: String,
    /// Account id of the resource.
    pub account: Option<String>,
    /// Check domain (iam, logging, backup, encryption, sharing, …).
    pub domain: Option<String>,
    /// A resource tag, `key=value` (or `key` for any value).
    pub tag: Option<String>,
}

impl OwnerRule {
    fn matches(&self, f: &Finding) -> bool {
        let account_ok = self
            .account
            .as_ref()
            .is_none_or(|a| f.resource.account.as_deref() == Some(a.as_str()));
        let domain_ok = self.domain.as_ref().is_none_or(|d| &f.domain == d);
        let tag_ok = self.tag.as_ref().is_none_or(|t| match t.split_once('=') {
            Some((k, v)) => f.resource.tags.get(k).is_some_and(|have| have == v),
            None => f.resource.tags.contains_key(t),
        });
        account_ok && domain_ok && tag_ok
    }
}

/// Days allowed to fix a failure, per severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Sla {
    /// Critical findings.
    pub critical: u32,
    /// High.
    pub high: u32,
    /// Medium.
    pub medium: u32,
    /// Low.
    pub low: u32,
    /// Informational.
    pub info: u32,
}

impl Default for Sla {
    fn default() -> Self {
        Sla {
            critical: 7,
            high: 30,
            medium: 90,
            low: 180,
            info: 365,
        }
    }
}

impl Sla {
    /// Days for `s`.
    pub fn days(&self, s: Severity) -> u32 {
        match s {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Info => self.info,
        }
    }
}

/// The `[actions]` section of the configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ActionPolicy {
    /// Owner when no rule matches.
    pub default_owner: Option<String>,
    /// Due-date SLA per severity.
    #[serde(default)]
    pub sla_days: Sla,
    /// Owner rules, first match wins.
    #[serde(default)]
    pub owners: Vec<OwnerRule>,
}

/// Priority of an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Priority {
    /// Critical and high severity.
    High,
    /// Medium severity.
    Medium,
    /// Low and informational.
    Low,
}

impl Priority {
    /// From a finding's severity.
    pub fn of(s: Severity) -> Priority {
        match s {
            Severity::Critical | Severity::High => Priority::High,
            Severity::Medium => Priority::Medium,
            Severity::Low | Severity::Info => Priority::Low,
        }
    }

    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::High => "high",
            Priority::Medium => "medium",
            Priority::Low => "low",
        }
    }
}

/// One thing to fix.
#[derive(Debug, Clone, PartialEq)]
pub struct Action<'a> {
    /// Priority.
    pub priority: Priority,
    /// Owner.
    pub owner: String,
    /// Due date (`YYYY-MM-DD`).
    pub due: NaiveDate,
    /// The finding.
    pub finding: &'a Finding,
}

/// The plan for one report.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan<'a> {
    /// Evaluation time the dates are counted from.
    pub now: NaiveDate,
    /// First day of the next calendar quarter: when everything is re-checked.
    pub next_review: NaiveDate,
    /// Actions: by priority, due date, owner, check, resource.
    pub actions: Vec<Action<'a>>,
    /// Failures left out because a waiver accepts them.
    pub waived: usize,
}

/// First day of the calendar quarter after `d`.
pub fn next_quarter(d: NaiveDate) -> NaiveDate {
    let q_start_month = (d.month0() / 3) * 3 + 1;
    let (y, m) = if q_start_month + 3 > 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), q_start_month + 3)
    };
    NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(d)
}

impl ActionPolicy {
    /// Who owns `f`: the first owner rule that matches, else the default owner, else
    /// `unassigned`.
    pub fn owner_of(&self, f: &Finding) -> String {
        self.owners
            .iter()
            .find(|r| r.matches(f))
            .map(|r| r.owner.clone())
            .or_else(|| self.default_owner.clone())
            .unwrap_or_else(|| UNASSIGNED.to_string())
    }

    /// Plans the failing, unwaived findings of `report`.
    pub fn plan<'a>(&self, report: &'a Report) -> Plan<'a> {
        let now = DateTime::parse_from_rfc3339(&report.now)
            .map(|t| t.with_timezone(&Utc).date_naive())
            .unwrap_or_default();
        let failing = report.findings.iter().filter(|f| f.status == Status::Fail);
        let mut waived = 0;
        let mut actions = Vec::new();
        for f in failing {
            if f.waiver.is_some() {
                waived += 1;
                continue;
            }
            actions.push(Action {
                priority: Priority::of(f.severity),
                owner: self.owner_of(f),
                due: now + Duration::days(i64::from(self.sla_days.days(f.severity))),
                finding: f,
            });
        }
        actions.sort_by(|a, b| {
            (
                a.priority,
                a.due,
                &a.owner,
                &a.finding.check_id,
                &a.finding.resource,
            )
                .cmp(&(
                    b.priority,
                    b.due,
                    &b.owner,
                    &b.finding.check_id,
                    &b.finding.resource,
                ))
        });
        Plan {
            now,
            next_review: next_quarter(now),
            actions,
            waived,
        }
    }
}

fn resource(f: &Finding) -> String {
    let r = &f.resource;
    format!("{} {}", r.kind, r.display_name.as_deref().unwrap_or(&r.id))
}

impl Plan<'_> {
    /// CSV: one row per action.
    pub fn to_csv(&self) -> Result<String, csv::Error> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record([
            "priority",
            "owner",
            "due",
            "next_review",
            "severity",
            "check_id",
            "domain",
            "account",
            "resource_kind",
            "resource_id",
            "resource_name",
            "message",
        ])?;
        let next_review = self.next_review.to_string();
        for a in &self.actions {
            let f = a.finding;
            let r = &f.resource;
            w.write_record(
                [
                    a.priority.as_str(),
                    &a.owner,
                    &a.due.to_string(),
                    &next_review,
                    f.severity.as_str(),
                    &f.check_id,
                    &f.domain,
                    r.account.as_deref().unwrap_or(""),
                    &r.kind,
                    &r.id,
                    r.display_name.as_deref().unwrap_or(""),
                    &f.message,
                ]
                .iter()
                .map(|c| super::sanitize::csv_cell(c).into_owned()),
            )?;
        }
        let bytes = w.into_inner().map_err(|e| e.into_error())?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Markdown: a table per owner, then the totals.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# Action plan\n\nFrom the scan of {}: {} action(s){}. Everything is re-checked by **{}** (next quarter).\n",
            self.now,
            self.actions.len(),
            if self.waived > 0 {
                format!(", {} failure(s) accepted by waivers left out", self.waived)
            } else {
                String::new()
            },
            self.next_review
        );
        let mut by_owner: BTreeMap<&str, Vec<&Action<'_>>> = BTreeMap::new();
        for a in &self.actions {
            by_owner.entry(&a.owner).or_default().push(a);
        }
        for (owner, actions) in by_owner {
            let _ = writeln!(
                out,
                "## {owner} ({})\n\n| priority | due | check | resource | account | problem |\n|---|---|---|---|---|---|",
                actions.len()
            );
            for a in actions {
                let f = a.finding;
                let _ = writeln!(
                    out,
                    "| {} | {} | `{}` | {} | {} | {} |",
                    a.priority.as_str(),
                    a.due,
                    f.check_id,
                    resource(f).replace('|', "\\|"),
                    f.resource.account.as_deref().unwrap_or(""),
                    f.message.replace('|', "\\|")
                );
            }
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ResourceRef;

    fn f(domain: &str, sev: Severity, tags: &[(&str, &str)]) -> Finding {
        Finding {
            check_id: format!("{domain}.x"),
            plugin: "p".into(),
            domain: domain.into(),
            status: Status::Fail,
            severity: sev,
            resource: ResourceRef {
                kind: "storage".into(),
                id: "b".into(),
                display_name: None,
                account: Some("111".into()),
                tags: tags
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            },
            message: "m".into(),
            evidence: Vec::new(),
            waiver: None,
        }
    }

    #[test]
    fn quarters_roll_over_years() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        assert_eq!(next_quarter(d(2026, 11, 22)), d(2027, 1, 1));
        assert_eq!(next_quarter(d(2026, 1, 1)), d(2026, 4, 1));
        assert_eq!(next_quarter(d(2026, 9, 30)), d(2026, 10, 1));
    }

    #[test]
    fn first_matching_rule_wins_then_default() {
        let policy: ActionPolicy = toml::from_str(
            r#"
            default-owner = "secops"
            [[owners]]
            owner = "data"
            tag = "team=data"
            [[owners]]
            owner = "backup-team"
            domain = "backup"
            account = "111"
            "#,
        )
        .expect("policy");
        assert_eq!(
            policy.owner_of(&f("backup", Severity::Low, &[("team", "data")])),
            "data"
        );
        assert_eq!(
            policy.owner_of(&f("backup", Severity::Low, &[])),
            "backup-team"
        );
        assert_eq!(policy.owner_of(&f("iam", Severity::Low, &[])), "secops");
        assert_eq!(
            ActionPolicy::default().owner_of(&f("iam", Severity::Low, &[])),
            UNASSIGNED
        );
    }

    #[test]
    fn sla_sets_due_dates_and_priorities() {
        let policy: ActionPolicy = toml::from_str("sla-days = { high = 14 }").expect("policy");
        assert_eq!(policy.sla_days.high, 14);
        assert_eq!(
            policy.sla_days.critical, 7,
            "unset severities keep defaults"
        );
        assert_eq!(Priority::of(Severity::Critical), Priority::High);
        assert_eq!(Priority::of(Severity::Info), Priority::Low);
        assert!(
            toml::from_str::<ActionPolicy>("sla = 3").is_err(),
            "unknown keys are errors"
        );
    }
}
