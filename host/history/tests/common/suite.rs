//! The tests every backend must pass: byte-identical re-rendering, storage proportional to
//! change, concurrent recorders, `kill -9` while recording, backfill, signing, queries, the
//! offline receipt check, schema versions (tamper cases live in `tamper.rs`).

use super::*;
use posture_history::{Error, FindingFilter, NewRun, ProblemKind, RunRef, Store, keys};
use std::collections::HashSet;
use std::time::{Duration, Instant};

pub use super::tamper::*;

fn open(fx: &dyn Fixture) -> Store {
    Store::open(&fx.location()).unwrap_or_else(|e| panic!("{}: open: {e}", fx.name()))
}

fn assert_verifies(store: &mut Store) {
    let v = store.verify(&[]).unwrap();
    assert!(v.is_ok(), "verify: {:?}", v.problem);
}

pub fn record_rerenders_byte_identical(fx: &dyn Fixture) {
    let mut store = open(fx);
    let acme = std::fs::read_to_string(workspace_root().join("tests/expected/acme.report.json"))
        .expect("tests/expected/acme.report.json");
    let now = "2026-11-22T12:00:00Z";
    store.record(&new_run(now, acme.clone()), None).unwrap();

    // Ties: findings equal but for the waiver, in the order the default sort would not pick,
    // and a finding reported twice.
    let mut fs = findings(40, 3);
    let mut waived = fs[5].clone();
    waived.waiver =
        Some(serde_json::json!({"id": "w-1", "reason": "accepted", "expires": "2027-01-01"}));
    // Put the one with the greater content id first: the default order would not.
    let id = |f: &Finding| posture_sha256(serde_json::to_string(f).unwrap().as_bytes());
    if id(&waived) > id(&fs[5]) {
        fs.insert(5, waived);
    } else {
        fs.insert(6, waived);
    }
    fs.insert(9, fs[9].clone());
    let ties = report_text(now, &fs);
    store.record(&new_run(now, ties.clone()), None).unwrap();
    let plain = report_text(now, &findings(40, 4));
    store.record(&new_run(now, plain.clone()), None).unwrap();
    let empty = report_text(now, &[]);
    store.record(&new_run(now, empty.clone()), None).unwrap();

    for (seq, text) in [(1, &acme), (2, &ties), (3, &plain), (4, &empty)] {
        let back = store.run_report(RunRef::Seq(seq)).unwrap();
        assert!(
            back == *text,
            "{}: run {seq} does not re-render byte-identical",
            fx.name()
        );
    }
    assert_eq!(store.run_findings(RunRef::Seq(2)).unwrap().len(), 42);
    // Only the run with ties needed its order stored.
    let ordered = fx.query_i64("SELECT count(*) FROM posture_runs WHERE finding_order IS NOT NULL");
    assert_eq!(ordered, 1);
    assert_verifies(&mut store);
}

pub fn storage_is_proportional_to_change(fx: &dyn Fixture) {
    let (n, runs) = (1000, 30);
    let mut store = open(fx);
    let mut distinct = HashSet::new();
    let mut texts = Vec::new();
    let start = Instant::now();
    for day in 0..runs {
        let run = day_run(n, day);
        for f in findings(n, day) {
            distinct.insert(serde_json::to_string(&f).unwrap());
        }
        store.record(&run, None).unwrap();
        texts.push(run.report);
    }
    let per_run = start.elapsed() / runs;
    let bodies = fx.query_i64("SELECT count(DISTINCT body) FROM posture_intervals");
    let intervals = fx.query_i64("SELECT count(*) FROM posture_intervals");
    let blobs = fx.query_i64("SELECT count(*) FROM posture_blobs");
    assert_eq!(
        bodies as usize,
        distinct.len(),
        "one stored body per distinct finding"
    );
    assert!(
        distinct.len() < n + (n / 100 + 2) * runs as usize,
        "{} distinct bodies",
        distinct.len()
    );
    assert!(
        intervals as usize <= distinct.len() + 10,
        "{intervals} intervals"
    );
    assert!(
        blobs as usize <= distinct.len() + 5 * runs as usize,
        "{blobs} blobs"
    );
    let size = fx.size_bytes();
    eprintln!(
        "{}: {runs} runs × {n} findings: {bodies} bodies, {intervals} intervals, {blobs} blobs; \
         store {size} bytes = {:.2}× one report ({} bytes); naive {:.0}×; record {per_run:?}/run",
        fx.name(),
        size as f64 / texts[0].len() as f64,
        texts[0].len(),
        f64::from(runs)
    );
    let start = Instant::now();
    assert_verifies(&mut store);
    eprintln!(
        "{}: verify of {runs} runs: {:?}",
        fx.name(),
        start.elapsed()
    );
    let start = Instant::now();
    for (i, text) in texts.iter().enumerate() {
        assert!(store.run_report(RunRef::Seq(i as u64 + 1)).unwrap() == *text);
    }
    eprintln!("{}: show per run: {:?}", fx.name(), start.elapsed() / runs);
}

fn check_linear(store: &mut Store, expected: usize) {
    let runs = store.list_runs().unwrap();
    assert_eq!(runs.len(), expected);
    for (i, r) in runs.iter().enumerate() {
        assert_eq!(r.seq, i as u64 + 1);
    }
    assert_verifies(store);
}

pub fn concurrent_recorders_keep_the_chain_linear(fx: &dyn Fixture) {
    // No store yet: the eight also race to create it.
    let location = fx.location();
    std::thread::scope(|s| {
        for t in 0..8 {
            let location = location.clone();
            s.spawn(move || {
                let mut store = Store::open(&location).unwrap();
                for i in 0..3 {
                    let now = day_now(0);
                    let run = new_run(&now, report_text(&now, &findings(300, t * 10 + i)));
                    store.record(&run, None).unwrap();
                }
            });
        }
    });
    check_linear(&mut open(fx), 24);
}

/// Runs the test binary's `child_recorder` with `runs` runs (0: until killed).
pub fn spawn_child(fx: &dyn Fixture, runs: u32, n: usize) -> std::process::Child {
    std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_recorder",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("POSTURE_HISTORY_CHILD", fx.location())
        .env("POSTURE_HISTORY_CHILD_RUNS", runs.to_string())
        .env("POSTURE_HISTORY_CHILD_FINDINGS", n.to_string())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

/// The child side of `spawn_child`: does nothing unless started by it.
pub fn child_recorder() {
    let Ok(location) = std::env::var("POSTURE_HISTORY_CHILD") else {
        return;
    };
    let var = |k: &str| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0u32)
    };
    let (runs, n) = (
        var("POSTURE_HISTORY_CHILD_RUNS"),
        var("POSTURE_HISTORY_CHILD_FINDINGS") as usize,
    );
    let mut store = Store::open(&location).unwrap();
    let now = day_now(0);
    let mut i = 0;
    while runs == 0 || i < runs {
        let run = new_run(
            &now,
            report_text(&now, &findings(n, std::process::id() % 50 + i)),
        );
        store.record(&run, None).unwrap();
        i += 1;
    }
}

pub fn concurrent_processes_keep_the_chain_linear(fx: &dyn Fixture) {
    drop(open(fx));
    let children: Vec<_> = (0..4).map(|_| spawn_child(fx, 3, 300)).collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    check_linear(&mut open(fx), 12);
}

pub fn kill_9_while_recording_leaves_whole_runs(fx: &dyn Fixture) {
    let mut store = open(fx);
    for round in 0..3u64 {
        let before = store.list_runs().unwrap().len();
        let mut child = spawn_child(fx, 0, 4000);
        let deadline = Instant::now() + Duration::from_secs(120);
        while store.list_runs().unwrap().len() < before + 2 {
            assert!(Instant::now() < deadline, "the child records nothing");
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(13 + round * 29));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let runs = store.list_runs().unwrap();
        assert_eq!(runs.last().map(|r| r.seq), Some(runs.len() as u64));
        assert_verifies(&mut store);
        assert!(store.run_report(RunRef::Latest(0)).is_ok());
    }
    // The store still takes runs after the kills.
    store.record(&day_run(50, 1), None).unwrap();
    assert_verifies(&mut store);
}

pub fn backfill_is_refused_unless_allowed(fx: &dyn Fixture) {
    let mut store = open(fx);
    store.record(&day_run(20, 5), None).unwrap();
    let older = day_run(20, 3);
    match store.record(&older, None) {
        Err(Error::Backfill { now, newest }) => {
            assert_eq!((now, newest), (day_now(3), day_now(5)));
        }
        other => panic!("expected a backfill refusal, got {other:?}"),
    }
    assert_eq!(store.list_runs().unwrap().len(), 1, "nothing recorded");
    let recorded = store
        .record(
            &NewRun {
                backfill: true,
                ..older
            },
            None,
        )
        .unwrap();
    assert!(recorded.backfilled);
    assert!(store.receipt(RunRef::Latest(0)).unwrap().backfilled);
    let same = store
        .record(
            &NewRun {
                backfill: true,
                ..day_run(20, 6)
            },
            None,
        )
        .unwrap();
    assert!(!same.backfilled, "a run in order is no backfill");
    assert_verifies(&mut store);
}

pub fn signed_receipts_verify_with_the_key_only(fx: &dyn Fixture) {
    let dir = tempfile::tempdir().unwrap();
    let (private, public) = (dir.path().join("k.pem"), dir.path().join("k.pub"));
    keys::keygen(&private, &public).unwrap();
    let key = keys::read_signing_key(&private).unwrap();
    let public = keys::read_verifying_key(&public).unwrap();
    let other = keys::generate().unwrap().verifying_key();
    let mut store = open(fx);
    for day in 0..3 {
        assert!(store.record(&day_run(30, day), Some(&key)).unwrap().signed);
    }
    let v = store.verify(&[public]).unwrap();
    assert!(v.is_ok(), "{:?}", v.problem);
    assert_eq!(v.signatures, 3);
    let v = store.verify(&[other]).unwrap();
    assert_eq!(v.problem.map(|p| p.seq), Some(1), "a wrong key is rejected");
    let mut out = Vec::new();
    assert_eq!(store.export_envelopes(&mut out).unwrap(), 3);
    let envelope: posture_history::dsse::Envelope =
        serde_json::from_slice(out.split(|b| *b == b'\n').next().unwrap()).unwrap();
    let statement = posture_history::dsse::verify(&envelope, &public).unwrap();
    assert_eq!(
        statement["predicateType"],
        posture_history::dsse::PREDICATE_TYPE
    );
    assert_eq!(statement["subject"][0]["name"], "posture-run/r-000001");
    assert_eq!(statement["predicate"]["result"], "FAILED");
    // An altered payload (still valid base64) is rejected.
    fx.exec(
        "UPDATE posture_runs SET envelope = replace(envelope, '\"payload\":\"ey', '\"payload\":\"ez') WHERE seq = 2",
    );
    let v = store.verify(&[public]).unwrap();
    assert!(
        matches!(v.problem, Some(ref p) if p.seq == 2 && matches!(p.kind, ProblemKind::Signature(_))),
        "{v:?}"
    );
    // An unsigned run among signed ones is reported when verifying with the key.
    store.record(&day_run(30, 4), None).unwrap();
    fx.exec("UPDATE posture_runs SET envelope = (SELECT envelope FROM posture_runs WHERE seq = 3) WHERE seq = 2");
    let v = store.verify(&[public]).unwrap();
    assert_eq!(
        v.problem.map(|p| p.seq),
        Some(2),
        "an envelope of another run is rejected"
    );
}

pub fn queries_name_runs_and_findings(fx: &dyn Fixture) {
    let mut store = open(fx);
    for day in [0, 1, 2] {
        store.record(&day_run(200, day), None).unwrap();
    }
    let runs = store.list_runs().unwrap();
    assert_eq!(runs.len(), 3);
    assert_eq!(runs[2].run_id, "r-000003");
    assert_eq!(runs[0].accounts, ["aws:100000", "aws:100001"]);
    let fails = findings(200, 0)
        .iter()
        .filter(|f| f.status == "fail")
        .count() as u64;
    assert_eq!(runs[0].counts.fail, fails);
    assert_eq!(store.resolve("latest~1".parse().unwrap()).unwrap().seq, 2);
    assert_eq!(store.resolve(RunRef::Latest(0)).unwrap().seq, 3);
    assert!(matches!(
        store.resolve(RunRef::Seq(9)),
        Err(Error::UnknownRun(_))
    ));
    assert!(matches!(
        store.resolve(RunRef::Latest(5)),
        Err(Error::UnknownRun(_))
    ));
    let all = store.findings_history(&FindingFilter::default()).unwrap();
    assert_eq!(all.len(), 200, "one history per check × account × resource");
    let open_fails = store
        .findings_history(&FindingFilter {
            status: Some("fail".into()),
            open: true,
            check_id: None,
        })
        .unwrap();
    let now_failing = findings(200, 2)
        .iter()
        .filter(|f| f.status == "fail")
        .count();
    assert_eq!(open_fails.len(), now_failing);
    assert!(
        open_fails
            .iter()
            .all(|f| f.open && f.last_seen_run == "r-000003")
    );
    assert!(
        all.iter()
            .all(|f| f.first_seen_run == "r-000001" && f.last_seen_run == "r-000003")
    );
}

/// The Python script after `marker` in docs/history.md, written to `dir`.
fn doc_script(marker: &str, dir: &std::path::Path) -> std::path::PathBuf {
    let doc = std::fs::read_to_string(workspace_root().join("docs/history.md")).unwrap();
    let script = doc
        .split(marker)
        .nth(1)
        .and_then(|s| s.split("```python\n").nth(1))
        .and_then(|s| s.split("```").next())
        .unwrap_or_else(|| panic!("docs/history.md has no script after {marker}"));
    let file = dir.join("script.py");
    std::fs::write(&file, script).unwrap();
    file
}

/// The report digests recipe of docs/history.md agrees with the receipt.
pub fn receipt_digests_rederive_from_the_report(fx: &dyn Fixture) {
    let mut store = open(fx);
    let acme =
        std::fs::read_to_string(workspace_root().join("tests/expected/acme.report.json")).unwrap();
    store
        .record(&new_run("2026-11-22T12:00:00Z", acme), None)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    std::fs::write(&report, store.run_report(RunRef::Latest(0)).unwrap()).unwrap();
    let out = std::process::Command::new("python3")
        .arg(doc_script("<!-- report-digests -->", dir.path()))
        .arg(&report)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let receipt = store.receipt(RunRef::Latest(0)).unwrap();
    let expected = format!(
        "header_sha256 {}\nfindings_sha256 {}\n",
        receipt.header_sha256, receipt.findings_sha256
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
}

/// The auditor's check in docs/history.md, extracted and run with python3.
pub fn exported_receipts_check_offline(fx: &dyn Fixture) {
    let mut store = open(fx);
    for day in 0..4 {
        store.record(&day_run(20, day), None).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("receipts.jsonl");
    let mut out = Vec::new();
    assert_eq!(store.export_receipts(&mut out).unwrap(), 4);
    std::fs::write(&file, &out).unwrap();
    let script_file = doc_script("<!-- auditor-check -->", dir.path());
    let run = |path: &std::path::Path| {
        std::process::Command::new("python3")
            .arg(&script_file)
            .arg(path)
            .output()
            .unwrap()
    };
    let ok = run(&file);
    let stdout = String::from_utf8_lossy(&ok.stdout);
    let head = store.receipt(RunRef::Latest(0)).unwrap().digest();
    assert!(
        ok.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(stdout.contains(&head), "prints the head digest: {stdout}");
    // A receipt edited in the export breaks the chain at its line.
    let text = String::from_utf8(out).unwrap();
    let edited: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 1 {
                l.replace("\"backfilled\":false", "\"backfilled\":true")
            } else {
                l.into()
            }
        })
        .collect();
    std::fs::write(&file, edited.join("\n") + "\n").unwrap();
    let bad = run(&file);
    assert!(!bad.status.success());
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.contains("line 3: chain broken"), "{stderr}");
}

pub fn newer_schema_is_refused_untouched(fx: &dyn Fixture) {
    let mut store = open(fx);
    store.record(&day_run(10, 0), None).unwrap();
    drop(store);
    fx.exec("UPDATE posture_meta SET value = '99' WHERE key = 'schema_version'");
    match Store::open(&fx.location()) {
        Err(
            e @ Error::NewerSchema {
                found: 99,
                supported: posture_history::schema::SCHEMA_VERSION,
                ..
            },
        ) => {
            let msg = e.to_string();
            assert!(msg.contains("99") && msg.contains('2'), "{msg}");
        }
        other => panic!("expected NewerSchema, got {other:?}"),
    }
    assert_eq!(
        fx.query_i64("SELECT CAST(value AS BIGINT) FROM posture_meta"),
        99
    );
    assert_eq!(fx.query_i64("SELECT count(*) FROM posture_runs"), 1);
}

/// A store as schema version 1 wrote it: blobs as plain text, no dictionaries, the intervals'
/// secondary indexes. Made from one written now (the runs of `days` with `n` findings) by
/// putting every blob back as its text.
fn downgrade_to_v1(fx: &dyn Fixture, n: usize, days: &[u32]) {
    let mut texts = Vec::new();
    for &day in days {
        let findings = findings(n, day);
        texts.extend(findings.iter().map(|f| serde_json::to_string(f).unwrap()));
        // The header members are `serde_json::Value`s: their members print sorted either way.
        let value: serde_json::Value =
            serde_json::from_str(&report_text(&day_now(day), &findings)).unwrap();
        for (key, member) in value.as_object().unwrap() {
            if key != "findings" {
                texts.push(serde_json::to_string(member).unwrap());
            }
        }
    }
    let mut sql: Vec<String> = texts
        .iter()
        .map(|t| {
            format!(
                "UPDATE posture_blobs SET json = '{}', packed = NULL WHERE sha256 = '{}'",
                t.replace('\'', "''"),
                posture_sha256(t.as_bytes())
            )
        })
        .collect();
    sql.extend(
        [
            "ALTER TABLE posture_blobs DROP COLUMN packed",
            "ALTER TABLE posture_blobs DROP COLUMN dict",
            "DROP TABLE posture_dicts",
            "CREATE INDEX posture_intervals_last ON posture_intervals (last_seq)",
            "CREATE INDEX posture_intervals_first ON posture_intervals (first_seq)",
            "UPDATE posture_meta SET value = '1' WHERE key = 'schema_version'",
        ]
        .map(str::to_owned),
    );
    fx.exec(&sql.join(";\n"));
    assert_eq!(
        fx.query_i64("SELECT count(*) FROM posture_blobs WHERE json = ''"),
        0,
        "every blob back as plain text"
    );
}

pub fn version_1_store_opens_reads_and_records(fx: &dyn Fixture) {
    let runs: Vec<NewRun> = (0..3).map(|day| day_run(60, day)).collect();
    let mut store = open(fx);
    for run in &runs[..2] {
        store.record(run, None).unwrap();
    }
    drop(store);
    downgrade_to_v1(fx, 60, &[0, 1]);
    let mut store = open(fx);
    assert_eq!(
        fx.query_i64("SELECT CAST(value AS BIGINT) FROM posture_meta"),
        i64::from(posture_history::schema::SCHEMA_VERSION)
    );
    for (seq, run) in runs[..2].iter().enumerate() {
        assert!(store.run_report(RunRef::Seq(seq as u64 + 1)).unwrap() == run.report);
    }
    assert_verifies(&mut store);
    // New rows are compressed beside the old plain ones, and both read back.
    store.record(&runs[2], None).unwrap();
    assert!(fx.query_i64("SELECT count(*) FROM posture_blobs WHERE packed IS NOT NULL") > 0);
    for (seq, run) in runs.iter().enumerate() {
        assert!(store.run_report(RunRef::Seq(seq as u64 + 1)).unwrap() == run.report);
    }
    assert_verifies(&mut store);
    // A plain row edited is still caught.
    fx.exec(
        "UPDATE posture_blobs SET json = replace(json, '\"message\":\"', '\"message\":\"edited ')
         WHERE packed IS NULL AND json LIKE '%\"message\"%'",
    );
    let v = store.verify(&[]).unwrap();
    assert!(
        matches!(
            v.problem.map(|p| p.kind),
            Some(ProblemKind::FindingsChanged(_))
        ),
        "edited plain rows go unnoticed"
    );
}

pub fn reopening_keeps_the_history(fx: &dyn Fixture) {
    open(fx).record(&day_run(10, 0), None).unwrap();
    let mut store = open(fx);
    store.record(&day_run(10, 1), None).unwrap();
    check_linear(&mut store, 2);
}
