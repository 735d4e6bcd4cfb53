//! The SQLite backend: one file, WAL journal, a busy timeout so concurrent recorders wait for
//! each other, `BEGIN IMMEDIATE` for recording (one writer at a time, whole run or nothing),
//! and the mapping of SQLite's error codes to the store's typed errors.

use crate::backend::{Backend, BlobRow, HeadRow, IntervalRow, RunRow, Tx};
use crate::error::{Error, Result};
use crate::schema::{self, META_TABLE, MIGRATIONS, SCHEMA_VERSION};
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior, params};
use std::path::Path;
use std::time::{Duration, Instant};

/// How long a recorder waits for another one holding the write lock.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(120);

/// An SQLite store.
pub(crate) struct SqliteBackend {
    conn: Connection,
    location: String,
}

/// Maps an SQLite error to the store's error for `location`.
pub(crate) fn map_err(location: &str, e: rusqlite::Error) -> Error {
    let location = location.to_owned();
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => Error::NotADatabase { location },
        Some(ErrorCode::DatabaseCorrupt) => Error::Corrupt {
            location,
            source: Box::new(e),
        },
        Some(ErrorCode::ReadOnly) => Error::ReadOnly { location },
        Some(ErrorCode::DiskFull) => Error::Full { location },
        _ => Error::Sqlite {
            location,
            source: e,
        },
    }
}

/// Opens (creating when `read_only` is false) the store at `path` and brings its schema up to
/// date.
pub(crate) fn open(path: &Path, read_only: bool) -> Result<SqliteBackend> {
    let location = path.display().to_string();
    let err = |e| map_err(&location, e);
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
    };
    let conn = Connection::open_with_flags(path, flags).map_err(err)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(err)?;
    // Reading the schema is the first access: a file that is not a database fails here.
    let tables = table_names(&conn).map_err(err)?;
    if !read_only {
        match use_wal(&conn) {
            Ok(()) => {}
            Err(e) if e.sqlite_error_code() == Some(ErrorCode::ReadOnly) => {}
            Err(e) => return Err(err(e)),
        }
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(err)?;
    }
    let mut backend = SqliteBackend { conn, location };
    backend.migrate(&tables, read_only)?;
    Ok(backend)
}

/// Switches the store to the WAL journal unless it is there already.
///
/// SQLite answers the switch with "database is locked" at once, without waiting through the
/// busy timeout, when another process is switching the same new file at the same moment (eight
/// recorders starting on a store that does not exist yet), so the switch is retried here for
/// up to [`BUSY_TIMEOUT`]. A store already in WAL mode is only read, never locked.
fn use_wal(conn: &Connection) -> rusqlite::Result<()> {
    let started = Instant::now();
    loop {
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        if mode.eq_ignore_ascii_case("wal") {
            return Ok(());
        }
        match conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get::<_, String>(0)) {
            Ok(_) => return Ok(()),
            Err(e)
                if e.sqlite_error_code() == Some(ErrorCode::DatabaseBusy)
                    && started.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => return Err(e),
        }
    }
}

fn table_names(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    rows.collect()
}

fn stored_version(conn: &Connection) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT value FROM posture_meta WHERE key = 'schema_version'",
        [],
        |r| r.get(0),
    )
    .optional()
}

impl SqliteBackend {
    fn migrate(&mut self, tables: &[String], read_only: bool) -> Result<()> {
        let location = self.location.clone();
        let err = |e| map_err(&location, e);
        if !tables.iter().any(|t| t == META_TABLE) && !tables.is_empty() {
            return Err(Error::ForeignSchema { location });
        }
        if read_only {
            let version = if tables.is_empty() {
                return Err(Error::ReadOnly { location });
            } else {
                schema::parse_version(&location, stored_version(&self.conn).map_err(err)?)?
            };
            return schema::plan(version)
                .map(|_| ())
                .map_err(|found| Error::NewerSchema {
                    location: location.clone(),
                    found,
                    supported: SCHEMA_VERSION,
                });
        }
        if tables.iter().any(|t| t == META_TABLE)
            && schema::parse_version(&location, stored_version(&self.conn).map_err(err)?)?
                == SCHEMA_VERSION
        {
            // Up to date: no write lock, so a store on a read-only file still opens for reading.
            return Ok(());
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        // Read again under the lock: another process may have created the tables meanwhile.
        let has_meta = table_names(&tx)
            .map_err(err)?
            .iter()
            .any(|t| t == META_TABLE);
        let version = if has_meta {
            schema::parse_version(&location, stored_version(&tx).map_err(err)?)?
        } else {
            0
        };
        let pending = schema::plan(version).map_err(|found| Error::NewerSchema {
            location: location.clone(),
            found,
            supported: SCHEMA_VERSION,
        })?;
        if pending.is_empty() {
            return Ok(());
        }
        for migration in &MIGRATIONS[pending] {
            for sql in *migration {
                tx.execute(sql, []).map_err(err)?;
            }
        }
        tx.execute(
            "INSERT INTO posture_meta (key, value) VALUES ('schema_version', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [SCHEMA_VERSION.to_string()],
        )
        .map_err(err)?;
        tx.commit().map_err(err)
    }
}

impl Backend for SqliteBackend {
    fn write(&mut self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        let location = self.location.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| map_err(&location, e))?;
        f(&mut SqliteTx {
            conn: &tx,
            location: &location,
        })?;
        tx.commit().map_err(|e| map_err(&location, e))
    }

    fn read(&mut self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        let location = self.location.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Deferred)
            .map_err(|e| map_err(&location, e))?;
        f(&mut SqliteTx {
            conn: &tx,
            location: &location,
        })?;
        tx.finish().map_err(|e| map_err(&location, e))
    }
}

struct SqliteTx<'a> {
    conn: &'a Connection,
    location: &'a str,
}

const RUN_COLUMNS: &str = "seq, run_id, now, now_micros, recorded_at, header, snapshot_sha256, \
    provenance, config_sha256, waivers_sha256, plugins, backfilled, finding_order, receipt, \
    receipt_sha256, envelope";

fn run_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RunRow> {
    Ok(RunRow {
        seq: r.get(0)?,
        run_id: r.get(1)?,
        now: r.get(2)?,
        now_micros: r.get(3)?,
        recorded_at: r.get(4)?,
        header: r.get(5)?,
        snapshot_sha256: r.get(6)?,
        provenance: r.get(7)?,
        config_sha256: r.get(8)?,
        waivers_sha256: r.get(9)?,
        plugins: r.get(10)?,
        backfilled: r.get(11)?,
        finding_order: r.get(12)?,
        receipt: r.get(13)?,
        receipt_sha256: r.get(14)?,
        envelope: r.get(15)?,
    })
}

fn interval_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<IntervalRow> {
    Ok(IntervalRow {
        body: r.get(0)?,
        dup: r.get(1)?,
        first_seq: r.get(2)?,
        last_seq: r.get(3)?,
    })
}

fn blob_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<BlobRow> {
    Ok(BlobRow {
        id: r.get(0)?,
        json: r.get(1)?,
        packed: r.get(2)?,
        dict: r.get(3)?,
    })
}

impl SqliteTx<'_> {
    fn intervals(&self, filter: &str, args: &[&dyn rusqlite::ToSql]) -> Result<Vec<IntervalRow>> {
        let sql = format!("SELECT body, dup, first_seq, last_seq FROM posture_intervals {filter}");
        let run = || -> rusqlite::Result<Vec<IntervalRow>> {
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(args, interval_row)?;
            rows.collect()
        };
        run().map_err(|e| map_err(self.location, e))
    }
}

impl Tx for SqliteTx<'_> {
    fn head(&mut self) -> Result<Option<HeadRow>> {
        self.conn
            .query_row(
                "SELECT seq, receipt_sha256 FROM posture_head WHERE id = 1",
                [],
                |r| {
                    Ok(HeadRow {
                        seq: r.get(0)?,
                        receipt_sha256: r.get(1)?,
                    })
                },
            )
            .optional()
            .map_err(|e| map_err(self.location, e))
    }

    fn newest_now(&mut self) -> Result<Option<(i64, String)>> {
        self.conn
            .query_row(
                "SELECT now_micros, now FROM posture_runs ORDER BY now_micros DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| map_err(self.location, e))
    }

    fn open_intervals(&mut self) -> Result<Vec<IntervalRow>> {
        self.intervals("WHERE last_seq IS NULL", &[])
    }

    fn intervals_at(&mut self, seq: i64) -> Result<Vec<IntervalRow>> {
        self.intervals(
            "WHERE first_seq <= ?1 AND (last_seq IS NULL OR last_seq >= ?1)",
            &[&seq],
        )
    }

    fn all_intervals(&mut self) -> Result<Vec<IntervalRow>> {
        self.intervals("ORDER BY first_seq", &[])
    }

    fn close_intervals(&mut self, keys: &[(String, i64)], last_seq: i64) -> Result<()> {
        let run = || -> rusqlite::Result<()> {
            let mut stmt = self.conn.prepare_cached(
                "UPDATE posture_intervals SET last_seq = ?1
                 WHERE body = ?2 AND dup = ?3 AND last_seq IS NULL",
            )?;
            for (body, dup) in keys {
                stmt.execute(params![last_seq, body, dup])?;
            }
            Ok(())
        };
        run().map_err(|e| map_err(self.location, e))
    }

    fn open_new_intervals(&mut self, keys: &[(String, i64)], first_seq: i64) -> Result<()> {
        let run = || -> rusqlite::Result<()> {
            let mut stmt = self.conn.prepare_cached(
                "INSERT INTO posture_intervals (body, dup, first_seq) VALUES (?1, ?2, ?3)",
            )?;
            for (body, dup) in keys {
                stmt.execute(params![body, dup, first_seq])?;
            }
            Ok(())
        };
        run().map_err(|e| map_err(self.location, e))
    }

    fn insert_blobs(&mut self, blobs: &[BlobRow]) -> Result<()> {
        let run = || -> rusqlite::Result<()> {
            let mut stmt = self.conn.prepare_cached(
                "INSERT INTO posture_blobs (sha256, json, packed, dict) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (sha256) DO NOTHING",
            )?;
            for b in blobs {
                stmt.execute(params![b.id, b.json, b.packed, b.dict])?;
            }
            Ok(())
        };
        run().map_err(|e| map_err(self.location, e))
    }

    fn blobs(&mut self, ids: &[String]) -> Result<Vec<BlobRow>> {
        let run = || -> rusqlite::Result<Vec<BlobRow>> {
            let mut stmt = self.conn.prepare_cached(
                "SELECT sha256, json, packed, dict FROM posture_blobs WHERE sha256 = ?1",
            )?;
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                if let Some(row) = stmt.query_row([id], blob_row).optional()? {
                    out.push(row);
                }
            }
            Ok(out)
        };
        run().map_err(|e| map_err(self.location, e))
    }

    fn blobs_at(&mut self, seq: i64) -> Result<Vec<BlobRow>> {
        let run = || -> rusqlite::Result<Vec<BlobRow>> {
            let mut stmt = self.conn.prepare_cached(
                "SELECT sha256, json, packed, dict FROM posture_blobs WHERE sha256 IN
                 (SELECT body FROM posture_intervals
                  WHERE first_seq <= ?1 AND (last_seq IS NULL OR last_seq >= ?1))",
            )?;
            let rows = stmt.query_map([seq], blob_row)?;
            rows.collect()
        };
        run().map_err(|e| map_err(self.location, e))
    }

    fn dicts(&mut self) -> Result<Vec<(i64, Vec<u8>)>> {
        let run = || -> rusqlite::Result<Vec<(i64, Vec<u8>)>> {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT id, bytes FROM posture_dicts ORDER BY id")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect()
        };
        run().map_err(|e| map_err(self.location, e))
    }

    fn insert_dict(&mut self, id: i64, bytes: &[u8]) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO posture_dicts (id, bytes) VALUES (?1, ?2)",
                params![id, bytes],
            )
            .map(|_| ())
            .map_err(|e| map_err(self.location, e))
    }

    fn insert_run(&mut self, run: &RunRow) -> Result<()> {
        let sql = format!(
            "INSERT INTO posture_runs ({RUN_COLUMNS}) VALUES \
             (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
        );
        self.conn
            .execute(
                &sql,
                params![
                    run.seq,
                    run.run_id,
                    run.now,
                    run.now_micros,
                    run.recorded_at,
                    run.header,
                    run.snapshot_sha256,
                    run.provenance,
                    run.config_sha256,
                    run.waivers_sha256,
                    run.plugins,
                    run.backfilled,
                    run.finding_order,
                    run.receipt,
                    run.receipt_sha256,
                    run.envelope,
                ],
            )
            .map(|_| ())
            .map_err(|e| map_err(self.location, e))
    }

    fn runs(&mut self) -> Result<Vec<RunRow>> {
        let sql = format!("SELECT {RUN_COLUMNS} FROM posture_runs ORDER BY seq");
        let run = || -> rusqlite::Result<Vec<RunRow>> {
            let mut stmt = self.conn.prepare(&sql)?;
            let rows = stmt.query_map([], run_row)?;
            rows.collect()
        };
        run().map_err(|e| map_err(self.location, e))
    }

    fn run(&mut self, seq: i64) -> Result<Option<RunRow>> {
        let sql = format!("SELECT {RUN_COLUMNS} FROM posture_runs WHERE seq = ?1");
        self.conn
            .query_row(&sql, [seq], run_row)
            .optional()
            .map_err(|e| map_err(self.location, e))
    }

    fn set_head(&mut self, head: &HeadRow) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO posture_head (id, seq, receipt_sha256) VALUES (1, ?1, ?2)
                 ON CONFLICT (id) DO UPDATE SET seq = excluded.seq,
                 receipt_sha256 = excluded.receipt_sha256",
                params![head.seq, head.receipt_sha256],
            )
            .map(|_| ())
            .map_err(|e| map_err(self.location, e))
    }
}
