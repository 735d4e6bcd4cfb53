//! The narrow interface both databases implement: a handful of row operations inside a
//! transaction. Everything that decides what to store (splitting reports, intervals, receipts,
//! verification) lives above it, once, so SQLite and PostgreSQL cannot drift apart.

use crate::error::Result;

/// One run as stored (table `posture_runs`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RunRow {
    pub seq: i64,
    pub run_id: String,
    pub now: String,
    pub now_micros: i64,
    pub recorded_at: String,
    /// JSON array of `[member, blob sha256]`, `null` in place of the findings.
    pub header: String,
    pub snapshot_sha256: String,
    pub provenance: String,
    pub config_sha256: Option<String>,
    pub waivers_sha256: Option<String>,
    /// JSON array of `{name, version, digest}`.
    pub plugins: String,
    pub backfilled: bool,
    /// JSON array of indices into the default-ordered findings, when the report's order differs.
    pub finding_order: Option<String>,
    pub receipt: String,
    pub receipt_sha256: String,
    pub envelope: Option<String>,
}

/// One presence interval of a finding body (table `posture_intervals`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IntervalRow {
    /// Blob sha256 of the finding body.
    pub body: String,
    /// Which copy of the body, when a run holds the same finding more than once (0 first).
    pub dup: i64,
    pub first_seq: i64,
    /// `None` while the finding is present in the newest run.
    pub last_seq: Option<i64>,
}

/// One content-addressed blob (table `posture_blobs`): plain text (schema version 1's rows,
/// `packed` `None`) or a zstd frame of it (`json` empty), against dictionary `dict` if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BlobRow {
    /// sha256 of the JSON text.
    pub id: String,
    /// The text, when stored plain.
    pub json: String,
    /// The text compressed.
    pub packed: Option<Vec<u8>>,
    /// The dictionary `packed` was compressed with (table `posture_dicts`).
    pub dict: Option<i64>,
}

/// The tail record (table `posture_head`): the newest run, written with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HeadRow {
    pub seq: i64,
    pub receipt_sha256: String,
}

/// Row operations inside one transaction.
pub(crate) trait Tx {
    /// The tail record.
    fn head(&mut self) -> Result<Option<HeadRow>>;
    /// The greatest `now_micros` and its `now` text among recorded runs.
    fn newest_now(&mut self) -> Result<Option<(i64, String)>>;
    /// Intervals still open (present in the newest run).
    fn open_intervals(&mut self) -> Result<Vec<IntervalRow>>;
    /// Intervals that cover `seq`.
    fn intervals_at(&mut self, seq: i64) -> Result<Vec<IntervalRow>>;
    /// Every interval.
    fn all_intervals(&mut self) -> Result<Vec<IntervalRow>>;
    /// Closes the open intervals of `(body, dup)` at `last_seq`.
    fn close_intervals(&mut self, keys: &[(String, i64)], last_seq: i64) -> Result<()>;
    /// Opens intervals of `(body, dup)` at `first_seq`.
    fn open_new_intervals(&mut self, keys: &[(String, i64)], first_seq: i64) -> Result<()>;
    /// Stores blobs not yet stored.
    fn insert_blobs(&mut self, blobs: &[BlobRow]) -> Result<()>;
    /// Reads blobs by id; absent ids are left out.
    fn blobs(&mut self, ids: &[String]) -> Result<Vec<BlobRow>>;
    /// The blobs of the intervals that cover `seq` (one query; absent ones left out).
    fn blobs_at(&mut self, seq: i64) -> Result<Vec<BlobRow>>;
    /// Every compression dictionary, `(id, bytes)`.
    fn dicts(&mut self) -> Result<Vec<(i64, Vec<u8>)>>;
    /// Stores a compression dictionary.
    fn insert_dict(&mut self, id: i64, bytes: &[u8]) -> Result<()>;
    /// Stores a run.
    fn insert_run(&mut self, run: &RunRow) -> Result<()>;
    /// Every run, by sequence.
    fn runs(&mut self) -> Result<Vec<RunRow>>;
    /// One run.
    fn run(&mut self, seq: i64) -> Result<Option<RunRow>>;
    /// Writes the tail record.
    fn set_head(&mut self, head: &HeadRow) -> Result<()>;
}

/// A connection to a store that runs closures in transactions.
pub(crate) trait Backend: Send {
    /// Runs `f` in a write transaction that excludes other recorders; commits when `f` succeeds.
    fn write(&mut self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()>;
    /// Runs `f` in a read transaction (one consistent view).
    fn read(&mut self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()>;
}
