//! Tamper cases: each edits a store of five runs behind its back with plain SQL (the same
//! statements on SQLite and PostgreSQL) and checks that `verify` names the first run affected.

use super::*;
use posture_history::{Problem, ProblemKind, Store};

fn five_runs(fx: &dyn Fixture) -> Store {
    let mut store = Store::open(&fx.location()).unwrap();
    for day in 0..5 {
        store.record(&day_run(200, day), None).unwrap();
    }
    assert!(store.verify(&[]).unwrap().is_ok());
    store
}

fn first_problem(store: &mut Store) -> Problem {
    store
        .verify(&[])
        .unwrap()
        .problem
        .expect("verify finds the tampering")
}

fn expect(fx: &dyn Fixture, sql: &str, seq: u64, kind: fn(&ProblemKind) -> bool) {
    let fx = fx.sibling();
    let fx = fx.as_ref();
    let mut store = five_runs(fx);
    fx.exec(sql);
    let p = first_problem(&mut store);
    assert_eq!(p.seq, seq, "{}: {sql}: {p}", fx.name());
    assert!(kind(&p.kind), "{}: {sql}: unexpected {p}", fx.name());
    assert!(!p.to_string().is_empty());
}

const RUN_COLUMNS: &str = "now, now_micros, recorded_at, header, snapshot_sha256, provenance, \
    config_sha256, waivers_sha256, plugins, backfilled, finding_order, receipt, receipt_sha256, envelope";

/// The first body recorded in run 3.
const RUN_3_BODY: &str = "(SELECT body FROM posture_intervals GROUP BY body
                          HAVING min(first_seq) = 3 ORDER BY body LIMIT 1)";

pub fn tamper_finding_body_edited(fx: &dyn Fixture) {
    // Rewritten as a plain-text row (schema version 1's format).
    expect(
        fx,
        &format!(
            "UPDATE posture_blobs SET packed = NULL, dict = NULL,
             json = '{{\"check_id\":\"iam.check-0\",\"status\":\"pass\"}}'
             WHERE sha256 = {RUN_3_BODY}"
        ),
        3,
        |k| matches!(k, ProblemKind::FindingsChanged(_)),
    );
    // Another body's compressed frame put in its place.
    expect(
        fx,
        &format!(
            "UPDATE posture_blobs SET packed = (SELECT packed FROM posture_blobs WHERE sha256 =
               (SELECT min(body) FROM posture_intervals WHERE first_seq = 1))
             WHERE sha256 = {RUN_3_BODY}"
        ),
        3,
        |k| matches!(k, ProblemKind::FindingsChanged(_)),
    );
    // The compression dictionary replaced: every compressed row reads differently or not at
    // all, from run 1 on.
    expect(
        fx,
        "UPDATE posture_dicts SET bytes = (SELECT packed FROM posture_blobs WHERE sha256 =
           (SELECT min(body) FROM posture_intervals))",
        1,
        |k| {
            matches!(
                k,
                ProblemKind::FindingsChanged(_) | ProblemKind::HeaderChanged
            )
        },
    );
}

pub fn tamper_interval_edited(fx: &dyn Fixture) {
    // A finding made to appear two runs early.
    expect(
        fx,
        "UPDATE posture_intervals SET first_seq = 2 WHERE first_seq = 4
         AND body = (SELECT min(body) FROM posture_intervals WHERE first_seq = 4)",
        2,
        |k| matches!(k, ProblemKind::FindingsChanged(_)),
    );
    // A finding made to disappear after run 2.
    expect(
        fx,
        "UPDATE posture_intervals SET last_seq = 2 WHERE last_seq IS NULL AND first_seq = 1
         AND body = (SELECT min(body) FROM posture_intervals WHERE last_seq IS NULL AND first_seq = 1)",
        3,
        |k| matches!(k, ProblemKind::FindingsChanged(_)),
    );
}

pub fn tamper_header_edited(fx: &dyn Fixture) {
    // A header member first recorded in run 4, rewritten as a plain-text row.
    let sql = "UPDATE posture_blobs SET packed = NULL, dict = NULL, json = '\"forged\"'
        WHERE sha256 = (SELECT min(b.sha256) FROM posture_blobs b, posture_runs r4, posture_runs r3
          WHERE r4.seq = 4 AND r3.seq = 3 AND r4.header LIKE '%' || b.sha256 || '%'
          AND r3.header NOT LIKE '%' || b.sha256 || '%')";
    expect(fx, sql, 4, |k| matches!(k, ProblemKind::HeaderChanged));
}

pub fn tamper_middle_run_deleted(fx: &dyn Fixture) {
    expect(fx, "DELETE FROM posture_runs WHERE seq = 3", 3, |k| {
        matches!(k, ProblemKind::RunMissing)
    });
}

pub fn tamper_last_run_deleted(fx: &dyn Fixture) {
    expect(fx, "DELETE FROM posture_runs WHERE seq = 5", 5, |k| {
        matches!(k, ProblemKind::Truncated { head_seq: 5 })
    });
}

pub fn tamper_store_truncated(fx: &dyn Fixture) {
    // The last two runs removed with their findings, the intervals made to look current.
    expect(
        fx,
        "DELETE FROM posture_runs WHERE seq >= 4;
         DELETE FROM posture_intervals WHERE first_seq >= 4;
         UPDATE posture_intervals SET last_seq = NULL WHERE last_seq = 3",
        4,
        |k| matches!(k, ProblemKind::Truncated { head_seq: 5 }),
    );
}

pub fn tamper_head_record_deleted(fx: &dyn Fixture) {
    expect(fx, "DELETE FROM posture_head", 5, |k| {
        matches!(k, ProblemKind::HeadMismatch)
    });
}

pub fn tamper_run_inserted(fx: &dyn Fixture) {
    // At the end: a copy of the last run.
    let sql = format!(
        "INSERT INTO posture_runs (seq, run_id, {RUN_COLUMNS})
         SELECT 6, 'r-000006', {RUN_COLUMNS} FROM posture_runs WHERE seq = 5"
    );
    expect(fx, &sql, 6, |_| true);
    // In the middle: later runs renumbered, a copy of run 2 slipped in as run 3.
    let sql = format!(
        "UPDATE posture_runs SET seq = seq + 100 WHERE seq >= 3;
         UPDATE posture_runs SET seq = seq - 99 WHERE seq >= 100;
         INSERT INTO posture_runs (seq, run_id, {RUN_COLUMNS})
         SELECT 3, 'r-inserted', {RUN_COLUMNS} FROM posture_runs WHERE seq = 2"
    );
    expect(fx, &sql, 3, |_| true);
}

pub fn tamper_runs_reordered(fx: &dyn Fixture) {
    expect(
        fx,
        "UPDATE posture_runs SET seq = 100 WHERE seq = 2;
         UPDATE posture_runs SET seq = 2 WHERE seq = 3;
         UPDATE posture_runs SET seq = 3 WHERE seq = 100",
        2,
        |_| true,
    );
}

pub fn tamper_receipt_altered(fx: &dyn Fixture) {
    expect(
        fx,
        "UPDATE posture_runs SET receipt = replace(receipt, '\"backfilled\":false', '\"backfilled\":true')
         WHERE seq = 3",
        3,
        |k| matches!(k, ProblemKind::ReceiptAltered(_)),
    );
    // A stored field changed without its receipt.
    expect(
        fx,
        "UPDATE posture_runs SET snapshot_sha256 = 'ff' WHERE seq = 2",
        2,
        |k| matches!(k, ProblemKind::FieldChanged(_)),
    );
}
