//! Assembling a report from the plugins' outcomes. This is the one place a finding is
//! finished: its severity (the plugin's own, else the configured one, else the check's
//! default), its domain and plugin, the resource's tags from the snapshot, and the waiver
//! that accepts it. Everything is then put in a total order, so that a report never depends
//! on scheduling or on the order plugins were loaded in.

use super::inventory::{self, PrivilegeInventory};
use super::model::{
    CheckResult, NotApplicable, PluginRun, REPORT_SCHEMA, Report, SnapshotSummary, StatusCounts,
    Summary, rfc3339,
};
use super::waiver::WaiverFile;
use crate::model::{CheckInfo, Finding, RawFinding, Severity, Status};
use crate::snapshot::Snapshot;
use std::collections::BTreeMap;

/// Severities the configuration sets per check id, replacing the checks' defaults.
pub type SeverityOverrides = BTreeMap<String, Severity>;

/// One plugin's part in a scan, as the report needs it.
#[derive(Debug, Clone)]
pub struct PluginOutcome {
    /// Its entry in the report: name, version, vendor, digest, the checks it was asked to
    /// run and, when it failed, why. `findings` is counted by [`Report::build`].
    pub run: PluginRun,
    /// The metadata of its checks, as it described itself.
    pub checks: Vec<CheckInfo>,
    /// What it returned, in its own order; empty when it failed.
    pub findings: Vec<RawFinding>,
    /// Its checks that were not run because the snapshot covers no account of the providers
    /// they apply to (ids; their metadata is in `checks`).
    pub not_applicable: Vec<String>,
}

/// What a report is built from besides the plugins' outcomes.
#[derive(Debug, Clone, Copy)]
pub struct ReportInput<'a> {
    /// The scanned snapshot (accounts, capture time, tags, privileges).
    pub snapshot: &'a Snapshot,
    /// Where the snapshot was read from, as shown in reports.
    pub origin: &'a str,
    /// The evaluation's "now", Unix seconds.
    pub now: i64,
    /// Configured severities per check.
    pub severities: &'a SeverityOverrides,
    /// Accepted risks, applied as of `now`.
    pub waivers: Option<&'a WaiverFile>,
}

impl Report {
    /// Assembles a report: finishes every finding, sorts everything so the result does not
    /// depend on scheduling or load order, counts per check, per domain and per severity,
    /// and applies the waivers.
    pub fn build(input: ReportInput<'_>, outcomes: Vec<PluginOutcome>) -> Report {
        let mut findings = Vec::new();
        let mut runs = Vec::with_capacity(outcomes.len());
        for mut o in outcomes {
            o.run.findings = o.findings.len();
            for raw in o.findings {
                findings.push(finish(raw, &o.run.name, &o.checks, input.severities));
            }
            runs.push((o.run, o.checks, o.not_applicable));
        }
        inventory::attach_tags(input.snapshot, &mut findings);
        // The key is total, so an unstable sort gives the same order (and is faster).
        findings.sort_unstable_by(|a, b| finding_key(a).cmp(&finding_key(b)));
        let mut checks = Vec::new();
        let mut not_applicable = Vec::new();
        let mut plugins = Vec::with_capacity(runs.len());
        for (run, metas, set_aside) in runs {
            for id in &run.checks {
                if let Some(meta) = metas.iter().find(|c| &c.id == id) {
                    checks.push(check_result(meta, &run, input.severities, &findings));
                }
            }
            for id in &set_aside {
                if let Some(meta) = metas.iter().find(|c| &c.id == id) {
                    not_applicable.push(NotApplicable {
                        id: meta.id.clone(),
                        title: meta.title.clone(),
                        domain: meta.domain.clone(),
                        plugin: run.name.clone(),
                        providers: meta.providers.clone(),
                    });
                }
            }
            plugins.push(run);
        }
        // A total order, whatever order the plugins were loaded in: a refused plugin named
        // like a loaded one after it; a check id claimed twice (a conflict) by plugin.
        plugins.sort_by(|a, b| {
            (&a.name, a.error.is_some(), &a.digest).cmp(&(&b.name, b.error.is_some(), &b.digest))
        });
        checks.sort_by(|a, b| (&a.id, &a.plugin).cmp(&(&b.id, &b.plugin)));
        not_applicable.sort_by(|a, b| (&a.id, &a.plugin).cmp(&(&b.id, &b.plugin)));
        let mut summary = summarise(&plugins, &findings);
        summary.not_applicable = not_applicable.len();
        let snapshot = input.snapshot;
        let mut report = Report {
            schema: REPORT_SCHEMA.into(),
            posture_version: env!("CARGO_PKG_VERSION").into(),
            contract_version: crate::contract::CONTRACT_VERSION.into(),
            now: rfc3339(input.now),
            snapshot: SnapshotSummary {
                origin: input.origin.to_string(),
                captured_at: rfc3339(snapshot.captured_at),
                accounts: snapshot
                    .accounts
                    .iter()
                    .map(|a| format!("{}:{}", a.provider, a.id))
                    .collect(),
            },
            plugins,
            checks,
            not_applicable,
            findings,
            summary,
            waivers: Default::default(),
            inputs: Default::default(),
            privileges: PrivilegeInventory::of(snapshot),
        };
        if let Some(w) = input.waivers {
            w.apply(&mut report, input.now);
        }
        report
    }
}

/// Finishes one finding of plugin `plugin`, whose checks are `metas`.
fn finish(
    raw: RawFinding,
    plugin: &str,
    metas: &[CheckInfo],
    severities: &SeverityOverrides,
) -> Finding {
    let meta = metas.iter().find(|c| c.id == raw.check_id);
    let severity = raw
        .severity
        .or_else(|| severities.get(&raw.check_id).copied())
        .unwrap_or_else(|| meta.map_or(Severity::Medium, |m| m.default_severity));
    Finding {
        domain: meta.map_or_else(String::new, |m| m.domain.clone()),
        plugin: plugin.to_string(),
        check_id: raw.check_id,
        status: raw.status,
        severity,
        resource: raw.resource,
        message: raw.message,
        evidence: raw.evidence,
        waiver: None,
    }
}

fn summarise(plugins: &[PluginRun], findings: &[Finding]) -> Summary {
    let mut summary = Summary {
        plugins_failed: plugins.iter().filter(|p| p.error.is_some()).count(),
        ..Summary::default()
    };
    for f in findings {
        summary.total.add(f.status);
        summary
            .by_domain
            .entry(f.domain.clone())
            .or_default()
            .add(f.status);
        if f.status == Status::Fail {
            *summary.failing_by_severity.entry(f.severity).or_default() += 1;
        }
    }
    summary
}

/// Sort key of a finding: every field, most significant first.
type FindingKey<'a> = (
    &'a str,
    &'a Option<String>,
    &'a str,
    Status,
    &'a str,
    Severity,
    &'a crate::model::ResourceRef,
    &'a [crate::model::Evidence],
    &'a str,
    &'a str,
);

fn finding_key(f: &Finding) -> FindingKey<'_> {
    (
        &f.check_id,
        &f.resource.account,
        &f.resource.id,
        f.status,
        &f.message,
        f.severity,
        &f.resource,
        &f.evidence,
        &f.plugin,
        &f.domain,
    )
}

fn check_result(
    meta: &CheckInfo,
    run: &PluginRun,
    severities: &SeverityOverrides,
    findings: &[Finding],
) -> CheckResult {
    // `findings` is sorted by check id first: the check's findings are one run.
    let start = findings.partition_point(|f| f.check_id < meta.id);
    let end = start + findings[start..].partition_point(|f| f.check_id == meta.id);
    let mut counts = StatusCounts::default();
    for f in &findings[start..end] {
        counts.add(f.status);
    }
    CheckResult {
        id: meta.id.clone(),
        title: meta.title.clone(),
        domain: meta.domain.clone(),
        plugin: run.name.clone(),
        severity: severities
            .get(&meta.id)
            .copied()
            .unwrap_or(meta.default_severity),
        controls: meta.controls.clone(),
        remediation: meta.remediation.clone(),
        counts,
        plugin_failed: run.error.is_some(),
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Reports from ready-made findings, for the report wing's unit tests.
    use super::*;
    use crate::model::RawFinding;

    /// An `iam.admin-mfa` finding of plugin `p` about principal `id` of account `111`.
    pub(crate) fn admin_mfa_finding(status: Status, severity: Severity, id: &str) -> Finding {
        Finding {
            check_id: "iam.admin-mfa".into(),
            plugin: "p".into(),
            domain: "iam".into(),
            status,
            severity,
            resource: crate::model::ResourceRef {
                kind: "principal".into(),
                id: id.into(),
                display_name: None,
                account: Some("111".into()),
                tags: Default::default(),
            },
            message: "no MFA".into(),
            evidence: Vec::new(),
            waiver: None,
        }
    }

    /// A waiver of `iam.admin-mfa` on every resource, owned by `sec`, far from expiry.
    pub(crate) fn waiver() -> crate::model::Waiver {
        crate::model::Waiver {
            check: "iam.admin-mfa".into(),
            resource: "*".into(),
            account: None,
            reason: "break-glass".into(),
            owner: "sec".into(),
            ticket: None,
            expires: "2099-01-01".into(),
        }
    }

    /// A check of plugin `p`, domain `iam`, high severity, that ran (no counts).
    pub(crate) fn check_ran(id: &str) -> crate::report::CheckResult {
        crate::report::CheckResult {
            id: id.into(),
            title: String::new(),
            domain: "iam".into(),
            plugin: "p".into(),
            severity: Severity::High,
            controls: Vec::new(),
            remediation: String::new(),
            counts: Default::default(),
            plugin_failed: false,
        }
    }

    /// Builds a report from findings as if each plugin named in them returned them, with
    /// each finding's severity and domain.
    pub(crate) fn report_of(findings: Vec<Finding>) -> Report {
        let snap = Snapshot::empty();
        let mut by_plugin: BTreeMap<String, PluginOutcome> = BTreeMap::new();
        // Waivers a test set on a finding stay on it (as a saved report would carry them).
        let waived: BTreeMap<(String, String, String), crate::model::Waiver> = findings
            .iter()
            .filter_map(|f| {
                let key = (f.check_id.clone(), f.resource.id.clone(), f.message.clone());
                f.waiver.clone().map(|w| (key, w))
            })
            .collect();
        for f in findings {
            let o = by_plugin
                .entry(f.plugin.clone())
                .or_insert_with(|| PluginOutcome {
                    run: PluginRun {
                        name: f.plugin.clone(),
                        version: String::new(),
                        vendor: String::new(),
                        digest: String::new(),
                        checks: Vec::new(),
                        findings: 0,
                        error: None,
                    },
                    checks: Vec::new(),
                    findings: Vec::new(),
                    not_applicable: Vec::new(),
                });
            if !o.checks.iter().any(|c| c.id == f.check_id) {
                o.checks.push(CheckInfo {
                    id: f.check_id.clone(),
                    title: String::new(),
                    description: String::new(),
                    default_severity: f.severity,
                    domain: f.domain.clone(),
                    rationale: String::new(),
                    remediation: String::new(),
                    controls: Vec::new(),
                    params: Vec::new(),
                    reads: Vec::new(),
                    providers: Vec::new(),
                });
            }
            o.findings.push(RawFinding {
                check_id: f.check_id,
                status: f.status,
                resource: f.resource,
                message: f.message,
                severity: Some(f.severity),
                evidence: f.evidence,
            });
        }
        let input = ReportInput {
            snapshot: &snap,
            origin: "s.json",
            now: 0,
            severities: &SeverityOverrides::new(),
            waivers: None,
        };
        let mut report = Report::build(input, by_plugin.into_values().collect());
        for f in &mut report.findings {
            let key = (f.check_id.clone(), f.resource.id.clone(), f.message.clone());
            f.waiver = waived.get(&key).cloned();
        }
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Evidence, ResourceRef};
    use proptest::prelude::*;

    fn finding(check: u8, res: u8, status: u8, sev: u8) -> Finding {
        Finding {
            check_id: format!("d{}.c{check}", check % 3),
            plugin: "p".into(),
            domain: format!("d{}", check % 3),
            status: Status::ALL[usize::from(status % 4)],
            severity: Severity::ALL[usize::from(sev % 5)],
            resource: ResourceRef {
                kind: "k".into(),
                id: format!("r{res}"),
                display_name: None,
                account: Some("a".into()),
                tags: Default::default(),
            },
            message: format!("m{res}"),
            evidence: vec![Evidence {
                key: "k".into(),
                value: "v".into(),
                path: "/p".into(),
            }],
            waiver: None,
        }
    }

    fn build(findings: Vec<Finding>) -> Report {
        test_support::report_of(findings)
    }

    proptest! {
        #[test]
        fn aggregation_counts_every_finding_and_ignores_input_order(
            raw in proptest::collection::vec((0u8..6, 0u8..20, 0u8..4, 0u8..5), 0..60),
            seed in any::<u64>(),
        ) {
            let findings: Vec<Finding> = raw.iter().map(|&(c, r, s, v)| finding(c, r, s, v)).collect();
            let mut shuffled = findings.clone();
            // Deterministic shuffle from the seed.
            let n = shuffled.len();
            let mut x = seed | 1;
            for i in (1..n).rev() {
                x ^= x << 13; x ^= x >> 7; x ^= x << 17;
                shuffled.swap(i, (x % (i as u64 + 1)) as usize);
            }
            let a = build(findings.clone());
            let b = build(shuffled);
            prop_assert_eq!(a.to_json(), b.to_json());
            prop_assert_eq!(a.summary.total.total(), findings.len());
            let per_domain: usize = a.summary.by_domain.values().map(StatusCounts::total).sum();
            prop_assert_eq!(per_domain, findings.len());
            let fails = findings.iter().filter(|f| f.status == Status::Fail).count();
            prop_assert_eq!(a.summary.failing_by_severity.values().sum::<usize>(), fails);
            prop_assert_eq!(a.summary.total.fail, fails);
            // Exit code: 3 on any error finding, else 1 iff a failure reaches the threshold.
            let has_error = findings.iter().any(|f| f.status == Status::Error);
            for t in Severity::ALL {
                let gate = findings.iter().any(|f| f.status == Status::Fail && f.severity >= t);
                let want = if has_error { 3 } else if gate { 1 } else { 0 };
                prop_assert_eq!(a.verdict(Some(t)).code(), want);
            }
            prop_assert_eq!(a.verdict(None).code(), if has_error { 3 } else { 0 });
        }
    }
}
