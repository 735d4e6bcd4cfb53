//! The PostgreSQL backend, for teams whose scanners record into one history: the synchronous
//! `postgres` client, tables in the connection's current schema (`search_path`), recorders
//! serialised by `LOCK TABLE posture_head` inside the recording transaction, and batch row
//! operations through `unnest` so a run costs a handful of round trips.
//!
//! The connection is made without TLS (`NoTls`): meant for a server on loopback or a Unix
//! socket, or behind a TLS-terminating tunnel. A URL that asks for `sslmode=require` fails to
//! connect rather than silently downgrading.

use crate::backend::{Backend, BlobRow, HeadRow, IntervalRow, RunRow, Tx};
use crate::error::{Error, Result};
use crate::schema::{self, META_TABLE, MIGRATIONS, SCHEMA_VERSION};
use postgres::error::SqlState;
use postgres::{Client, IsolationLevel, NoTls, Row, Transaction};

/// A PostgreSQL store.
pub(crate) struct PostgresBackend {
    client: Client,
    location: String,
}

/// The URL with its password, if any, replaced by `***`.
pub(crate) fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest = &url[scheme_end + 3..];
    let Some(at) = rest.find('@') else {
        return url.to_owned();
    };
    match rest[..at].find(':') {
        Some(colon) => format!(
            "{}{}:***{}",
            &url[..scheme_end + 3],
            &rest[..colon],
            &rest[at..]
        ),
        None => url.to_owned(),
    }
}

fn map_err(location: &str, e: postgres::Error) -> Error {
    let location = location.to_owned();
    match e.code() {
        Some(c) if *c == SqlState::READ_ONLY_SQL_TRANSACTION => Error::ReadOnly { location },
        Some(c) if *c == SqlState::INSUFFICIENT_PRIVILEGE => Error::ReadOnly { location },
        Some(c) if *c == SqlState::DISK_FULL => Error::Full { location },
        Some(c) if *c == SqlState::DATA_CORRUPTED || *c == SqlState::INDEX_CORRUPTED => {
            Error::Corrupt {
                location,
                source: Box::new(e),
            }
        }
        _ if e.is_closed() => Error::Connect {
            location,
            source: e,
        },
        _ => Error::Postgres {
            location,
            source: e,
        },
    }
}

/// Connects to `url` and brings the schema up to date.
pub(crate) fn open(url: &str) -> Result<PostgresBackend> {
    let location = redact(url);
    let client = Client::connect(url, NoTls).map_err(|source| Error::Connect {
        location: location.clone(),
        source,
    })?;
    let mut backend = PostgresBackend { client, location };
    backend.migrate()?;
    Ok(backend)
}

impl PostgresBackend {
    fn migrate(&mut self) -> Result<()> {
        let location = self.location.clone();
        let err = |e| map_err(&location, e);
        let mut tx = self.client.transaction().map_err(err)?;
        // One migrator per schema at a time.
        tx.execute(
            "SELECT pg_advisory_xact_lock(7301, hashtext(current_schema()))",
            &[],
        )
        .map_err(err)?;
        let tables: Vec<String> = tx
            .query(
                "SELECT table_name::text FROM information_schema.tables
                 WHERE table_schema = current_schema()",
                &[],
            )
            .map_err(err)?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()
            .map_err(err)?;
        let version = if tables.iter().any(|t| t == META_TABLE) {
            let value: Option<String> = tx
                .query_opt(
                    "SELECT value FROM posture_meta WHERE key = 'schema_version'",
                    &[],
                )
                .map_err(err)?
                .map(|r| r.try_get(0))
                .transpose()
                .map_err(err)?;
            schema::parse_version(&location, value)?
        } else if tables.iter().any(|t| t.starts_with("posture_")) {
            return Err(Error::ForeignSchema { location });
        } else {
            0
        };
        let pending = schema::plan(version).map_err(|found| Error::NewerSchema {
            location: location.clone(),
            found,
            supported: SCHEMA_VERSION,
        })?;
        if pending.is_empty() {
            return tx.commit().map_err(err);
        }
        for migration in &MIGRATIONS[pending] {
            for sql in *migration {
                tx.execute(*sql, &[]).map_err(err)?;
            }
        }
        tx.execute(
            "INSERT INTO posture_meta (key, value) VALUES ('schema_version', $1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&SCHEMA_VERSION.to_string()],
        )
        .map_err(err)?;
        tx.commit().map_err(err)
    }
}

impl Backend for PostgresBackend {
    fn write(&mut self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        let location = self.location.clone();
        let err = |e| map_err(&location, e);
        let mut tx = self.client.transaction().map_err(err)?;
        // Serialises recorders of this schema until commit; readers are not blocked.
        tx.batch_execute("LOCK TABLE posture_head IN EXCLUSIVE MODE")
            .map_err(err)?;
        f(&mut PgTx {
            tx: &mut tx,
            location: &location,
        })?;
        tx.commit().map_err(err)
    }

    fn read(&mut self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        let location = self.location.clone();
        let err = |e| map_err(&location, e);
        let mut tx = self
            .client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(err)?;
        f(&mut PgTx {
            tx: &mut tx,
            location: &location,
        })?;
        tx.commit().map_err(err)
    }
}

struct PgTx<'a, 'b> {
    tx: &'a mut Transaction<'b>,
    location: &'a str,
}

const RUN_COLUMNS: &str = "seq, run_id, now, now_micros, recorded_at, header, snapshot_sha256, \
    provenance, config_sha256, waivers_sha256, plugins, backfilled, finding_order, receipt, \
    receipt_sha256, envelope";

fn run_row(r: &Row) -> Result<RunRow, postgres::Error> {
    Ok(RunRow {
        seq: r.try_get(0)?,
        run_id: r.try_get(1)?,
        now: r.try_get(2)?,
        now_micros: r.try_get(3)?,
        recorded_at: r.try_get(4)?,
        header: r.try_get(5)?,
        snapshot_sha256: r.try_get(6)?,
        provenance: r.try_get(7)?,
        config_sha256: r.try_get(8)?,
        waivers_sha256: r.try_get(9)?,
        plugins: r.try_get(10)?,
        backfilled: r.try_get(11)?,
        finding_order: r.try_get(12)?,
        receipt: r.try_get(13)?,
        receipt_sha256: r.try_get(14)?,
        envelope: r.try_get(15)?,
    })
}

fn interval_row(r: &Row) -> Result<IntervalRow, postgres::Error> {
    Ok(IntervalRow {
        body: r.try_get(0)?,
        dup: r.try_get(1)?,
        first_seq: r.try_get(2)?,
        last_seq: r.try_get(3)?,
    })
}

fn blob_row(r: &Row) -> Result<BlobRow, postgres::Error> {
    Ok(BlobRow {
        id: r.try_get(0)?,
        json: r.try_get(1)?,
        packed: r.try_get(2)?,
        dict: r.try_get(3)?,
    })
}

fn split(keys: &[(String, i64)]) -> (Vec<&str>, Vec<i64>) {
    keys.iter().map(|(b, d)| (b.as_str(), *d)).unzip()
}

impl PgTx<'_, '_> {
    fn err(&self, e: postgres::Error) -> Error {
        map_err(self.location, e)
    }

    fn intervals(
        &mut self,
        filter: &str,
        args: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Vec<IntervalRow>> {
        let sql = format!("SELECT body, dup, first_seq, last_seq FROM posture_intervals {filter}");
        let rows = self.tx.query(&sql, args).map_err(|e| self.err(e))?;
        rows.iter()
            .map(interval_row)
            .collect::<Result<_, _>>()
            .map_err(|e| self.err(e))
    }
}

impl Tx for PgTx<'_, '_> {
    fn head(&mut self) -> Result<Option<HeadRow>> {
        let row = self
            .tx
            .query_opt(
                "SELECT seq, receipt_sha256 FROM posture_head WHERE id = 1",
                &[],
            )
            .map_err(|e| self.err(e))?;
        row.map(|r| {
            Ok(HeadRow {
                seq: r.try_get(0)?,
                receipt_sha256: r.try_get(1)?,
            })
        })
        .transpose()
        .map_err(|e| self.err(e))
    }

    fn newest_now(&mut self) -> Result<Option<(i64, String)>> {
        let row = self
            .tx
            .query_opt(
                "SELECT now_micros, now FROM posture_runs ORDER BY now_micros DESC LIMIT 1",
                &[],
            )
            .map_err(|e| self.err(e))?;
        row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .transpose()
            .map_err(|e| self.err(e))
    }

    fn open_intervals(&mut self) -> Result<Vec<IntervalRow>> {
        self.intervals("WHERE last_seq IS NULL", &[])
    }

    fn intervals_at(&mut self, seq: i64) -> Result<Vec<IntervalRow>> {
        self.intervals(
            "WHERE first_seq <= $1 AND (last_seq IS NULL OR last_seq >= $1)",
            &[&seq],
        )
    }

    fn all_intervals(&mut self) -> Result<Vec<IntervalRow>> {
        self.intervals("ORDER BY first_seq", &[])
    }

    fn close_intervals(&mut self, keys: &[(String, i64)], last_seq: i64) -> Result<()> {
        let (bodies, dups) = split(keys);
        self.tx
            .execute(
                "UPDATE posture_intervals i SET last_seq = $1
                 FROM unnest($2::text[], $3::bigint[]) AS k(body, dup)
                 WHERE i.body = k.body AND i.dup = k.dup AND i.last_seq IS NULL",
                &[&last_seq, &bodies, &dups],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    fn open_new_intervals(&mut self, keys: &[(String, i64)], first_seq: i64) -> Result<()> {
        let (bodies, dups) = split(keys);
        self.tx
            .execute(
                "INSERT INTO posture_intervals (body, dup, first_seq)
                 SELECT body, dup, $3 FROM unnest($1::text[], $2::bigint[]) AS k(body, dup)",
                &[&bodies, &dups, &first_seq],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    fn insert_blobs(&mut self, blobs: &[BlobRow]) -> Result<()> {
        let ids: Vec<&str> = blobs.iter().map(|b| b.id.as_str()).collect();
        let texts: Vec<&str> = blobs.iter().map(|b| b.json.as_str()).collect();
        let packed: Vec<Option<&[u8]>> = blobs.iter().map(|b| b.packed.as_deref()).collect();
        let dicts: Vec<Option<i64>> = blobs.iter().map(|b| b.dict).collect();
        self.tx
            .execute(
                "INSERT INTO posture_blobs (sha256, json, packed, dict)
                 SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[], $4::bigint[])
                 ON CONFLICT (sha256) DO NOTHING",
                &[&ids, &texts, &packed, &dicts],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    fn blobs(&mut self, ids: &[String]) -> Result<Vec<BlobRow>> {
        let rows = self
            .tx
            .query(
                "SELECT sha256, json, packed, dict FROM posture_blobs WHERE sha256 = ANY($1)",
                &[&ids],
            )
            .map_err(|e| self.err(e))?;
        rows.iter()
            .map(blob_row)
            .collect::<Result<_, _>>()
            .map_err(|e| self.err(e))
    }

    fn blobs_at(&mut self, seq: i64) -> Result<Vec<BlobRow>> {
        let rows = self
            .tx
            .query(
                "SELECT sha256, json, packed, dict FROM posture_blobs WHERE sha256 IN
                 (SELECT body FROM posture_intervals
                  WHERE first_seq <= $1 AND (last_seq IS NULL OR last_seq >= $1))",
                &[&seq],
            )
            .map_err(|e| self.err(e))?;
        rows.iter()
            .map(blob_row)
            .collect::<Result<_, _>>()
            .map_err(|e| self.err(e))
    }

    fn dicts(&mut self) -> Result<Vec<(i64, Vec<u8>)>> {
        let rows = self
            .tx
            .query("SELECT id, bytes FROM posture_dicts ORDER BY id", &[])
            .map_err(|e| self.err(e))?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<Result<_, _>>()
            .map_err(|e| self.err(e))
    }

    fn insert_dict(&mut self, id: i64, bytes: &[u8]) -> Result<()> {
        self.tx
            .execute(
                "INSERT INTO posture_dicts (id, bytes) VALUES ($1, $2)",
                &[&id, &bytes],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    fn insert_run(&mut self, run: &RunRow) -> Result<()> {
        let sql = format!(
            "INSERT INTO posture_runs ({RUN_COLUMNS}) VALUES \
             ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
        );
        self.tx
            .execute(
                &sql,
                &[
                    &run.seq,
                    &run.run_id,
                    &run.now,
                    &run.now_micros,
                    &run.recorded_at,
                    &run.header,
                    &run.snapshot_sha256,
                    &run.provenance,
                    &run.config_sha256,
                    &run.waivers_sha256,
                    &run.plugins,
                    &run.backfilled,
                    &run.finding_order,
                    &run.receipt,
                    &run.receipt_sha256,
                    &run.envelope,
                ],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    fn runs(&mut self) -> Result<Vec<RunRow>> {
        let sql = format!("SELECT {RUN_COLUMNS} FROM posture_runs ORDER BY seq");
        let rows = self.tx.query(&sql, &[]).map_err(|e| self.err(e))?;
        rows.iter()
            .map(run_row)
            .collect::<Result<_, _>>()
            .map_err(|e| self.err(e))
    }

    fn run(&mut self, seq: i64) -> Result<Option<RunRow>> {
        let sql = format!("SELECT {RUN_COLUMNS} FROM posture_runs WHERE seq = $1");
        let row = self.tx.query_opt(&sql, &[&seq]).map_err(|e| self.err(e))?;
        row.as_ref()
            .map(run_row)
            .transpose()
            .map_err(|e| self.err(e))
    }

    fn set_head(&mut self, head: &HeadRow) -> Result<()> {
        self.tx
            .execute(
                "INSERT INTO posture_head (id, seq, receipt_sha256) VALUES (1, $1, $2)
                 ON CONFLICT (id) DO UPDATE SET seq = excluded.seq,
                 receipt_sha256 = excluded.receipt_sha256",
                &[&head.seq, &head.receipt_sha256],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_the_password_only() {
        assert_eq!(
            redact("postgres://me:secret@127.0.0.1:5432/db"),
            "postgres://me:***@127.0.0.1:5432/db"
        );
        assert_eq!(redact("postgres://me@h/db"), "postgres://me@h/db");
        assert_eq!(redact("postgres://h/db"), "postgres://h/db");
    }
}
