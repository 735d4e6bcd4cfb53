//! The store's tables and their versioned migrations, shared by both databases (the SQL below
//! is the common subset of SQLite and PostgreSQL). `posture_meta.schema_version` says which
//! migrations ran; a store with a newer version than [`SCHEMA_VERSION`] is refused, never
//! rewritten.

/// The newest schema version this code writes and reads.
pub const SCHEMA_VERSION: u32 = 2;

/// The table that marks a database as a posture history store.
pub(crate) const META_TABLE: &str = "posture_meta";

/// Migration `n` (index `n - 1`) brings a store from version `n - 1` to `n`.
pub(crate) const MIGRATIONS: &[&[&str]] = &[
    &[
        "CREATE TABLE posture_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE posture_runs (
        seq BIGINT PRIMARY KEY,
        run_id TEXT NOT NULL UNIQUE,
        now TEXT NOT NULL,
        now_micros BIGINT NOT NULL,
        recorded_at TEXT NOT NULL,
        header TEXT NOT NULL,
        snapshot_sha256 TEXT NOT NULL,
        provenance TEXT NOT NULL,
        config_sha256 TEXT,
        waivers_sha256 TEXT,
        plugins TEXT NOT NULL,
        backfilled BOOLEAN NOT NULL,
        finding_order TEXT,
        receipt TEXT NOT NULL,
        receipt_sha256 TEXT NOT NULL,
        envelope TEXT
    )",
        "CREATE TABLE posture_blobs (sha256 TEXT PRIMARY KEY, json TEXT NOT NULL)",
        "CREATE TABLE posture_intervals (
        body TEXT NOT NULL,
        dup BIGINT NOT NULL,
        first_seq BIGINT NOT NULL,
        last_seq BIGINT,
        PRIMARY KEY (body, dup, first_seq)
    )",
        "CREATE INDEX posture_intervals_last ON posture_intervals (last_seq)",
        "CREATE INDEX posture_intervals_first ON posture_intervals (first_seq)",
        "CREATE TABLE posture_head (
        id BIGINT PRIMARY KEY CHECK (id = 1),
        seq BIGINT NOT NULL,
        receipt_sha256 TEXT NOT NULL
    )",
    ],
    // 2: blobs compressed (zstd), optionally against a stored dictionary. A row is either
    // version 1's plain text (`packed` NULL) or compressed (`json` empty, `packed` the zstd
    // frame, `dict` the dictionary or NULL): rows written before stay as they are and read
    // as before. The intervals' secondary indexes go: every read of intervals scans most of
    // them anyway, and the indexes cost two copies of each body id.
    &[
        "CREATE TABLE posture_dicts (id BIGINT PRIMARY KEY, bytes BYTEA NOT NULL)",
        "ALTER TABLE posture_blobs ADD COLUMN packed BYTEA",
        "ALTER TABLE posture_blobs ADD COLUMN dict BIGINT",
        "DROP INDEX posture_intervals_last",
        "DROP INDEX posture_intervals_first",
    ],
];

/// What to do with a store found at `version`.
pub(crate) fn plan(version: u32) -> Result<std::ops::Range<usize>, u32> {
    if version > SCHEMA_VERSION {
        Err(version)
    } else {
        Ok(version as usize..SCHEMA_VERSION as usize)
    }
}

/// Parses the stored schema version; anything but a number means the tables are not ours.
pub(crate) fn parse_version(location: &str, value: Option<String>) -> crate::Result<u32> {
    value
        .as_deref()
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| crate::Error::ForeignSchema {
            location: location.to_owned(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_migration_per_version() {
        assert_eq!(MIGRATIONS.len(), SCHEMA_VERSION as usize);
        assert_eq!(plan(0), Ok(0..2));
        assert_eq!(plan(1), Ok(1..2));
        assert_eq!(plan(2), Ok(2..2));
        assert_eq!(plan(3), Err(3));
    }
}
