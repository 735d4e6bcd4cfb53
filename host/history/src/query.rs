//! Reading the history back: the list of runs, a run's report rebuilt byte-identical, its
//! findings, each finding's first and last sighting, and the receipts and envelopes as JSON
//! Lines.

use crate::backend::{RunRow, Tx};
use crate::error::{Error, Result};
use crate::json::Json;
use crate::pack;
use crate::receipt::RunRef;
use crate::report::{self, StoredFinding};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Counts of a run's findings by status (the report's `summary.total`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StatusCounts {
    /// Passing.
    pub pass: u64,
    /// Failing.
    pub fail: u64,
    /// Not evaluable.
    pub not_evaluable: u64,
    /// Errors.
    pub error: u64,
}

/// One recorded run, as `history list` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunInfo {
    /// Recording sequence number, from 1.
    pub seq: u64,
    /// Run id.
    pub run_id: String,
    /// The evaluation's `now`.
    pub now: String,
    /// When it was recorded.
    pub recorded_at: String,
    /// Accounts of the snapshot (`provider:id`).
    pub accounts: Vec<String>,
    /// Findings by status.
    pub counts: StatusCounts,
    /// The receipt digest.
    pub receipt_sha256: String,
    /// Imported with backfill.
    pub backfilled: bool,
    /// Has a signed envelope.
    pub signed: bool,
}

/// Which findings `findings_history` reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FindingFilter {
    /// Only sightings with this status (`fail`, `pass`, …): first and last seen then mean
    /// first and last seen with it.
    pub status: Option<String>,
    /// Only findings present in the newest run (with the status, when one is given).
    pub open: bool,
    /// Only this check.
    pub check_id: Option<String>,
}

/// A finding's history: one check on one resource of one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingHistory {
    /// Check id.
    pub check_id: String,
    /// Account of the resource.
    pub account: Option<String>,
    /// Kind of resource.
    pub resource_kind: String,
    /// Resource id.
    pub resource_id: String,
    /// First run it was seen in.
    pub first_seen_run: String,
    /// That run's `now`.
    pub first_seen: String,
    /// Last run it was seen in.
    pub last_seen_run: String,
    /// That run's `now`.
    pub last_seen: String,
    /// Status when last seen.
    pub status: String,
    /// Severity when last seen.
    pub severity: String,
    /// Message when last seen.
    pub message: String,
    /// Present in the newest run with status `fail`.
    pub open: bool,
}

fn stored<E: std::fmt::Display>(what: &str) -> impl FnOnce(E) -> Error + '_ {
    move |e| Error::Stored(format!("{what}: {e}"))
}

/// The sequence number `run` names.
pub(crate) fn resolve(tx: &mut dyn Tx, run: RunRef) -> Result<RunRow> {
    let head = tx.head()?.map_or(0, |h| h.seq);
    let (seq, name) = match run {
        RunRef::Latest(0) => (head, "latest".to_owned()),
        RunRef::Latest(n) => (
            head - i64::try_from(n).unwrap_or(i64::MAX).min(head),
            format!("latest~{n}"),
        ),
        RunRef::Seq(n) => (i64::try_from(n).unwrap_or(i64::MAX), crate::run_id(n)),
    };
    tx.run(seq)?.ok_or(Error::UnknownRun(name))
}

/// A run's header members, parsed, `None` where the findings go.
pub(crate) fn header(tx: &mut dyn Tx, run: &RunRow) -> Result<Vec<(String, Option<Json>)>> {
    let members: Vec<(String, Option<String>)> =
        serde_json::from_str(&run.header).map_err(stored("run header"))?;
    let ids: Vec<String> = members.iter().filter_map(|(_, id)| id.clone()).collect();
    let texts = pack::read(tx, &ids)?;
    members
        .into_iter()
        .map(|(key, id)| {
            let value = match id {
                None => None,
                Some(id) => {
                    let text = texts
                        .get(&id)
                        .ok_or_else(|| Error::Stored(format!("header blob {id} is missing")))?
                        .as_ref()
                        .map_err(|e| Error::Stored(format!("header blob {id}: {e}")))?;
                    Some(Json::parse(text).map_err(stored("header blob"))?)
                }
            };
            Ok((key, value))
        })
        .collect()
}

/// A run's findings in report order, their `json` parsed when `parse` (else `Json::Null`).
pub(crate) fn findings(tx: &mut dyn Tx, run: &RunRow, parse: bool) -> Result<Vec<StoredFinding>> {
    let intervals = tx.intervals_at(run.seq)?;
    let rows = tx.blobs_at(run.seq)?;
    let mut parsed: HashMap<String, StoredFinding> = HashMap::with_capacity(rows.len());
    for (id, text) in pack::Unpacker::new(tx)?.texts(rows) {
        let text = text.map_err(|e| Error::Stored(format!("finding body {id}: {e}")))?;
        parsed.insert(id.clone(), StoredFinding::stored(id, text, parse)?);
    }
    // Each body once, moved out of the map; a body a run holds more than once is copied.
    let mut copies: HashMap<&str, usize> = HashMap::new();
    for i in &intervals {
        *copies.entry(i.body.as_str()).or_default() += 1;
    }
    let mut list = Vec::with_capacity(intervals.len());
    for i in &intervals {
        let n = copies.get_mut(i.body.as_str()).map_or(0, |n| {
            *n -= 1;
            *n
        });
        let finding = if n == 0 {
            parsed.remove(&i.body)
        } else {
            parsed.get(&i.body).cloned()
        };
        list.push(
            finding.ok_or_else(|| Error::Stored(format!("finding body {} is missing", i.body)))?,
        );
    }
    report::sort_default(&mut list);
    match &run.finding_order {
        None => Ok(list),
        Some(order) => {
            let order: Vec<usize> = serde_json::from_str(order).map_err(stored("finding order"))?;
            report::apply(list, &order)
        }
    }
}

fn number(v: Option<&Json>) -> u64 {
    match v {
        Some(Json::Number(n)) => n.as_u64().unwrap_or(0),
        _ => 0,
    }
}

/// What `list` shows of one run.
pub(crate) fn info(tx: &mut dyn Tx, run: RunRow) -> Result<RunInfo> {
    let header = header(tx, &run)?;
    let member = |k: &str| {
        header
            .iter()
            .find(|(key, _)| key == k)
            .and_then(|(_, v)| v.as_ref())
    };
    let accounts = match member("snapshot").and_then(|s| s.get("accounts")) {
        Some(Json::Array(items)) => items
            .iter()
            .filter_map(|a| a.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    let total = member("summary").and_then(|s| s.get("total"));
    let counts = StatusCounts {
        pass: number(total.and_then(|t| t.get("pass"))),
        fail: number(total.and_then(|t| t.get("fail"))),
        not_evaluable: number(total.and_then(|t| t.get("not_evaluable"))),
        error: number(total.and_then(|t| t.get("error"))),
    };
    Ok(RunInfo {
        seq: u64::try_from(run.seq).unwrap_or(0),
        run_id: run.run_id,
        now: run.now,
        recorded_at: run.recorded_at,
        accounts,
        counts,
        receipt_sha256: run.receipt_sha256,
        backfilled: run.backfilled,
        signed: run.envelope.is_some(),
    })
}

/// The runs, by sequence.
pub(crate) fn list(tx: &mut dyn Tx) -> Result<Vec<RunInfo>> {
    let runs = tx.runs()?;
    runs.into_iter().map(|run| info(tx, run)).collect()
}

type Identity = (String, Option<String>, String, String);

fn field(j: &Json, path: &[&str]) -> Option<String> {
    let mut v = j;
    for p in path {
        v = v.get(p)?;
    }
    v.as_str().map(str::to_owned)
}

/// Every finding's first and last sighting.
pub(crate) fn history(tx: &mut dyn Tx, filter: &FindingFilter) -> Result<Vec<FindingHistory>> {
    let head = tx.head()?.map_or(0, |h| h.seq);
    let runs: HashMap<i64, (String, String)> = tx
        .runs()?
        .into_iter()
        .map(|r| (r.seq, (r.run_id, r.now)))
        .collect();
    let intervals = tx.all_intervals()?;
    let mut ids: Vec<String> = intervals.iter().map(|i| i.body.clone()).collect();
    ids.sort();
    ids.dedup();
    let bodies: HashMap<String, Json> = pack::read(tx, &ids)?
        .into_iter()
        .filter_map(|(id, text)| Json::parse(&text.ok()?).ok().map(|j| (id, j)))
        .collect();
    // identity -> (first, last, body of the last sighting)
    let mut seen: BTreeMap<Identity, (i64, i64, &Json)> = BTreeMap::new();
    for i in &intervals {
        let Some(body) = bodies.get(&i.body) else {
            continue;
        };
        let status = field(body, &["status"]).unwrap_or_default();
        if filter.status.as_ref().is_some_and(|s| *s != status) {
            continue;
        }
        let check = field(body, &["check_id"]).unwrap_or_default();
        if filter.check_id.as_ref().is_some_and(|c| *c != check) {
            continue;
        }
        let identity = (
            check,
            field(body, &["resource", "account"]),
            field(body, &["resource", "kind"]).unwrap_or_default(),
            field(body, &["resource", "id"]).unwrap_or_default(),
        );
        let last = i.last_seq.unwrap_or(head);
        let entry = seen.entry(identity).or_insert((i.first_seq, last, body));
        entry.0 = entry.0.min(i.first_seq);
        // At equal last sightings a failing body wins, so an open failure is never hidden.
        if last > entry.1 || (last == entry.1 && status == "fail") {
            entry.1 = last;
            entry.2 = body;
        }
    }
    let name = |seq: i64| runs.get(&seq).cloned().unwrap_or_default();
    let mut out = Vec::new();
    for ((check_id, account, resource_kind, resource_id), (first, last, body)) in seen {
        let status = field(body, &["status"]).unwrap_or_default();
        let open = last == head && status == "fail";
        if filter.open && last != head {
            continue;
        }
        let ((first_seen_run, first_seen), (last_seen_run, last_seen)) = (name(first), name(last));
        out.push(FindingHistory {
            check_id,
            account,
            resource_kind,
            resource_id,
            first_seen_run,
            first_seen,
            last_seen_run,
            last_seen,
            severity: field(body, &["severity"]).unwrap_or_default(),
            message: field(body, &["message"]).unwrap_or_default(),
            status,
            open,
        });
    }
    Ok(out)
}
