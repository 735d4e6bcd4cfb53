//! The backend suite against SQLite (a fresh file in a temporary directory per test), and the
//! SQLite-only hostile cases: not a database, corrupt, foreign tables, read-only.
// Test helpers outside #[test] functions unwrap too.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use common::Fixture;
use posture_history::{Error, RunRef, Store};
use std::path::PathBuf;

struct Sqlite {
    dir: tempfile::TempDir,
    path: PathBuf,
}

impl Sqlite {
    fn new() -> Sqlite {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("posture-history.db");
        Sqlite { dir, path }
    }

    fn conn(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.path).unwrap()
    }
}

impl Fixture for Sqlite {
    fn location(&self) -> String {
        self.path.display().to_string()
    }
    fn exec(&self, sql: &str) {
        self.conn().execute_batch(sql).unwrap();
    }
    fn query_i64(&self, sql: &str) -> i64 {
        self.conn().query_row(sql, [], |r| r.get(0)).unwrap()
    }
    fn size_bytes(&self) -> u64 {
        // Fold the WAL into the file first.
        self.conn()
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
        std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().metadata().unwrap().len())
            .sum()
    }
    fn sibling(&self) -> Box<dyn Fixture> {
        Box::new(Sqlite::new())
    }
    fn name(&self) -> &'static str {
        "sqlite"
    }
}

backend_suite!(Sqlite::new();
    record_rerenders_byte_identical,
    storage_is_proportional_to_change,
    concurrent_recorders_keep_the_chain_linear,
    concurrent_processes_keep_the_chain_linear,
    kill_9_while_recording_leaves_whole_runs,
    backfill_is_refused_unless_allowed,
    signed_receipts_verify_with_the_key_only,
    queries_name_runs_and_findings,
    exported_receipts_check_offline,
    receipt_digests_rederive_from_the_report,
    newer_schema_is_refused_untouched,
    reopening_keeps_the_history,
    version_1_store_opens_reads_and_records,
    tamper_finding_body_edited,
    tamper_interval_edited,
    tamper_header_edited,
    tamper_middle_run_deleted,
    tamper_last_run_deleted,
    tamper_store_truncated,
    tamper_head_record_deleted,
    tamper_run_inserted,
    tamper_runs_reordered,
    tamper_receipt_altered,
);

#[test]
fn child_recorder() {
    common::suite::child_recorder();
}

#[test]
fn a_file_that_is_not_sqlite_is_refused() {
    let fx = Sqlite::new();
    std::fs::write(
        &fx.path,
        "name,value\nnot,a database at all, just some text\n".repeat(100),
    )
    .unwrap();
    let e = Store::open(&fx.location()).unwrap_err();
    assert!(matches!(e, Error::NotADatabase { .. }), "{e:?}");
    assert!(e.to_string().contains("not a posture history store"), "{e}");
}

#[test]
fn a_corrupt_file_is_refused_without_panic() {
    let fx = Sqlite::new();
    let mut store = Store::open(&fx.location()).unwrap();
    for day in 0..3 {
        store.record(&common::day_run(300, day), None).unwrap();
    }
    drop(store);
    fx.size_bytes(); // checkpoint the WAL into the file
    let mut bytes = std::fs::read(&fx.path).unwrap();
    let len = bytes.len();
    for b in &mut bytes[4096..len.min(4096 * 6)] {
        *b = 0xA5;
    }
    std::fs::write(&fx.path, bytes).unwrap();
    let outcome = Store::open(&fx.location()).and_then(|mut s| {
        s.list_runs()?;
        s.run_report(RunRef::Latest(0))?;
        s.verify(&[])
    });
    match outcome {
        Err(Error::Corrupt { .. } | Error::NotADatabase { .. } | Error::Stored(_)) => {}
        Ok(v) => assert!(!v.is_ok(), "corruption goes unnoticed"),
        Err(e) => panic!("unexpected error {e:?}"),
    }
}

#[test]
fn a_database_of_something_else_is_refused() {
    let fx = Sqlite::new();
    fx.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers VALUES (1, 'a')");
    let e = Store::open(&fx.location()).unwrap_err();
    assert!(matches!(e, Error::ForeignSchema { .. }), "{e:?}");
    assert_eq!(
        fx.query_i64("SELECT count(*) FROM sqlite_master WHERE name LIKE 'posture_%'"),
        0
    );
}

#[test]
fn a_read_only_store_refuses_to_record_and_keeps_its_runs() {
    let fx = Sqlite::new();
    Store::open(&fx.location())
        .unwrap()
        .record(&common::day_run(20, 0), None)
        .unwrap();
    let mut store = Store::open_sqlite_read_only(&fx.path).unwrap();
    let e = store.record(&common::day_run(20, 1), None).unwrap_err();
    assert!(matches!(e, Error::ReadOnly { .. }), "{e:?}");
    assert_eq!(store.list_runs().unwrap().len(), 1);
    assert!(store.verify(&[]).unwrap().is_ok());
    // A file without write permission (when this user is subject to permissions at all).
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fx.path, std::fs::Permissions::from_mode(0o444)).unwrap();
    if std::fs::OpenOptions::new()
        .write(true)
        .open(&fx.path)
        .is_err()
    {
        let e = Store::open(&fx.location())
            .and_then(|mut s| s.record(&common::day_run(20, 1), None))
            .unwrap_err();
        assert!(matches!(e, Error::ReadOnly { .. }), "{e:?}");
    }
}

#[test]
fn a_missing_read_only_store_is_an_error() {
    let fx = Sqlite::new();
    assert!(Store::open_sqlite_read_only(&fx.path).is_err());
    assert!(!fx.path.exists());
}

#[test]
fn a_directory_or_a_missing_parent_is_an_error_not_a_panic() {
    let fx = Sqlite::new();
    assert!(Store::open(&fx.dir.path().display().to_string()).is_err());
    let missing = fx.dir.path().join("no/such/dir/history.db");
    assert!(Store::open(&missing.display().to_string()).is_err());
}

/// Recorders that start together on a store that does not exist yet all open it: the first
/// ones race to create the file and switch it to WAL, and SQLite refuses that switch at once
/// ("database is locked", no busy wait) to all but one (seen in CI once in a few hundred
/// starts of eight processes). Sixteen threads on a fresh file, forty times.
#[test]
fn simultaneous_first_opens_all_succeed() {
    for _ in 0..40 {
        let fx = Sqlite::new();
        let barrier = std::sync::Barrier::new(16);
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..16)
                .map(|_| {
                    s.spawn(|| {
                        barrier.wait();
                        Store::open_sqlite(&fx.path).map(|_| ())
                    })
                })
                .collect();
            for h in handles {
                h.join().unwrap().unwrap();
            }
        });
    }
}
