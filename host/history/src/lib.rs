//! The run history of posture scans: every recorded run's report, kept so that storage grows
//! with change rather than with runs, each run sealed by a tamper-evident receipt chained to
//! the previous one (optionally signed as a DSSE envelope), in an SQLite file or a PostgreSQL
//! database behind one [`Store`].
//!
//! ```no_run
//! use posture_history::{NewRun, RunRef, Store};
//! # fn main() -> posture_history::Result<()> {
//! let mut store = Store::open("posture-history.db")?;
//! let report = std::fs::read_to_string("report.json").unwrap_or_default();
//! let recorded = store.record(
//!     &NewRun {
//!         now: "2026-11-22T12:00:00Z".into(),
//!         snapshot_sha256: "…".into(),
//!         provenance: serde_json::json!({"accounts": ["aws:111122223333"]}),
//!         plugins: vec![],
//!         config_sha256: None,
//!         waivers_sha256: None,
//!         report,
//!         backfill: false,
//!     },
//!     None,
//! )?;
//! println!("recorded {} ({})", recorded.run_id, recorded.receipt_sha256);
//! print!("{}", store.run_report(RunRef::Latest(0))?); // byte-identical to `report`
//! assert!(store.verify(&[])?.is_ok());
//! # Ok(()) }
//! ```
//!
//! See `docs/history.md` for the tables, what a receipt proves and the auditor's offline check.

mod backend;
pub mod dsse;
mod error;
mod json;
pub mod keys;
mod pack;
mod postgres;
mod query;
mod receipt;
mod record;
mod report;
pub mod schema;
mod sqlite;
mod verify;

pub use error::{Error, Result};
pub use query::{FindingFilter, FindingHistory, RunInfo, StatusCounts};
pub use receipt::{PluginDigest, RECEIPT_SCHEMA, Receipt, RunRef, run_id};
pub use sqlite::BUSY_TIMEOUT;
pub use verify::{Problem, ProblemKind, Verification};

use backend::Backend;
use keys::{SigningKey, VerifyingKey};
use std::io::Write;
use std::path::Path;

/// A run to record, as the host hands it over.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRun {
    /// The evaluation's `now` (RFC 3339).
    pub now: String,
    /// sha256 of the snapshot.
    pub snapshot_sha256: String,
    /// Accounts, capture time, importer and collector versions: stored as given (opaque).
    pub provenance: serde_json::Value,
    /// Every plugin's name, version and component digest.
    pub plugins: Vec<PluginDigest>,
    /// sha256 of the configuration, when there was one.
    pub config_sha256: Option<String>,
    /// sha256 of the waivers file, when there was one.
    pub waivers_sha256: Option<String>,
    /// The whole JSON report exactly as printed (`posture.report/v1`). Text, not a
    /// `serde_json::Value`: the value type sorts object members, and the stored run must print
    /// back byte-identical.
    pub report: String,
    /// Record even when `now` is older than the newest recorded run's (`--allow-backfill`).
    pub backfill: bool,
}

impl NewRun {
    /// A run from a `posture.report/v1` JSON report, as printed: `now`, the plugins' digests
    /// and the input digests (`inputs.*_sha256`; a report saved before reports carried them
    /// records an empty snapshot digest) are read from the report itself, so that a scan
    /// recorded as it runs and a saved report imported later make the same record.
    pub fn from_report(
        report: String,
        provenance: serde_json::Value,
        backfill: bool,
    ) -> Result<NewRun> {
        #[derive(serde::Deserialize)]
        struct Head {
            now: String,
            #[serde(default)]
            plugins: Vec<PluginDigest>,
            #[serde(default)]
            inputs: Inputs,
        }
        #[derive(serde::Deserialize, Default)]
        struct Inputs {
            snapshot_sha256: Option<String>,
            config_sha256: Option<String>,
            waivers_sha256: Option<String>,
        }
        let head: Head = serde_json::from_str(&report)
            .map_err(|e| Error::InvalidReport(format!("report head: {e}")))?;
        Ok(NewRun {
            now: head.now,
            snapshot_sha256: head.inputs.snapshot_sha256.unwrap_or_default(),
            provenance,
            plugins: head.plugins,
            config_sha256: head.inputs.config_sha256,
            waivers_sha256: head.inputs.waivers_sha256,
            report,
            backfill,
        })
    }
}

/// What `record` stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// Recording sequence number.
    pub seq: u64,
    /// Run id.
    pub run_id: String,
    /// The receipt digest.
    pub receipt_sha256: String,
    /// Recorded as a backfill (its `now` is older than a run recorded before).
    pub backfilled: bool,
    /// The receipt was signed.
    pub signed: bool,
    /// Findings in the run.
    pub findings: usize,
    /// Findings not present (identically) in the previous run: new intervals opened.
    pub new_findings: usize,
    /// Findings of the previous run no longer present: intervals closed.
    pub gone_findings: usize,
}

/// A history store: SQLite or PostgreSQL.
pub struct Store {
    backend: Box<dyn Backend>,
    location: String,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("location", &self.location)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens the store at `location`: a `postgres://` or `postgresql://` URL, else an SQLite
    /// file path (created when missing). Brings an older schema up to date; refuses a newer
    /// one, a file that is not SQLite and a database with foreign tables.
    pub fn open(location: &str) -> Result<Store> {
        if location.starts_with("postgres://") || location.starts_with("postgresql://") {
            Store::open_postgres(location)
        } else {
            Store::open_sqlite(Path::new(location))
        }
    }

    /// Opens (or creates) an SQLite store.
    pub fn open_sqlite(path: &Path) -> Result<Store> {
        Ok(Store {
            backend: Box::new(sqlite::open(path, false)?),
            location: path.display().to_string(),
        })
    }

    /// Opens an existing SQLite store read-only (listing, showing, verifying, exporting).
    pub fn open_sqlite_read_only(path: &Path) -> Result<Store> {
        Ok(Store {
            backend: Box::new(sqlite::open(path, true)?),
            location: path.display().to_string(),
        })
    }

    /// Connects to a PostgreSQL store (tables in the connection's current schema; no TLS).
    pub fn open_postgres(url: &str) -> Result<Store> {
        Ok(Store {
            backend: Box::new(postgres::open(url)?),
            location: postgres::redact(url),
        })
    }

    /// Where the store is (a PostgreSQL URL without its password).
    pub fn location(&self) -> &str {
        &self.location
    }

    /// Records a run in one transaction, signing its receipt with `signer` when given.
    pub fn record(&mut self, run: &NewRun, signer: Option<&SigningKey>) -> Result<Recorded> {
        record::record(self.backend.as_mut(), run, signer)
    }

    fn read<T>(&mut self, mut f: impl FnMut(&mut dyn backend::Tx) -> Result<T>) -> Result<T> {
        let mut out = None;
        self.backend.read(&mut |tx| {
            out = Some(f(tx)?);
            Ok(())
        })?;
        out.ok_or_else(|| Error::Stored("the read transaction produced nothing".into()))
    }

    /// The recorded runs, by sequence.
    pub fn list_runs(&mut self) -> Result<Vec<RunInfo>> {
        self.read(query::list)
    }

    /// The run `run` names.
    pub fn resolve(&mut self, run: RunRef) -> Result<RunInfo> {
        self.read(|tx| {
            let row = query::resolve(tx, run)?;
            query::info(tx, row)
        })
    }

    /// The run's JSON report, byte-identical to what the scan printed.
    pub fn run_report(&mut self, run: RunRef) -> Result<String> {
        self.read(|tx| {
            let row = query::resolve(tx, run)?;
            let header = query::header(tx, &row)?;
            let findings = query::findings(tx, &row, false)?;
            Ok(report::render(&header, &findings))
        })
    }

    /// The run's findings in report order.
    pub fn run_findings(&mut self, run: RunRef) -> Result<Vec<serde_json::Value>> {
        self.read(|tx| {
            let row = query::resolve(tx, run)?;
            Ok(query::findings(tx, &row, true)?
                .iter()
                .map(|f| f.json.to_value())
                .collect())
        })
    }

    /// The run's receipt.
    pub fn receipt(&mut self, run: RunRef) -> Result<Receipt> {
        self.read(|tx| Receipt::parse(&query::resolve(tx, run)?.receipt))
    }

    /// Each finding's first and last sighting (one check on one resource of one account).
    pub fn findings_history(&mut self, filter: &FindingFilter) -> Result<Vec<FindingHistory>> {
        self.read(|tx| query::history(tx, filter))
    }

    /// Re-derives every digest and the chain; with `keys`, checks that every run is signed by
    /// one of them.
    pub fn verify(&mut self, keys: &[VerifyingKey]) -> Result<Verification> {
        self.read(|tx| verify::verify(tx, keys))
    }

    /// Writes every receipt's canonical bytes, one per line, by sequence. Returns how many.
    pub fn export_receipts(&mut self, out: &mut dyn Write) -> Result<usize> {
        let runs = self.read(|tx| tx.runs())?;
        write_lines(out, runs.iter().map(|r| r.receipt.as_str()))
    }

    /// Writes every signed run's DSSE envelope, one per line, by sequence. Returns how many.
    pub fn export_envelopes(&mut self, out: &mut dyn Write) -> Result<usize> {
        let runs = self.read(|tx| tx.runs())?;
        write_lines(out, runs.iter().filter_map(|r| r.envelope.as_deref()))
    }
}

fn write_lines<'a>(out: &mut dyn Write, lines: impl Iterator<Item = &'a str>) -> Result<usize> {
    let mut n = 0;
    for line in lines {
        writeln!(out, "{line}").map_err(|source| Error::Io {
            path: "<output>".into(),
            action: "cannot write",
            source,
        })?;
        n += 1;
    }
    Ok(n)
}
