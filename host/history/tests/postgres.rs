//! The backend suite against PostgreSQL: a fresh schema per test in the throwaway cluster of
//! `make postgres` (URL from `POSTURE_TEST_POSTGRES` or `target/postgres/url`), and the
//! PostgreSQL-only cases: a refused connection, foreign tables.
// Test helpers outside #[test] functions unwrap too.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use common::Fixture;
use posture_history::{Error, Store};
use std::sync::atomic::{AtomicU32, Ordering};

fn base_url() -> String {
    if let Ok(url) = std::env::var("POSTURE_TEST_POSTGRES") {
        return url;
    }
    let file = common::workspace_root().join("target/postgres/url");
    match std::fs::read_to_string(&file) {
        Ok(url) => url.trim().to_owned(),
        Err(_) => panic!(
            "no PostgreSQL for the history tests: run `make postgres` (starts a throwaway cluster \
             and writes {}) or set POSTURE_TEST_POSTGRES to a postgres:// URL",
            file.display()
        ),
    }
}

struct Postgres {
    base: String,
    schema: String,
}

static NEXT: AtomicU32 = AtomicU32::new(0);

impl Postgres {
    fn new() -> Postgres {
        let base = base_url();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let schema = format!(
            "t_{}_{}_{nanos}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let fx = Postgres { base, schema };
        fx.client()
            .batch_execute(&format!("CREATE SCHEMA {}", fx.schema))
            .unwrap_or_else(|e| panic!("{}: {e} (is `make postgres` running?)", fx.base));
        fx
    }

    fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url(), postgres::NoTls)
            .unwrap_or_else(|e| panic!("{}: {e} (run `make postgres`)", self.base))
    }

    fn url(&self) -> String {
        let sep = if self.base.contains('?') { '&' } else { '?' };
        format!("{}{sep}options=-csearch_path%3D{}", self.base, self.schema)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.base, postgres::NoTls) {
            let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
        }
    }
}

impl Fixture for Postgres {
    fn location(&self) -> String {
        self.url()
    }
    fn exec(&self, sql: &str) {
        self.client().batch_execute(sql).unwrap();
    }
    fn query_i64(&self, sql: &str) -> i64 {
        self.client().query_one(sql, &[]).unwrap().get(0)
    }
    fn size_bytes(&self) -> u64 {
        let sql = "SELECT COALESCE(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c
                   JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = current_schema() AND c.relkind = 'r'";
        self.query_i64(sql) as u64
    }
    fn sibling(&self) -> Box<dyn Fixture> {
        Box::new(Postgres::new())
    }
    fn name(&self) -> &'static str {
        "postgres"
    }
}

backend_suite!(Postgres::new();
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
fn a_refused_connection_is_a_typed_error() {
    // A loopback port nobody listens on: bind one, note it, close it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgres://posture:secret@127.0.0.1:{port}/history");
    let e = Store::open(&url).unwrap_err();
    assert!(matches!(e, Error::Connect { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains("cannot connect") && !msg.contains("secret"),
        "{msg}"
    );
}

#[test]
fn posture_tables_without_meta_are_refused() {
    let fx = Postgres::new();
    fx.exec("CREATE TABLE posture_runs (x INTEGER); CREATE TABLE customers (id INTEGER)");
    let e = Store::open(&fx.location()).unwrap_err();
    assert!(matches!(e, Error::ForeignSchema { .. }), "{e:?}");
}

#[test]
fn other_tables_in_a_shared_schema_are_left_alone() {
    let fx = Postgres::new();
    fx.exec("CREATE TABLE customers (id INTEGER); INSERT INTO customers VALUES (7)");
    let mut store = Store::open(&fx.location()).unwrap();
    store.record(&common::day_run(10, 0), None).unwrap();
    assert_eq!(fx.query_i64("SELECT count(*)::bigint FROM customers"), 1);
}
