//! OSCAL 1.1.3 JSON for the evidence pack: Assessment Results (one `result` per recorded run
//! in the period, written one run at a time) and a Plan of Action and Milestones for the
//! findings open at the period's end.
//!
//! Mapping (docs/evidence.md states it for auditors):
//! - a framework control id becomes an OSCAL control id by lower-casing it (`CC6.1` →
//!   `cc6.1`, `A.8.5` → `a.8.5`); a finding targets the control's statement,
//!   `<control-id>_smt`;
//! - a control that is `passing` at a run is `satisfied`; `failing` and `accepted-risk` are
//!   `not-satisfied`; `incomplete` and `no-evidence` carry no state (OSCAL has no word for
//!   "not decided"), only a `posture-state` property; controls no check covers are not
//!   among the reviewed controls;
//! - a finding that is not a pass is an observation with its evidence (the snapshot paths
//!   the check read) at the period's first and last run and at every run where it is new
//!   or changed; at other runs the findings unchanged since the previous run, and the
//!   passes, are counted in one observation per check (a year of a large company's every
//!   failure at every run would be gigabytes);
//! - every UUID is a version-5 UUID of a name built from run ids, check ids and resources,
//!   so the same history gives the same file.

use super::compliance::{Catalog, ControlState, rollup};
use super::model::{Report, rfc3339};
use super::remediation::Interval;
use crate::model::{Finding, Status};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashSet};
use std::io::{self, Write};

/// The OSCAL version written.
pub const OSCAL_VERSION: &str = "1.1.3";

/// The namespace of posture's properties.
pub const NS: &str = "https://posture.dev/ns/oscal";

/// Namespace of the version-5 UUIDs (a fixed random UUID).
const UUID_NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x6f1c_2a9e_5d3b_4c07_9a41_d2e8_b7f3_0c65);

/// The deterministic UUID of `name`.
pub fn uuid_of(name: &str) -> String {
    uuid::Uuid::new_v5(&UUID_NAMESPACE, name.as_bytes()).to_string()
}

/// The OSCAL control id of a framework control id.
pub fn control_id(id: &str) -> String {
    id.to_lowercase()
}

/// OSCAL strings (titles, property values) are one line, trimmed, not empty.
fn line(text: &str) -> String {
    let s = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.is_empty() { "-".to_string() } else { s }
}

fn prop(name: &str, value: &str) -> Value {
    json!({"name": name, "ns": NS, "value": line(value)})
}

fn resource_name(f: &Finding) -> String {
    format!(
        "{}/{}/{}",
        f.resource.account.as_deref().unwrap_or("-"),
        f.resource.kind,
        f.resource.id
    )
}

fn metadata(title: &str, last_modified: &str) -> Value {
    json!({
        "title": title,
        "last-modified": last_modified,
        "version": env!("CARGO_PKG_VERSION"),
        "oscal-version": OSCAL_VERSION,
        "props": [prop("generator", "posture evidence export")],
    })
}

/// A serialised JSON object without its closing brace, to append members to.
fn object_head(text: &str) -> io::Result<&str> {
    text.strip_suffix('}')
        .ok_or_else(|| io::Error::other("a JSON object ends with `}`"))
}

/// Writes `assessment-results.json` one run at a time.
pub struct AssessmentResultsWriter<'c, W: Write> {
    out: W,
    catalog: &'c Catalog,
    results: usize,
    /// The findings that were not passes at the previous run (check, account, kind, id,
    /// status).
    previous: HashSet<String>,
}

impl<'c, W: Write> AssessmentResultsWriter<'c, W> {
    /// Starts the document: `title` names the period, `last_modified` is its end (so the
    /// same history gives the same bytes), `identity` names the document's UUID (e.g. the
    /// framework, period and run ids).
    pub fn start(
        mut out: W,
        catalog: &'c Catalog,
        title: &str,
        last_modified: &str,
        identity: &str,
    ) -> io::Result<Self> {
        let head = json!({
            "uuid": uuid_of(&format!("assessment-results/{identity}")),
            "metadata": metadata(title, last_modified),
            "import-ap": {
                "href": format!("#{}", uuid_of("assessment-plan")),
                "remarks": "The assessment plan is posture's configuration: the checks of the loaded plugins, the promised cadence and the action plan; see the back matter.",
            },
        });
        let head = serde_json::to_string(&head).map_err(io::Error::other)?;
        // the object without its closing brace, then the results array
        out.write_all(b"{\"assessment-results\":")?;
        out.write_all(object_head(&head)?.as_bytes())?;
        out.write_all(b",\"results\":[")?;
        Ok(AssessmentResultsWriter {
            out,
            catalog,
            results: 0,
            previous: HashSet::new(),
        })
    }

    /// Adds the result of one run. With `every_finding` (the period's first and last run)
    /// every finding that is not a pass is an observation; otherwise only those that were
    /// not already so at the previous run, and the rest are counted per check.
    pub fn add(&mut self, run_id: &str, report: &Report, every_finding: bool) -> io::Result<()> {
        let current: HashSet<String> = report
            .findings
            .iter()
            .filter(|f| f.status != Status::Pass)
            .map(finding_key)
            .collect();
        let unchanged = if every_finding {
            HashSet::new()
        } else {
            current.intersection(&self.previous).cloned().collect()
        };
        let result = result_of(run_id, report, self.catalog, &unchanged);
        self.previous = current;
        if self.results > 0 {
            self.out.write_all(b",")?;
        }
        serde_json::to_writer(&mut self.out, &result).map_err(io::Error::other)?;
        self.results += 1;
        Ok(())
    }

    /// Ends the document (the back matter says what the assessment plan is) and returns the
    /// writer. `start` is the period's start, for the result that says nothing was assessed.
    pub fn finish(mut self, start: &str) -> io::Result<W> {
        if self.results == 0 {
            // OSCAL requires at least one result: say that nothing was assessed
            let empty = json!({
                "uuid": uuid_of("result/none"),
                "title": "No recorded run in the period",
                "description": "No run was recorded in the period: nothing shows that any control operated.",
                "start": start,
                "reviewed-controls": {"control-selections": [{"description": "No control was assessed."}]},
            });
            serde_json::to_writer(&mut self.out, &empty).map_err(io::Error::other)?;
        }
        let back = json!({"resources": [{
            "uuid": uuid_of("assessment-plan"),
            "title": "posture assessment plan",
            "description": "posture runs the check plugins recorded in each run's receipt against a normalised snapshot of the configuration; the configuration's [evidence] cadence is the promised frequency and its [actions] the remediation deadlines and owners.",
        }]});
        self.out.write_all(b"],\"back-matter\":")?;
        serde_json::to_writer(&mut self.out, &back).map_err(io::Error::other)?;
        self.out.write_all(b"}}\n")?;
        Ok(self.out)
    }
}

/// The OSCAL `result` of one run.
/// A finding's identity and status, for telling what changed since the previous run.
fn finding_key(f: &Finding) -> String {
    format!(
        "{}\u{0}{}\u{0}{}",
        f.check_id,
        resource_name(f),
        f.status.as_str()
    )
}

/// The OSCAL `result` of one run; findings in `unchanged` are counted, not listed.
fn result_of(
    run_id: &str,
    report: &Report,
    catalog: &Catalog,
    unchanged: &HashSet<String>,
) -> Value {
    let roll = rollup(report, catalog);
    let mut observations = Vec::new();
    // check id → observation uuids
    let mut by_check: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let known: HashSet<&str> = catalog.controls.iter().map(|c| c.id.as_str()).collect();
    let mut passes: BTreeMap<&str, usize> = BTreeMap::new();
    let mut same: BTreeMap<&str, usize> = BTreeMap::new();
    for (index, f) in report.findings.iter().enumerate() {
        if f.status == Status::Pass {
            *passes.entry(f.check_id.as_str()).or_insert(0) += 1;
            continue;
        }
        if unchanged.contains(&finding_key(f)) {
            *same.entry(f.check_id.as_str()).or_insert(0) += 1;
            continue;
        }
        let status = f.status.as_str();
        let resource = resource_name(f);
        // the index keeps two identical findings of one report apart
        let id = uuid_of(&format!(
            "observation/{run_id}/{index}/{}/{resource}/{status}/{}",
            f.check_id, f.message
        ));
        let evidence: Vec<Value> = f
            .evidence
            .iter()
            .map(|e| {
                json!({
                    "description": format!("`{}` = `{}` at snapshot path `{}`", e.key, e.value, e.path),
                    "props": [prop("snapshot-path", if e.path.is_empty() { "/" } else { &e.path })],
                })
            })
            .collect();
        let mut props = vec![
            prop("check", &f.check_id),
            prop("status", status),
            prop("severity", f.severity.as_str()),
            prop("resource", &resource),
        ];
        if let Some(w) = &f.waiver {
            props.push(prop("waived-by", &w.owner));
        }
        let mut o = json!({
            "uuid": id,
            "title": line(&format!("{} {status} on {resource}", f.check_id)),
            "description": if f.message.trim().is_empty() { "(no message)".to_string() } else { f.message.clone() },
            "props": props,
            "methods": ["TEST"],
            "types": ["finding"],
            "collected": report.now,
        });
        if !evidence.is_empty() {
            o["relevant-evidence"] = Value::Array(evidence);
        }
        by_check.entry(f.check_id.as_str()).or_default().push(id);
        observations.push(o);
    }
    for (check, n) in &same {
        let id = uuid_of(&format!("observation/{run_id}/{check}/unchanged"));
        observations.push(json!({
            "uuid": id,
            "title": line(&format!("{check}: {n} findings as at the previous run")),
            "description": format!("{n} findings of `{check}` that are not passes are unchanged since the previous run, where each is an observation; the run's report in the history lists them."),
            "props": [prop("check", check), prop("unchanged-since-previous-run", &n.to_string())],
            "methods": ["TEST"],
            "types": ["finding"],
            "collected": report.now,
        }));
        by_check.entry(check).or_default().push(id);
    }
    for (check, n) in &passes {
        let id = uuid_of(&format!("observation/{run_id}/{check}/passes"));
        observations.push(json!({
            "uuid": id,
            "title": line(&format!("{check} passed on {n} resources")),
            "description": format!("The check `{check}` passed on {n} resources at this run; each is in the run's report in the history."),
            "props": [prop("check", check), prop("status", "pass"), prop("count", &n.to_string())],
            "methods": ["TEST"],
            "types": ["control-objective"],
            "collected": report.now,
        }));
        by_check.entry(check).or_default().push(id);
    }
    let mut reviewed = Vec::new();
    let mut findings = Vec::new();
    // controls named by plugins but absent from the catalogue stay in the timeline only:
    // their ids are not the framework's, so they are not OSCAL control ids
    for c in roll
        .controls
        .iter()
        .filter(|c| c.state != ControlState::NotCovered && known.contains(c.id.as_str()))
    {
        let oscal_id = control_id(&c.id);
        reviewed.push(json!({"control-id": oscal_id}));
        let mut target = json!({
            "type": "statement-id",
            "target-id": format!("{oscal_id}_smt"),
            "props": [prop("posture-state", c.state.as_str())],
        });
        let state = match c.state {
            ControlState::Passing => Some("satisfied"),
            ControlState::Failing | ControlState::AcceptedRisk => Some("not-satisfied"),
            _ => None,
        };
        if let Some(state) = state {
            target["status"] = json!({"state": state});
        }
        let related: Vec<Value> = c
            .checks
            .iter()
            .flat_map(|k| by_check.get(k.as_str()).into_iter().flatten())
            .map(|u| json!({"observation-uuid": u}))
            .collect();
        let mut finding = json!({
            "uuid": uuid_of(&format!("finding/{run_id}/{}", c.id)),
            "title": line(&format!("{} {}", c.id, c.title)),
            "description": format!(
                "{}: {} resources passing, {} failing ({} of them waived), {} findings undecided; checks: {}.",
                c.state.as_str(), c.resources_passing, c.resources_failing, c.resources_waived, c.undecided,
                c.checks.join(", ")
            ),
            "target": target,
        });
        if !related.is_empty() {
            finding["related-observations"] = Value::Array(related);
        }
        findings.push(finding);
    }
    let mut result = json!({
        "uuid": uuid_of(&format!("result/{run_id}")),
        "title": line(&format!("posture run {run_id}")),
        "description": format!(
            "Run {run_id} evaluated {} of snapshot {} (accounts: {}).",
            report.now,
            report.snapshot.origin,
            report.snapshot.accounts.join(", ")
        ),
        "start": report.now,
        "end": report.now,
        "props": [prop("run", run_id)],
    });
    result["reviewed-controls"] = if reviewed.is_empty() {
        json!({"control-selections": [{"description": "No control of the framework had an automated check at this run."}]})
    } else {
        json!({"control-selections": [{"include-controls": reviewed}]})
    };
    if !observations.is_empty() {
        result["observations"] = Value::Array(observations);
    }
    if !findings.is_empty() {
        result["findings"] = Value::Array(findings);
    }
    result
}

/// The observation, risk and POA&M item of one open interval.
fn poam_parts(i: &Interval, end: i64) -> [Value; 3] {
    let resource = format!(
        "{}/{}/{}",
        i.account.as_deref().unwrap_or("-"),
        i.resource_kind,
        i.resource_id
    );
    let name = format!("{}/{resource}/{}", i.check_id, i.opened);
    let (obs, risk, item) = (
        uuid_of(&format!("poam-observation/{name}")),
        uuid_of(&format!("poam-risk/{name}")),
        uuid_of(&format!("poam-item/{name}")),
    );
    let overdue = i.deadline < end;
    let props = vec![
        prop("check", &i.check_id),
        prop("resource", &resource),
        prop("severity", i.severity.as_str()),
        prop("owner", &i.owner),
        prop("domain", &i.domain),
        prop("first-seen-failing", &rfc3339(i.opened)),
        prop("deadline", &rfc3339(i.deadline)),
        prop("overdue", if overdue { "true" } else { "false" }),
    ];
    let observation = json!({
        "uuid": obs,
        "title": line(&format!("{} fails on {resource}", i.check_id)),
        "description": format!("The check `{}` has failed on `{resource}` since {}.", i.check_id, rfc3339(i.opened)),
        "methods": ["TEST"],
        "types": ["finding"],
        "collected": rfc3339(i.opened),
    });
    let risk_doc = json!({
        "uuid": risk,
        "title": line(&format!("{} on {resource}", i.check_id)),
        "description": format!("A {} severity failure of `{}` on `{resource}`, owned by {}.", i.severity.as_str(), i.check_id, i.owner),
        "statement": format!("Open since {}; the action plan's deadline is {}{}.", rfc3339(i.opened), rfc3339(i.deadline), if overdue { ", already past" } else { "" }),
        "status": "open",
        "deadline": rfc3339(i.deadline),
        "related-observations": [{"observation-uuid": obs}],
    });
    let item_doc = json!({
        "uuid": item,
        "title": line(&format!("Fix {} on {resource}", i.check_id)),
        "description": format!("Owner {}: fix `{}` on `{resource}` by {}.", i.owner, i.check_id, rfc3339(i.deadline)),
        "props": props,
        "related-observations": [{"observation-uuid": obs}],
        "related-risks": [{"risk-uuid": risk}],
    });
    [observation, risk_doc, item_doc]
}

/// Writes the Plan of Action and Milestones: one item, risk and observation per failing
/// interval still open (at `end`, the period's end), with its deadline and owner; one
/// interval at a time, so a large company's thousands of open findings are never one value.
pub fn write_poam<W: Write>(
    mut out: W,
    open: &[Interval],
    title: &str,
    end: i64,
    identity: &str,
) -> io::Result<W> {
    let open: Vec<&Interval> = open.iter().filter(|i| i.fixed.is_none()).collect();
    let head = json!({
        "uuid": uuid_of(&format!("poam/{identity}")),
        "metadata": metadata(title, &rfc3339(end)),
        "system-id": {"identifier-type": NS, "id": "posture"},
    });
    let head = serde_json::to_string(&head).map_err(io::Error::other)?;
    out.write_all(b"{\"plan-of-action-and-milestones\":")?;
    out.write_all(object_head(&head)?.as_bytes())?;
    if open.is_empty() {
        // OSCAL wants at least one item: say that nothing is open
        let none = json!({
            "uuid": uuid_of(&format!("poam-item/none/{identity}")),
            "title": "No open finding",
            "description": "No failing finding was open at the end of the period.",
        });
        out.write_all(b",\"poam-items\":[")?;
        serde_json::to_writer(&mut out, &none).map_err(io::Error::other)?;
        out.write_all(b"]}}\n")?;
        return Ok(out);
    }
    let sections = [(0, "observations"), (1, "risks"), (2, "poam-items")];
    for (part, name) in sections {
        out.write_all(format!(",\"{name}\":[").as_bytes())?;
        for (n, i) in open.iter().enumerate() {
            if n > 0 {
                out.write_all(b",")?;
            }
            let parts = poam_parts(i, end);
            serde_json::to_writer(&mut out, &parts[part]).map_err(io::Error::other)?;
        }
        out.write_all(b"]")?;
    }
    out.write_all(b"}}\n")?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Severity;
    use crate::report::build::test_support::{admin_mfa_finding, check_ran, report_of};
    use crate::report::compliance::{Framework, catalog};

    fn report() -> Report {
        let mut r = report_of(vec![
            admin_mfa_finding(Status::Fail, Severity::High, "alice"),
            admin_mfa_finding(Status::Pass, Severity::High, "bob"),
        ]);
        let mut check = check_ran("iam.admin-mfa");
        check.controls.push(crate::model::Control {
            framework: "soc2".into(),
            id: "CC6.1".into(),
        });
        r.checks = vec![check];
        r.now = "2026-03-01T00:00:00Z".into();
        r
    }

    fn write(reports: &[Report]) -> Value {
        let cat = catalog(Framework::Soc2).expect("catalogue");
        let mut w =
            AssessmentResultsWriter::start(Vec::new(), &cat, "t", "2026-12-31T00:00:00Z", "x")
                .expect("write");
        for (n, r) in reports.iter().enumerate() {
            w.add(&format!("run-{n}"), r, n == 0 || n + 1 == reports.len())
                .expect("write");
        }
        let bytes = w.finish("2026-01-01T00:00:00Z").expect("write");
        serde_json::from_slice(&bytes).expect("valid JSON")
    }

    #[test]
    fn a_failing_control_is_not_satisfied_and_cites_its_observations() {
        let doc = write(&[report()]);
        let result = &doc["assessment-results"]["results"][0];
        let finding = result["findings"]
            .as_array()
            .and_then(|f| f.iter().find(|f| f["target"]["target-id"] == "cc6.1_smt"))
            .expect("a finding on CC6.1");
        assert_eq!(finding["target"]["status"]["state"], "not-satisfied");
        let observations = result["observations"].as_array().expect("observations");
        assert_eq!(observations.len(), 2, "the failure, and the passes counted");
        assert_eq!(
            finding["related-observations"].as_array().map(Vec::len),
            Some(2)
        );
        assert_eq!(
            result["reviewed-controls"]["control-selections"][0]["include-controls"]
                .as_array()
                .map(Vec::len),
            Some(1),
            "controls no check covers are not reviewed"
        );
    }

    #[test]
    fn an_unchanged_failure_is_listed_at_the_first_and_last_run_and_counted_between() {
        let doc = write(&[report(), report(), report()]);
        let titles = |n: usize| -> Vec<String> {
            doc["assessment-results"]["results"][n]["observations"]
                .as_array()
                .expect("observations")
                .iter()
                .map(|o| o["title"].as_str().unwrap_or_default().to_string())
                .collect()
        };
        assert!(
            titles(0)
                .iter()
                .any(|t| t.contains("fail on 111/principal/alice"))
        );
        let middle = titles(1);
        assert!(!middle.iter().any(|t| t.contains("alice")), "{middle:?}");
        assert!(
            middle
                .iter()
                .any(|t| t.contains("1 findings as at the previous run"))
        );
    }

    #[test]
    fn the_plan_lists_open_intervals_and_says_so_when_none_is_open() {
        use crate::report::remediation::{Outcome, summarize};
        let open = Interval {
            check_id: "iam.admin-mfa".into(),
            domain: "iam".into(),
            account: Some("111".into()),
            resource_kind: "principal".into(),
            resource_id: "alice".into(),
            severity: Severity::High,
            owner: "sec".into(),
            opened_run: 0,
            opened: 0,
            deadline: 30 * 86_400,
            fixed: None,
            outcome: Outcome::OpenOverdue,
        };
        assert_eq!(summarize(std::slice::from_ref(&open)).all.open_overdue, 1);
        let doc: Value = serde_json::from_slice(
            &write_poam(Vec::new(), &[open], "t", 40 * 86_400, "x").expect("write"),
        )
        .expect("JSON");
        let plan = &doc["plan-of-action-and-milestones"];
        assert_eq!(plan["poam-items"].as_array().map(Vec::len), Some(1));
        assert_eq!(plan["risks"][0]["deadline"], "1970-01-31T00:00:00Z");
        assert!(
            plan["poam-items"][0]["props"]
                .to_string()
                .contains("\"overdue\"")
        );
        let none: Value =
            serde_json::from_slice(&write_poam(Vec::new(), &[], "t", 0, "x").expect("write"))
                .expect("JSON");
        assert_eq!(
            none["plan-of-action-and-milestones"]["poam-items"][0]["title"],
            "No open finding"
        );
    }

    #[test]
    fn the_same_history_gives_the_same_bytes_and_an_empty_one_is_still_valid() {
        assert_eq!(write(&[report()]), write(&[report()]));
        let empty = write(&[]);
        assert_eq!(
            empty["assessment-results"]["results"][0]["title"],
            "No recorded run in the period"
        );
        assert_eq!(control_id("A.8.5"), "a.8.5");
    }
}
