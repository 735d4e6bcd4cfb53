//! `verify`: re-derives every digest from the stored rows (each blob's content id, each run's
//! header and findings digests rebuilt from the intervals, each receipt's bytes and digest, the
//! chain from run 1, the tail record, the signatures) in one sweep over the runs, and names the
//! first run where anything differs.

use crate::backend::{IntervalRow, RunRow, Tx};
use crate::dsse::{self, Envelope};
use crate::error::Result;
use crate::json::{Json, sha256_hex};
use crate::keys::VerifyingKey;
use crate::receipt::{PluginDigest, Receipt, run_id};
use crate::report::{self, SortKey};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// Runs whose records were checked.
    pub runs: u64,
    /// Signatures checked.
    pub signatures: u64,
    /// The first run where something differs; `None` when the history is intact.
    pub problem: Option<Problem>,
}

impl Verification {
    /// Whether the history is intact.
    pub fn is_ok(&self) -> bool {
        self.problem.is_none()
    }
}

/// The first run where the stored history differs from what its receipts say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Its sequence number.
    pub seq: u64,
    /// Its run id.
    pub run: String,
    /// What differs.
    pub kind: ProblemKind,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "run {} (seq {}): {}", self.run, self.seq, self.kind)
    }
}

/// What differs at a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ProblemKind {
    /// The run is missing (deleted, or the runs after it renumbered).
    #[error("the run is missing: deleted, or later runs were renumbered")]
    RunMissing,
    /// The store ends before the run its tail record names (runs deleted at the end).
    #[error("the store is truncated: the tail record names run {head_seq}")]
    Truncated {
        /// The sequence number of the tail record.
        head_seq: u64,
    },
    /// A run past the tail record (inserted after the fact).
    #[error("the run was inserted after the fact (the tail record names run {head_seq})")]
    Inserted {
        /// The sequence number of the tail record.
        head_seq: u64,
    },
    /// The tail record does not match the newest run's receipt.
    #[error("the tail record does not match the run's receipt")]
    HeadMismatch,
    /// The receipt's bytes are not the canonical form of a receipt, or not its stored digest.
    #[error("the receipt was altered: {0}")]
    ReceiptAltered(String),
    /// A stored field differs from what the receipt says.
    #[error("the stored {0} differs from the receipt")]
    FieldChanged(String),
    /// The receipt's `previous` is not the previous run's receipt digest.
    #[error("the hash chain is broken: previous receipt digest differs")]
    ChainBroken,
    /// The report header rebuilt from the store differs from the receipt.
    #[error("the report header was changed")]
    HeaderChanged,
    /// The findings rebuilt from the store differ from the receipt.
    #[error("the findings were changed: {0}")]
    FindingsChanged(String),
    /// The run's `now` is older than an earlier run's and the receipt does not say backfilled.
    #[error("the run's now is out of order and not marked backfilled")]
    OutOfOrder,
    /// No valid signature by the given keys.
    #[error("signature: {0}")]
    Signature(String),
}

struct BodyInfo {
    /// Whether the stored text still hashes to its content id.
    intact: bool,
    canonical_sha256: String,
}

fn problem(seq: i64, kind: ProblemKind) -> Option<Problem> {
    let seq = u64::try_from(seq).unwrap_or(0);
    Some(Problem {
        seq,
        run: run_id(seq),
        kind,
    })
}

/// Loads every finding body the intervals name: integrity, canonical digest and default-order
/// rank (index into `ranks`).
fn bodies(
    tx: &mut dyn Tx,
    intervals: &[IntervalRow],
) -> Result<(HashMap<String, usize>, Vec<BodyInfo>)> {
    let mut ids: Vec<String> = intervals.iter().map(|i| i.body.clone()).collect();
    ids.sort();
    ids.dedup();
    let mut keyed: Vec<(SortKey, BodyInfo)> = Vec::with_capacity(ids.len());
    let unpacker = crate::pack::Unpacker::new(tx)?;
    for chunk in ids.chunks(2000) {
        let rows = tx.blobs(chunk)?;
        for (id, text) in unpacker.texts(rows) {
            let (key, info) = match text.as_deref().map(Json::parse) {
                Ok(Ok(json)) => (
                    SortKey::new(&json, &id),
                    BodyInfo {
                        intact: sha256_hex(json.compact().as_bytes()) == id
                            && text
                                .as_deref()
                                .is_ok_and(|t| sha256_hex(t.as_bytes()) == id),
                        canonical_sha256: sha256_hex(&json.canonical()),
                    },
                ),
                _ => (
                    SortKey::new(&Json::Null, &id),
                    BodyInfo {
                        intact: false,
                        canonical_sha256: String::new(),
                    },
                ),
            };
            keyed.push((key, info));
        }
    }
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    let mut rank = HashMap::with_capacity(keyed.len());
    let mut infos = Vec::with_capacity(keyed.len());
    for (key, info) in keyed {
        rank.insert(key.id().to_owned(), infos.len());
        infos.push(info);
    }
    Ok((rank, infos))
}

fn header_sha256(tx: &mut dyn Tx, run: &RunRow) -> Option<String> {
    let members: Vec<(String, Option<String>)> = serde_json::from_str(&run.header).ok()?;
    let ids: Vec<String> = members.iter().filter_map(|(_, id)| id.clone()).collect();
    let texts = crate::pack::read(tx, &ids).ok()?;
    let mut header = Vec::with_capacity(members.len());
    for (key, id) in members {
        let value = match id {
            None => None,
            Some(id) => {
                let text = texts.get(&id)?.as_ref().ok()?;
                if sha256_hex(text.as_bytes()) != id {
                    return None;
                }
                Some(Json::parse(text).ok()?)
            }
        };
        header.push((key, value));
    }
    Some(report::header_sha256(&header))
}

/// Compares the row with its receipt; the first field that differs.
fn row_vs_receipt(run: &RunRow, r: &Receipt) -> Option<&'static str> {
    let provenance_sha256 = serde_json::from_str::<serde_json::Value>(&run.provenance)
        .map(|v| crate::json::canonical_sha256(&v))
        .unwrap_or_default();
    let plugins: Option<Vec<PluginDigest>> = serde_json::from_str(&run.plugins).ok();
    let checks: [(&'static str, bool); 10] = [
        (
            "sequence number",
            i64::try_from(r.seq).ok() == Some(run.seq),
        ),
        ("run id", r.run == run.run_id),
        ("now", r.now == run.now),
        ("recorded_at", r.recorded_at == run.recorded_at),
        ("snapshot digest", r.snapshot_sha256 == run.snapshot_sha256),
        ("provenance", r.provenance_sha256 == provenance_sha256),
        ("configuration digest", r.config_sha256 == run.config_sha256),
        ("waivers digest", r.waivers_sha256 == run.waivers_sha256),
        ("plugins", plugins.as_ref() == Some(&r.plugins)),
        ("backfilled flag", r.backfilled == run.backfilled),
    ];
    checks.iter().find(|(_, ok)| !ok).map(|(name, _)| *name)
}

fn check_signature(run: &RunRow, keys: &[VerifyingKey], digest: &str) -> Option<ProblemKind> {
    let Some(text) = &run.envelope else {
        return Some(ProblemKind::Signature("the run is not signed".into()));
    };
    let envelope: Envelope = match serde_json::from_str(text) {
        Ok(e) => e,
        Err(e) => return Some(ProblemKind::Signature(format!("unreadable envelope: {e}"))),
    };
    let mut last = None;
    for key in keys {
        match dsse::verify_for(&envelope, key, digest) {
            Ok(()) => return None,
            Err(e) => last = Some(e.to_string()),
        }
    }
    last.map(ProblemKind::Signature)
}

/// Verifies the whole store.
pub(crate) fn verify(tx: &mut dyn Tx, keys: &[VerifyingKey]) -> Result<Verification> {
    let runs = tx.runs()?;
    let head = tx.head()?;
    let intervals = tx.all_intervals()?;
    let (rank, infos) = bodies(tx, &intervals)?;
    let mut starts: HashMap<i64, Vec<(usize, i64, &str)>> = HashMap::new();
    let mut ends: HashMap<i64, Vec<(usize, i64, &str)>> = HashMap::new();
    let mut missing_body: Option<(i64, String)> = None;
    for i in &intervals {
        let Some(&r) = rank.get(&i.body) else {
            if missing_body.as_ref().is_none_or(|(s, _)| i.first_seq < *s) {
                missing_body = Some((i.first_seq, i.body.clone()));
            }
            continue;
        };
        starts
            .entry(i.first_seq)
            .or_default()
            .push((r, i.dup, &i.body));
        if let Some(last) = i.last_seq {
            ends.entry(last).or_default().push((r, i.dup, &i.body));
        }
    }
    let mut live: BTreeSet<(usize, i64, &str)> = BTreeSet::new();
    let mut previous: Option<String> = None;
    let mut newest_now = i64::MIN;
    let mut signatures = 0;
    let mut checked = 0;
    let done = |checked, signatures, problem| {
        Ok(Verification {
            runs: checked,
            signatures,
            problem,
        })
    };
    for (index, run) in runs.iter().enumerate() {
        let seq = i64::try_from(index).unwrap_or(i64::MAX - 1) + 1;
        if run.seq != seq {
            return done(checked, signatures, problem(seq, ProblemKind::RunMissing));
        }
        // Findings present at `seq`: keep the sweep in step even if this run fails.
        for s in starts.get(&seq).into_iter().flatten() {
            live.insert(*s);
        }
        let fail = |kind| done(checked, signatures, problem(seq, kind));
        if let Some((first, body)) = &missing_body
            && *first <= seq
        {
            return fail(ProblemKind::FindingsChanged(format!(
                "finding body {body} is missing"
            )));
        }
        if run.run_id != run_id(seq as u64) {
            return fail(ProblemKind::FieldChanged("run id".into()));
        }
        let receipt = match Receipt::parse(&run.receipt) {
            Ok(r) => r,
            Err(e) => return fail(ProblemKind::ReceiptAltered(e.to_string())),
        };
        if receipt.to_canonical() != run.receipt {
            return fail(ProblemKind::ReceiptAltered("not in canonical form".into()));
        }
        let digest = sha256_hex(run.receipt.as_bytes());
        if digest != run.receipt_sha256 {
            return fail(ProblemKind::ReceiptAltered(
                "digest differs from the stored one".into(),
            ));
        }
        if let Some(field) = row_vs_receipt(run, &receipt) {
            return fail(ProblemKind::FieldChanged(field.into()));
        }
        if receipt.previous != previous {
            return fail(ProblemKind::ChainBroken);
        }
        let now = crate::record::micros(&run.now).unwrap_or(i64::MIN);
        if (now < newest_now) != run.backfilled || now != run.now_micros {
            return fail(ProblemKind::OutOfOrder);
        }
        newest_now = newest_now.max(now);
        if header_sha256(tx, run).as_deref() != Some(receipt.header_sha256.as_str()) {
            return fail(ProblemKind::HeaderChanged);
        }
        if let Some(altered) = live.iter().find(|(r, _, _)| !infos[*r].intact) {
            return fail(ProblemKind::FindingsChanged(format!(
                "finding body {} was edited",
                altered.2
            )));
        }
        let mut ordered: Vec<usize> = live.iter().map(|(r, _, _)| *r).collect();
        if let Some(order) = &run.finding_order {
            let Ok(order) = serde_json::from_str::<Vec<usize>>(order) else {
                return fail(ProblemKind::FindingsChanged(
                    "unreadable finding order".into(),
                ));
            };
            if order.len() != ordered.len() || order.iter().any(|&p| p >= ordered.len()) {
                return fail(ProblemKind::FindingsChanged(
                    "finding order does not fit".into(),
                ));
            }
            ordered = order.iter().map(|&p| ordered[p]).collect();
        }
        let findings_sha256 =
            report::findings_sha256(ordered.iter().map(|&r| infos[r].canonical_sha256.as_str()));
        if findings_sha256 != receipt.findings_sha256 {
            return fail(ProblemKind::FindingsChanged(
                "the findings rebuilt from the store differ from the receipt".into(),
            ));
        }
        if !keys.is_empty() {
            if let Some(kind) = check_signature(run, keys, &digest) {
                return fail(kind);
            }
            signatures += 1;
        }
        for e in ends.get(&seq).into_iter().flatten() {
            live.remove(e);
        }
        previous = Some(digest);
        checked += 1;
    }
    let last = i64::try_from(runs.len()).unwrap_or(i64::MAX);
    let tail = match &head {
        None if last == 0 => None,
        None => problem(last, ProblemKind::HeadMismatch),
        Some(h) if h.seq > last => problem(
            last + 1,
            ProblemKind::Truncated {
                head_seq: h.seq as u64,
            },
        ),
        Some(h) if h.seq < last => problem(
            h.seq + 1,
            ProblemKind::Inserted {
                head_seq: h.seq as u64,
            },
        ),
        Some(h) if Some(&h.receipt_sha256) != previous.as_ref() => {
            problem(last, ProblemKind::HeadMismatch)
        }
        Some(_) => None,
    };
    // Intervals reaching past the newest run belong to runs that are gone.
    let stray = intervals
        .iter()
        .any(|i| i.first_seq > last || i.last_seq.is_some_and(|l| l >= last))
        .then(|| {
            problem(
                last + 1,
                ProblemKind::FindingsChanged(
                    "findings recorded for a run that is not stored".into(),
                ),
            )
        })
        .flatten();
    let problem = match (tail, stray) {
        (Some(a), Some(b)) => Some(if b.seq < a.seq { b } else { a }),
        (a, b) => a.or(b),
    };
    done(checked, signatures, problem)
}
