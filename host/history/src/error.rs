//! The one error type of the history store: what went wrong opening, recording into or reading
//! a store, one variant per cause a caller may want to tell apart (read-only, full, corrupt, not
//! a store, written by a newer posture, connection refused, backfill refused, …).

use std::path::PathBuf;

/// Why a history operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {action}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What was being done.
        action: &'static str,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file exists but is not an SQLite database.
    #[error("{location}: not a posture history store (the file is not an SQLite database)")]
    NotADatabase {
        /// The store's location.
        location: String,
    },
    /// The database is damaged.
    #[error("{location}: the history store is corrupt")]
    Corrupt {
        /// The store's location.
        location: String,
        /// The database's own message.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The database holds tables of something else and no posture history.
    #[error(
        "{location}: not a posture history store (the database has other tables and no posture_meta)"
    )]
    ForeignSchema {
        /// The store's location.
        location: String,
    },
    /// The store was written by a newer posture; it is left untouched.
    #[error(
        "{location}: the history store has schema version {found}, this posture knows up to {supported}; upgrade posture (the store was not changed)"
    )]
    NewerSchema {
        /// The store's location.
        location: String,
        /// Version found in the store.
        found: u32,
        /// Newest version this code knows.
        supported: u32,
    },
    /// The store cannot be written (read-only file, directory or connection).
    #[error("{location}: the history store is read-only")]
    ReadOnly {
        /// The store's location.
        location: String,
    },
    /// The disk or database is full.
    #[error("{location}: the history store is full")]
    Full {
        /// The store's location.
        location: String,
    },
    /// The PostgreSQL server could not be reached or refused the connection.
    #[error("{location}: cannot connect to PostgreSQL")]
    Connect {
        /// The URL, password removed.
        location: String,
        /// Why.
        #[source]
        source: postgres::Error,
    },
    /// Any other SQLite failure.
    #[error("{location}: SQLite")]
    Sqlite {
        /// The store's location.
        location: String,
        /// Why.
        #[source]
        source: rusqlite::Error,
    },
    /// Any other PostgreSQL failure.
    #[error("{location}: PostgreSQL")]
    Postgres {
        /// The URL, password removed.
        location: String,
        /// Why.
        #[source]
        source: postgres::Error,
    },
    /// The report handed to `record` is not a JSON object with a `findings` array.
    #[error("the report is not a posture report: {0}")]
    InvalidReport(String),
    /// A time is not RFC 3339.
    #[error("`{value}` is not an RFC 3339 time")]
    InvalidTime {
        /// The text.
        value: String,
    },
    /// The run's `now` is older than the newest recorded run's and backfill was not allowed.
    #[error(
        "the run's now ({now}) is older than the newest recorded run's ({newest}); allow backfill to record it anyway"
    )]
    Backfill {
        /// The refused run's `now`.
        now: String,
        /// The newest recorded `now`.
        newest: String,
    },
    /// No such run, or a run reference that does not parse.
    #[error("no run `{0}` in the history (use latest, latest~N, a sequence number or r-NNNNNN)")]
    UnknownRun(String),
    /// Stored data that cannot be read back (the store was altered; `verify` says where).
    #[error("stored data is unreadable: {0}")]
    Stored(String),
    /// A key file that cannot be used.
    #[error("{path}: {message}")]
    Key {
        /// The key file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A key could not be made or encoded.
    #[error("cannot make or encode a key: {0}")]
    Crypto(String),
}

/// Result of the history store.
pub type Result<T, E = Error> = std::result::Result<T, E>;
