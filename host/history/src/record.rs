//! Recording a run: the report is split and digested outside the transaction, then, inside one
//! write transaction (other recorders wait), the run gets the next sequence number, open
//! intervals of findings that are gone are closed, new ones opened, new blobs stored, the
//! receipt chained to the previous one (and signed), the run and the tail record written.

use crate::backend::{Backend, HeadRow, RunRow};
use crate::dsse;
use crate::error::{Error, Result};
use crate::json::{Json, canonical_sha256};
use crate::keys::SigningKey;
use crate::pack::Packer;
use crate::receipt::{RECEIPT_SCHEMA, Receipt, run_id};
use crate::report::{self, StoredFinding};
use crate::{NewRun, Recorded};
use std::collections::{HashMap, HashSet};

/// Microseconds since the epoch of an RFC 3339 time.
pub(crate) fn micros(value: &str) -> Result<i64> {
    chrono::DateTime::parse_from_rfc3339(value)
        .map(|t| t.timestamp_micros())
        .map_err(|_| Error::InvalidTime {
            value: value.to_owned(),
        })
}

/// `(body id, copy number)` for each finding, in report order.
fn keys(findings: &[StoredFinding]) -> Vec<(String, i64)> {
    let mut seen: HashMap<&str, i64> = HashMap::new();
    findings
        .iter()
        .map(|f| {
            let n = seen.entry(&f.id).or_insert(0);
            let key = (f.id.clone(), *n);
            *n += 1;
            key
        })
        .collect()
}

pub(crate) fn record(
    backend: &mut dyn Backend,
    run: &NewRun,
    signer: Option<&SigningKey>,
) -> Result<Recorded> {
    let now_micros = micros(&run.now)?;
    let split = report::split(&run.report)?;
    let header_sha256 = report::header_sha256(&split.header);
    let findings_sha256 =
        report::findings_sha256(split.findings.iter().map(|f| f.canonical_sha256.as_str()));
    let order =
        report::permutation(&split.findings).map(|o| serde_json::to_string(&o).unwrap_or_default());
    let mut blobs: Vec<(String, String)> = Vec::new();
    let mut header: Vec<(String, Option<String>)> = Vec::with_capacity(split.header.len());
    for (key, value) in &split.header {
        let id = value.as_ref().map(|v| {
            let text = v.compact();
            let id = crate::json::sha256_hex(text.as_bytes());
            blobs.push((id.clone(), text));
            id
        });
        header.push((key.clone(), id));
    }
    let header_text = serde_json::to_string(&header).unwrap_or_default();
    let finding_keys = keys(&split.findings);
    let bodies: HashMap<&str, &str> = split
        .findings
        .iter()
        .map(|f| (f.id.as_str(), f.text.as_str()))
        .collect();
    let provenance = serde_json_canonicalizer::to_string(&run.provenance)
        .map_err(|e| Error::InvalidReport(format!("provenance: {e}")))?;
    let provenance_sha256 = canonical_sha256(&run.provenance);
    let parsed: Vec<Json> = if signer.is_some() {
        split.findings.iter().map(|f| f.json.clone()).collect()
    } else {
        Vec::new()
    };
    let recorded_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);

    let mut out = None;
    backend.write(&mut |tx| {
        let head = tx.head()?;
        let seq = head.as_ref().map_or(0, |h| h.seq) + 1;
        let newest = tx.newest_now()?;
        let backfilled = match &newest {
            Some((newest_micros, newest)) if now_micros < *newest_micros => {
                if !run.backfill {
                    return Err(Error::Backfill {
                        now: run.now.clone(),
                        newest: newest.clone(),
                    });
                }
                true
            }
            _ => false,
        };
        let open: HashSet<(String, i64)> = tx
            .open_intervals()?
            .into_iter()
            .map(|i| (i.body, i.dup))
            .collect();
        let present: HashSet<&(String, i64)> = finding_keys.iter().collect();
        let gone: Vec<(String, i64)> = open
            .iter()
            .filter(|k| !present.contains(k))
            .cloned()
            .collect();
        let mut new: Vec<(String, i64)> = Vec::new();
        let mut new_blobs = blobs.clone();
        for key in &finding_keys {
            if !open.contains(key) {
                new.push(key.clone());
                if key.1 == 0 {
                    let text = bodies.get(key.0.as_str()).copied().unwrap_or_default();
                    new_blobs.push((key.0.clone(), text.to_owned()));
                }
            }
        }
        tx.close_intervals(&gone, seq - 1)?;
        tx.open_new_intervals(&new, seq)?;
        let texts: Vec<&str> = split.findings.iter().map(|f| f.text.as_str()).collect();
        let mut packer = Packer::for_recording(tx, &texts)?;
        let rows = new_blobs
            .iter()
            .map(|(id, text)| packer.pack(id.clone(), text))
            .collect::<Result<Vec<_>>>()?;
        tx.insert_blobs(&rows)?;
        let receipt = Receipt {
            schema: RECEIPT_SCHEMA.into(),
            run: run_id(seq as u64),
            seq: seq as u64,
            now: run.now.clone(),
            recorded_at: recorded_at.clone(),
            snapshot_sha256: run.snapshot_sha256.clone(),
            provenance_sha256: provenance_sha256.clone(),
            config_sha256: run.config_sha256.clone(),
            waivers_sha256: run.waivers_sha256.clone(),
            plugins: run.plugins.clone(),
            header_sha256: header_sha256.clone(),
            findings_sha256: findings_sha256.clone(),
            previous: head.as_ref().map(|h| h.receipt_sha256.clone()),
            backfilled,
        };
        let receipt_text = receipt.to_canonical();
        let digest = crate::json::sha256_hex(receipt_text.as_bytes());
        let envelope = signer.map(|key| {
            let statement = dsse::statement(&receipt, &digest, &parsed);
            serde_json::to_string(&dsse::sign(&statement, key)).unwrap_or_default()
        });
        tx.insert_run(&RunRow {
            seq,
            run_id: receipt.run.clone(),
            now: run.now.clone(),
            now_micros,
            recorded_at: recorded_at.clone(),
            header: header_text.clone(),
            snapshot_sha256: run.snapshot_sha256.clone(),
            provenance: provenance.clone(),
            config_sha256: run.config_sha256.clone(),
            waivers_sha256: run.waivers_sha256.clone(),
            plugins: serde_json::to_string(&run.plugins).unwrap_or_default(),
            backfilled,
            finding_order: order.clone(),
            receipt: receipt_text,
            receipt_sha256: digest.clone(),
            envelope: envelope.clone(),
        })?;
        tx.set_head(&HeadRow {
            seq,
            receipt_sha256: digest.clone(),
        })?;
        out = Some(Recorded {
            seq: seq as u64,
            run_id: receipt.run.clone(),
            receipt_sha256: digest,
            backfilled,
            signed: envelope.is_some(),
            findings: finding_keys.len(),
            new_findings: new.len(),
            gone_findings: gone.len(),
        });
        Ok(())
    })?;
    out.ok_or_else(|| Error::Stored("the recording transaction produced no run".into()))
}
