//! Baseline comparison of two reports (`posture diff OLD NEW`, `scan --baseline OLD`): what
//! failed anew, what was fixed, what still fails, what can no longer be evaluated, and how the
//! privilege inventory moved (administrators and administrative grants added or removed).
//!
//! Findings are matched on check id, account, resource kind and resource id. A failure whose
//! resource is gone counts as fixed only if its check ran cleanly in the new report (no
//! plugin failure, no error, nothing not evaluable); otherwise it is *not re-checked*, never
//! "fixed": data that was not collected is not a fix.

use crate::model::{Finding, Severity, Status, Verdict};
use crate::report::Report;
use crate::report::inventory::Privileged;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// Identifier of the JSON diff format.
pub const DIFF_SCHEMA: &str = "posture.diff/v1";

type Key<'a> = (&'a str, Option<&'a str>, &'a str, &'a str);

fn key(f: &Finding) -> Key<'_> {
    (
        &f.check_id,
        f.resource.account.as_deref(),
        &f.resource.kind,
        &f.resource.id,
    )
}

/// Added and removed entries of one privilege list; `None` when either report lacks it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Delta {
    /// Present now, not in the baseline.
    pub added: Vec<Privileged>,
    /// In the baseline, gone now.
    pub removed: Vec<Privileged>,
}

/// The comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    /// Always [`DIFF_SCHEMA`].
    pub schema: &'static str,
    /// Evaluation time of the baseline.
    pub old_now: String,
    /// Evaluation time of the new report.
    pub new_now: String,
    /// Failing now, not failing (or absent) in the baseline.
    pub new_failures: Vec<Finding>,
    /// Failing in the baseline; passing now, or the resource is gone.
    pub fixed: Vec<Finding>,
    /// Failing in both.
    pub still_failing: Vec<Finding>,
    /// Not evaluable now, but decided (or absent) in the baseline.
    pub newly_not_evaluable: Vec<Finding>,
    /// Failing in the baseline; its check did not run cleanly now, so nothing is known.
    pub not_rechecked: Vec<Finding>,
    /// Administrators; `None` if either report did not collect principals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admins: Option<Delta>,
    /// Administrative grants; `None` if either report did not collect grants.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub privileged_grants: Option<Delta>,
}

fn delta(old: Option<&Vec<Privileged>>, new: Option<&Vec<Privileged>>) -> Option<Delta> {
    let (old, new) = (old?, new?);
    let ids = |v: &Vec<Privileged>| -> BTreeSet<(String, String)> {
        v.iter()
            .map(|p| (p.account.clone(), p.id.clone()))
            .collect()
    };
    let (o, n) = (ids(old), ids(new));
    Some(Delta {
        added: new
            .iter()
            .filter(|p| !o.contains(&(p.account.clone(), p.id.clone())))
            .cloned()
            .collect(),
        removed: old
            .iter()
            .filter(|p| !n.contains(&(p.account.clone(), p.id.clone())))
            .cloned()
            .collect(),
    })
}

/// Compares `new` against the baseline `old`.
pub fn diff(old: &Report, new: &Report) -> Diff {
    let old_by_key: BTreeMap<Key<'_>, &Finding> =
        old.findings.iter().map(|f| (key(f), f)).collect();
    let new_by_key: BTreeMap<Key<'_>, &Finding> =
        new.findings.iter().map(|f| (key(f), f)).collect();
    let ran_cleanly: BTreeSet<&str> = new
        .checks
        .iter()
        .filter(|c| !c.plugin_failed && c.counts.error == 0 && c.counts.not_evaluable == 0)
        .map(|c| c.id.as_str())
        .collect();
    let mut d = Diff {
        schema: DIFF_SCHEMA,
        old_now: old.now.clone(),
        new_now: new.now.clone(),
        new_failures: Vec::new(),
        fixed: Vec::new(),
        still_failing: Vec::new(),
        newly_not_evaluable: Vec::new(),
        not_rechecked: Vec::new(),
        admins: delta(
            old.privileges.admins.as_ref(),
            new.privileges.admins.as_ref(),
        ),
        privileged_grants: delta(
            old.privileges.privileged_grants.as_ref(),
            new.privileges.privileged_grants.as_ref(),
        ),
    };
    for f in &new.findings {
        let before = old_by_key.get(&key(f)).map(|o| o.status);
        match f.status {
            Status::Fail if before == Some(Status::Fail) => d.still_failing.push(f.clone()),
            Status::Fail => d.new_failures.push(f.clone()),
            Status::NotEvaluable if before != Some(Status::NotEvaluable) => {
                d.newly_not_evaluable.push(f.clone())
            }
            _ => {}
        }
    }
    for f in old.findings.iter().filter(|f| f.status == Status::Fail) {
        match new_by_key.get(&key(f)).map(|n| n.status) {
            Some(Status::Fail) => {}
            Some(Status::Pass) => d.fixed.push(f.clone()),
            // Now not evaluable (listed above) or errored: not known to be fixed.
            Some(Status::NotEvaluable | Status::Error) => d.not_rechecked.push(f.clone()),
            None if ran_cleanly.contains(f.check_id.as_str()) => d.fixed.push(f.clone()),
            None => d.not_rechecked.push(f.clone()),
        }
    }
    d
}

impl Diff {
    /// The verdict of `--fail-on` applied to new failures only: [`Verdict::Fail`] if a new
    /// failure that no waiver accepts has at least `threshold`, else [`Verdict::Pass`].
    pub fn verdict(&self, threshold: Option<Severity>) -> Verdict {
        match threshold {
            Some(t)
                if self
                    .new_failures
                    .iter()
                    .any(|f| f.waiver.is_none() && f.severity >= t) =>
            {
                Verdict::Fail
            }
            _ => Verdict::Pass,
        }
    }

    /// The JSON rendering (pretty, trailing newline).
    pub fn to_json(&self) -> String {
        let mut s =
            serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
        s.push('\n');
        s
    }

    /// The text rendering (plugin and snapshot text escaped for a terminal).
    pub fn to_text(&self) -> String {
        super::sanitize::printable_lines(&self.raw_text())
    }

    fn raw_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "CHANGES SINCE BASELINE (evaluated {} → {})",
            self.old_now, self.new_now
        );
        let _ = writeln!(
            out,
            "  {} new failure(s), {} fixed, {} still failing, {} newly not evaluable, {} not re-checked",
            self.new_failures.len(),
            self.fixed.len(),
            self.still_failing.len(),
            self.newly_not_evaluable.len(),
            self.not_rechecked.len()
        );
        let sections = [
            ("NEW FAILURES", &self.new_failures),
            ("FIXED", &self.fixed),
            ("NEWLY NOT EVALUABLE", &self.newly_not_evaluable),
            (
                "NOT RE-CHECKED (check did not run cleanly)",
                &self.not_rechecked,
            ),
        ];
        for (title, items) in sections {
            if items.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n{title} ({})", items.len());
            for f in items {
                let _ = writeln!(
                    out,
                    "  {:<8}  {:<28}  {}\n            {}",
                    f.severity.as_str().to_uppercase(),
                    f.check_id,
                    label(f),
                    f.message
                );
            }
        }
        for (title, delta) in [
            ("ADMINISTRATORS", &self.admins),
            ("ADMINISTRATIVE GRANTS", &self.privileged_grants),
        ] {
            match delta {
                None => {
                    let _ = writeln!(out, "\n{title}: not collected in both snapshots");
                }
                Some(d) if d.added.is_empty() && d.removed.is_empty() => {
                    let _ = writeln!(out, "\n{title}: unchanged");
                }
                Some(d) => {
                    let _ = writeln!(out, "\n{title}");
                    for p in &d.added {
                        let _ = writeln!(out, "  + {} ({}) [{}]", p.label, p.id, p.account);
                    }
                    for p in &d.removed {
                        let _ = writeln!(out, "  - {} ({}) [{}]", p.label, p.id, p.account);
                    }
                }
            }
        }
        out
    }

    /// The Markdown rendering (plugin and snapshot text escaped).
    pub fn to_markdown(&self) -> String {
        super::sanitize::printable_lines(&self.raw_markdown())
    }

    fn raw_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# Changes since baseline\n\nEvaluated {} → {}: **{} new failure(s)**, {} fixed, {} still failing, {} newly not evaluable, {} not re-checked.\n",
            self.old_now,
            self.new_now,
            self.new_failures.len(),
            self.fixed.len(),
            self.still_failing.len(),
            self.newly_not_evaluable.len(),
            self.not_rechecked.len()
        );
        let sections = [
            ("New failures", &self.new_failures),
            ("Fixed", &self.fixed),
            ("Newly not evaluable", &self.newly_not_evaluable),
            ("Not re-checked", &self.not_rechecked),
        ];
        for (title, items) in sections {
            if items.is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                "## {title} ({})\n\n| severity | check | resource | message |\n|---|---|---|---|",
                items.len()
            );
            for f in items {
                let _ = writeln!(
                    out,
                    "| {} | `{}` | {} | {} |",
                    f.severity,
                    f.check_id,
                    label(f).replace('|', "\\|"),
                    f.message.replace('|', "\\|")
                );
            }
            out.push('\n');
        }
        for (title, delta) in [
            ("Administrators", &self.admins),
            ("Administrative grants", &self.privileged_grants),
        ] {
            let _ = writeln!(out, "## {title}\n");
            match delta {
                None => out.push_str("Not collected in both snapshots.\n\n"),
                Some(d) if d.added.is_empty() && d.removed.is_empty() => {
                    out.push_str("Unchanged.\n\n")
                }
                Some(d) => {
                    for p in &d.added {
                        let _ = writeln!(out, "- added: {} (`{}`, {})", p.label, p.id, p.account);
                    }
                    for p in &d.removed {
                        let _ = writeln!(out, "- removed: {} (`{}`, {})", p.label, p.id, p.account);
                    }
                    out.push('\n');
                }
            }
        }
        out
    }
}

fn label(f: &Finding) -> String {
    let r = &f.resource;
    let name = r.display_name.as_deref().unwrap_or(&r.id);
    match &r.account {
        Some(a) => format!("{} {name} [{a}]", r.kind),
        None => format!("{} {name}", r.kind),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ResourceRef, Status};
    use crate::report::inventory::PrivilegeInventory;

    fn f(check: &str, id: &str, status: Status) -> Finding {
        Finding {
            check_id: check.into(),
            plugin: "p".into(),
            domain: "iam".into(),
            status,
            severity: Severity::High,
            resource: ResourceRef {
                kind: "principal".into(),
                id: id.into(),
                display_name: None,
                account: Some("a".into()),
                tags: Default::default(),
            },
            message: format!("{check} {id}"),
            evidence: Vec::new(),
            waiver: None,
        }
    }

    fn report(findings: Vec<Finding>, admins: &[&str]) -> Report {
        let mut r = crate::report::build::test_support::report_of(findings);
        r.checks = ["c.one", "c.two"]
            .iter()
            .map(|id| crate::report::build::test_support::check_ran(id))
            .collect();
        r.privileges = PrivilegeInventory {
            admins: Some(
                admins
                    .iter()
                    .map(|a| Privileged {
                        account: "a".into(),
                        id: (*a).into(),
                        label: (*a).into(),
                    })
                    .collect(),
            ),
            privileged_grants: None,
        };
        r
    }

    fn ids(v: &[Finding]) -> Vec<&str> {
        v.iter().map(|f| f.resource.id.as_str()).collect()
    }

    #[test]
    fn classifies_new_fixed_unchanged_and_not_evaluable() {
        let old = report(
            vec![
                f("c.one", "fixed", Status::Fail),
                f("c.one", "still", Status::Fail),
                f("c.one", "gone", Status::Fail),
                f("c.one", "regressed", Status::Pass),
                f("c.two", "lost-data", Status::Pass),
            ],
            &["alice", "bob"],
        );
        let new = report(
            vec![
                f("c.one", "fixed", Status::Pass),
                f("c.one", "still", Status::Fail),
                f("c.one", "regressed", Status::Fail),
                f("c.one", "brand-new", Status::Fail),
                f("c.two", "lost-data", Status::NotEvaluable),
            ],
            &["alice", "carol"],
        );
        let d = diff(&old, &new);
        assert_eq!(ids(&d.new_failures), ["brand-new", "regressed"]);
        assert_eq!(ids(&d.fixed), ["fixed", "gone"]);
        assert_eq!(ids(&d.still_failing), ["still"]);
        assert_eq!(ids(&d.newly_not_evaluable), ["lost-data"]);
        assert!(d.not_rechecked.is_empty());
        let admins = d.admins.as_ref().map(|a| {
            (
                a.added.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
                a.removed.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
            )
        });
        assert_eq!(admins, Some((vec!["carol"], vec!["bob"])));
        assert!(d.privileged_grants.is_none(), "grants not collected");
        assert_eq!(d.verdict(Some(Severity::High)).code(), 1);
        assert_eq!(d.verdict(Some(Severity::Critical)).code(), 0);
        let text = d.to_text();
        assert!(text.contains("2 new failure(s), 2 fixed, 1 still failing"));
        assert!(text.contains("+ carol") && text.contains("- bob"));
    }

    #[test]
    fn a_failure_whose_check_did_not_run_is_not_fixed() {
        let old = report(vec![f("c.one", "x", Status::Fail)], &[]);
        let mut new = report(Vec::new(), &[]);
        new.checks[0].plugin_failed = true;
        let d = diff(&old, &new);
        assert!(d.fixed.is_empty());
        assert_eq!(ids(&d.not_rechecked), ["x"]);
    }

    #[test]
    fn waived_new_failures_do_not_gate() {
        let old = report(Vec::new(), &[]);
        let mut failing = f("c.one", "x", Status::Fail);
        failing.waiver = Some(crate::model::Waiver {
            check: "c.one".into(),
            resource: "*".into(),
            account: None,
            reason: "r".into(),
            owner: "o".into(),
            ticket: None,
            expires: "2099-01-01".into(),
        });
        let new = report(vec![failing], &[]);
        let d = diff(&old, &new);
        assert_eq!(d.new_failures.len(), 1);
        assert_eq!(d.verdict(Some(Severity::Info)).code(), 0);
    }
}
