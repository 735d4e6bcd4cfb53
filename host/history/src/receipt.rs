//! Receipts: the RFC 8785 canonical JSON document (`posture.receipt/v1`) each run gets, naming
//! the run, its `now`, its digests and the previous receipt's digest (a hash chain), and run
//! ids (`r-` and the sequence number, zero-padded to six digits).

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// Identifier of the receipt format.
pub const RECEIPT_SCHEMA: &str = "posture.receipt/v1";

/// One plugin that took part in a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginDigest {
    /// Plugin name.
    pub name: String,
    /// Plugin version.
    pub version: String,
    /// sha256 of its component, as the report gives it.
    pub digest: String,
}

/// A run's receipt. Its digest is the sha256 of its canonical bytes ([`Receipt::to_canonical`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    /// Always [`RECEIPT_SCHEMA`].
    pub schema: String,
    /// Run id.
    pub run: String,
    /// Recording sequence number, from 1.
    pub seq: u64,
    /// The evaluation's `now`.
    pub now: String,
    /// When the run was recorded (RFC 3339, UTC).
    pub recorded_at: String,
    /// sha256 of the snapshot.
    pub snapshot_sha256: String,
    /// sha256 of the canonical form of the snapshot's provenance.
    pub provenance_sha256: String,
    /// sha256 of the configuration, when there was one.
    pub config_sha256: Option<String>,
    /// sha256 of the waivers file, when there was one.
    pub waivers_sha256: Option<String>,
    /// The plugins.
    pub plugins: Vec<PluginDigest>,
    /// sha256 of the canonical form of the report without `findings`.
    pub header_sha256: String,
    /// sha256 over the findings in report order: each finding's canonical sha256 (hex) and a
    /// newline, concatenated.
    pub findings_sha256: String,
    /// The previous run's receipt digest; `None` for the first run.
    pub previous: Option<String>,
    /// Whether the run's `now` is older than a run recorded before it (imported with backfill).
    pub backfilled: bool,
}

impl Receipt {
    /// The RFC 8785 canonical bytes.
    pub fn to_canonical(&self) -> String {
        serde_json_canonicalizer::to_string(self).unwrap_or_default()
    }

    /// sha256 of the canonical bytes, lowercase hex: the receipt digest.
    pub fn digest(&self) -> String {
        crate::json::sha256_hex(self.to_canonical().as_bytes())
    }

    /// Parses stored receipt text.
    pub fn parse(text: &str) -> Result<Receipt> {
        serde_json::from_str(text).map_err(|e| Error::Stored(format!("receipt: {e}")))
    }
}

/// The run id of sequence number `seq`.
pub fn run_id(seq: u64) -> String {
    format!("r-{seq:06}")
}

/// A way to name a recorded run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunRef {
    /// The newest run, or the `n`th before it (`latest`, `latest~n`).
    Latest(u64),
    /// By sequence number (`42` or `r-000042`).
    Seq(u64),
}

impl std::str::FromStr for RunRef {
    type Err = Error;

    fn from_str(s: &str) -> Result<RunRef> {
        let bad = || Error::UnknownRun(s.to_owned());
        if s == "latest" {
            return Ok(RunRef::Latest(0));
        }
        if let Some(back) = s.strip_prefix("latest~") {
            return back.parse().map(RunRef::Latest).map_err(|_| bad());
        }
        let digits = s.strip_prefix("r-").unwrap_or(s);
        match digits.parse::<u64>() {
            Ok(seq) if seq > 0 && digits.bytes().all(|b| b.is_ascii_digit()) => {
                Ok(RunRef::Seq(seq))
            }
            _ => Err(bad()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_refs_parse() {
        assert_eq!("latest".parse::<RunRef>().unwrap(), RunRef::Latest(0));
        assert_eq!("latest~2".parse::<RunRef>().unwrap(), RunRef::Latest(2));
        assert_eq!("r-000042".parse::<RunRef>().unwrap(), RunRef::Seq(42));
        assert_eq!("7".parse::<RunRef>().unwrap(), RunRef::Seq(7));
        assert!("0".parse::<RunRef>().is_err());
        assert!("+3".parse::<RunRef>().is_err());
        assert!("latest~x".parse::<RunRef>().is_err());
        assert_eq!(run_id(42), "r-000042");
    }

    #[test]
    fn canonical_receipt_sorts_keys_and_keeps_nulls() {
        let r = Receipt {
            schema: RECEIPT_SCHEMA.into(),
            run: run_id(1),
            seq: 1,
            now: "2026-01-01T00:00:00Z".into(),
            recorded_at: "2026-01-01T00:00:01Z".into(),
            snapshot_sha256: "s".into(),
            provenance_sha256: "p".into(),
            config_sha256: None,
            waivers_sha256: None,
            plugins: vec![],
            header_sha256: "h".into(),
            findings_sha256: "f".into(),
            previous: None,
            backfilled: false,
        };
        let c = r.to_canonical();
        assert!(c.starts_with(r#"{"backfilled":false,"config_sha256":null,"findings_sha256":"f""#));
        assert_eq!(Receipt::parse(&c).unwrap(), r);
    }
}
