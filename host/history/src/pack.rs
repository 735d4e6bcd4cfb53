//! Compressed blobs (schema version 2): each blob's JSON text as a zstd frame, compressed
//! against a dictionary kept in `posture_dicts` once the store has one. A finding body is a few
//! hundred bytes, too short for a compressor to find much repetition inside it; against a
//! dictionary of other findings' text (field names, check ids, plugin and domain names, messages)
//! it shrinks several times. The dictionary is zstd "raw content": plain text of findings of the
//! first run with enough of them, taken at even intervals; no training, so it is deterministic
//! and cheap to make.
//!
//! Rows written by schema version 1 (plain text, `packed` NULL) read as before. Digests are
//! always of the decompressed text: a changed frame or dictionary shows as a changed body.

use crate::backend::{BlobRow, Tx};
use crate::error::{Error, Result};
use std::collections::HashMap;

/// zstd level: blobs are written once and read often; decompression speed does not depend on
/// it.
const LEVEL: i32 = 12;
/// Size of the dictionary made from a run's findings.
const DICT_BYTES: usize = 32 * 1024;
/// A run with fewer findings makes no dictionary (its blobs are compressed without one).
const DICT_MIN_FINDINGS: usize = 32;
/// The largest text a frame may decompress to.
const MAX_TEXT: usize = 1 << 30;

/// The dictionary id of the store's dictionary.
const DICT_ID: i64 = 1;

fn zstd_err(e: std::io::Error) -> Error {
    Error::Stored(format!("zstd: {e}"))
}

/// Raw-content dictionary from a run's finding texts: texts taken at even intervals up to
/// [`DICT_BYTES`]; `None` for a run with too few findings.
fn make_dict(texts: &[&str]) -> Option<Vec<u8>> {
    if texts.len() < DICT_MIN_FINDINGS {
        return None;
    }
    let total: usize = texts.iter().map(|t| t.len()).sum();
    let step = (total / DICT_BYTES).max(1);
    let mut dict = Vec::with_capacity(DICT_BYTES);
    for text in texts.iter().step_by(step) {
        if dict.len() + text.len() > DICT_BYTES {
            break;
        }
        dict.extend_from_slice(text.as_bytes());
    }
    Some(dict)
}

/// Compresses blobs for one recording transaction.
pub(crate) struct Packer {
    dict: Option<i64>,
    compressor: zstd::bulk::Compressor<'static>,
}

impl Packer {
    /// The packer for a recording: the store's dictionary, made from `findings` (this run's
    /// finding texts) and stored when the store has none yet.
    pub(crate) fn for_recording(tx: &mut dyn Tx, findings: &[&str]) -> Result<Packer> {
        let mut dicts = tx.dicts()?;
        if dicts.is_empty()
            && let Some(bytes) = make_dict(findings)
        {
            tx.insert_dict(DICT_ID, &bytes)?;
            dicts.push((DICT_ID, bytes));
        }
        let newest = dicts.into_iter().max_by_key(|(id, _)| *id);
        let compressor = match &newest {
            Some((_, bytes)) => zstd::bulk::Compressor::with_dictionary(LEVEL, bytes),
            None => zstd::bulk::Compressor::new(LEVEL),
        }
        .map_err(zstd_err)?;
        Ok(Packer {
            dict: newest.map(|(id, _)| id),
            compressor,
        })
    }

    /// The row storing `text` under `id`.
    pub(crate) fn pack(&mut self, id: String, text: &str) -> Result<BlobRow> {
        Ok(BlobRow {
            id,
            json: String::new(),
            packed: Some(
                self.compressor
                    .compress(text.as_bytes())
                    .map_err(zstd_err)?,
            ),
            dict: self.dict,
        })
    }
}

/// Decompresses stored blobs: `id → text`, or why the row cannot be read (a missing
/// dictionary, a broken frame, text that is not UTF-8).
pub(crate) struct Unpacker {
    dicts: HashMap<i64, Vec<u8>>,
}

impl Unpacker {
    /// With the store's dictionaries.
    pub(crate) fn new(tx: &mut dyn Tx) -> Result<Unpacker> {
        Ok(Unpacker {
            dicts: tx.dicts()?.into_iter().collect(),
        })
    }

    /// The text of each row.
    pub(crate) fn texts(
        &self,
        rows: Vec<BlobRow>,
    ) -> Vec<(String, std::result::Result<String, String>)> {
        let mut decoders: HashMap<Option<i64>, zstd::bulk::Decompressor<'static>> = HashMap::new();
        rows.into_iter()
            .map(|row| {
                let text = match &row.packed {
                    None => Ok(row.json),
                    Some(frame) => self.unpack(&mut decoders, row.dict, frame),
                };
                (row.id, text)
            })
            .collect()
    }

    fn unpack(
        &self,
        decoders: &mut HashMap<Option<i64>, zstd::bulk::Decompressor<'static>>,
        dict: Option<i64>,
        frame: &[u8],
    ) -> std::result::Result<String, String> {
        let decoder = match decoders.entry(dict) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => {
                let made = match dict {
                    None => zstd::bulk::Decompressor::new(),
                    Some(id) => {
                        let bytes = self
                            .dicts
                            .get(&id)
                            .ok_or_else(|| format!("dictionary {id} is missing"))?;
                        zstd::bulk::Decompressor::with_dictionary(bytes)
                    }
                };
                v.insert(made.map_err(|e| e.to_string())?)
            }
        };
        let bytes = decoder
            .decompress(frame, MAX_TEXT)
            .map_err(|e| format!("unreadable compressed blob: {e}"))?;
        String::from_utf8(bytes).map_err(|_| "compressed blob is not UTF-8".to_owned())
    }
}

/// The texts of blobs `ids` (absent ones left out; unreadable ones as errors).
pub(crate) fn read(
    tx: &mut dyn Tx,
    ids: &[String],
) -> Result<HashMap<String, std::result::Result<String, String>>> {
    let rows = tx.blobs(ids)?;
    Ok(Unpacker::new(tx)?.texts(rows).into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dictionary_needs_enough_findings_and_stays_within_its_size() {
        let text = r#"{"check_id":"iam.mfa","status":"fail","message":"no MFA"}"#;
        assert!(make_dict(&[text; 31]).is_none());
        let texts = vec![text; 10_000];
        let dict = make_dict(&texts).unwrap();
        assert!(dict.len() <= DICT_BYTES && dict.len() > DICT_BYTES / 2);
    }
}
