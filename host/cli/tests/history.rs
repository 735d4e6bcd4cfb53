//! Run history end to end: the real `posture` binary records scans of the example company
//! (`scan --record`), in a SQLite file and in the throwaway PostgreSQL cluster that `make
//! postgres` starts (`make test` does), and every `history` command reads them back.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use posture_e2e::pg::Pg;
use posture_e2e::{NOW, example_snapshot, iam_plugin, plugin_dir, posture_cli, root};
use std::path::Path;
use std::process::{Command, Output};

struct Env {
    plugins: tempfile::TempDir,
    tmp: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            plugins: plugin_dir(&[iam_plugin()]),
            tmp: tempfile::tempdir().expect("tmp"),
        }
    }

    fn posture(&self, history: &str, args: &[&str]) -> Output {
        posture_cli(
            env!("CARGO_BIN_EXE_posture"),
            self.plugins.path(),
            self.tmp.path(),
            history,
        )
        .args(args)
        .output()
        .expect("run posture")
    }

    /// `scan --record` of the example snapshot at `now`, JSON to stdout.
    fn record(&self, history: &str, now: &str, extra: &[&str]) -> Output {
        self.record_snapshot(history, now, &example_snapshot(), extra)
    }

    /// `scan --record` of `snap` at `now`, JSON to stdout.
    fn record_snapshot(&self, history: &str, now: &str, snap: &Path, extra: &[&str]) -> Output {
        let mut args = vec![
            "scan",
            "--snapshot",
            snap.to_str().expect("path"),
            "--now",
            now,
            "--format",
            "json",
            "--fail-on",
            "none",
            "--record",
        ];
        args.extend(extra);
        self.posture(history, &args)
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Two recorded scans, then list, show (byte-identical), diff, findings, verify and export.
fn record_and_read_back(env: &Env, history: &str) {
    let first = env.record(history, "2026-11-22T12:00:00Z", &[]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let err = text(&first.stderr);
    assert!(err.contains("recorded run r-000001"), "{err}");
    let second = env.record(history, "2026-11-23T12:00:00Z", &[]);
    assert_eq!(second.status.code(), Some(0), "{}", text(&second.stderr));

    let list = env.posture(history, &["history", "list", "--format", "json"]);
    assert_eq!(list.status.code(), Some(0), "{}", text(&list.stderr));
    let runs: serde_json::Value = serde_json::from_slice(&list.stdout).expect("json");
    assert_eq!(runs.as_array().map(Vec::len), Some(2), "{runs}");
    assert_eq!(runs[1]["now"], "2026-11-23T12:00:00Z");

    // The stored run prints back exactly as the scan printed it.
    let show = env.posture(
        history,
        &["history", "show", "r-000001", "--format", "json"],
    );
    assert_eq!(show.status.code(), Some(0), "{}", text(&show.stderr));
    assert!(
        show.stdout == first.stdout,
        "history show differs from the scan's output"
    );
    let report: serde_json::Value = serde_json::from_slice(&show.stdout).expect("json");
    assert_eq!(
        report["inputs"]["snapshot_sha256"].as_str().map(str::len),
        Some(64),
        "the report names the snapshot's digest"
    );
    let latest = env.posture(history, &["history", "show", "latest"]);
    assert!(text(&latest.stdout).contains("evaluated at 2026-11-23T12:00:00Z"));

    let diff = env.posture(history, &["history", "diff", "r-000001", "latest"]);
    assert_eq!(diff.status.code(), Some(0), "{}", text(&diff.stderr));
    let findings = env.posture(
        history,
        &[
            "history", "findings", "--status", "fail", "--open", "--format", "json",
        ],
    );
    let rows: serde_json::Value = serde_json::from_slice(&findings.stdout).expect("json");
    let rows = rows.as_array().expect("rows");
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|r| r["first_seen"] == "2026-11-22T12:00:00Z"
                && r["last_seen"] == "2026-11-23T12:00:00Z")
    );

    let verify = env.posture(history, &["history", "verify"]);
    assert_eq!(verify.status.code(), Some(0), "{}", text(&verify.stdout));
    assert!(text(&verify.stdout).contains("2 run(s) verified"));

    let receipts = env.posture(history, &["history", "export-receipts"]);
    let lines: Vec<serde_json::Value> = text(&receipts.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a receipt per line"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[1]["previous"].is_string(),
        "a hash chain: {}",
        lines[1]
    );
}

#[test]
fn sqlite_history_records_and_reads_back() {
    let env = Env::new();
    let db = env.tmp.path().join("h.db");
    record_and_read_back(&env, db.to_str().expect("path"));
}

#[test]
fn postgres_history_records_and_reads_back() {
    let pg = Pg::new("readback");
    record_and_read_back(&Env::new(), &pg.url());
}

#[test]
fn signed_receipts_verify_with_the_public_key_only() {
    let env = Env::new();
    let db = env.tmp.path().join("h.db");
    let db = db.to_str().expect("path");
    let prefix = env.tmp.path().join("ops");
    let out = env.posture(db, &["keygen", "--out", prefix.to_str().expect("p")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let other = env.tmp.path().join("other");
    env.posture(db, &["keygen", "--out", other.to_str().expect("p")]);
    let key = format!("{}.key", prefix.display());
    let out = env.record(db, NOW, &["--sign-key", &key]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("signed"));
    let public = format!("{}.pub", prefix.display());
    let ok = env.posture(db, &["history", "verify", "--key", &public]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stdout));
    assert!(text(&ok.stdout).contains("1 signature(s) checked"));
    let wrong = format!("{}.pub", other.display());
    let bad = env.posture(db, &["history", "verify", "--key", &wrong]);
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad.stdout));
    assert!(text(&bad.stdout).contains("NOT intact"));
}

#[test]
fn a_deleted_run_is_named_by_verify() {
    let env = Env::new();
    let db = env.tmp.path().join("h.db");
    let db_s = db.to_str().expect("path");
    for now in [
        "2026-11-22T12:00:00Z",
        "2026-11-23T12:00:00Z",
        "2026-11-24T12:00:00Z",
    ] {
        assert_eq!(env.record(db_s, now, &[]).status.code(), Some(0));
    }
    let c = rusqlite::Connection::open(&db).expect("open");
    c.execute("DELETE FROM posture_runs WHERE seq = 2", [])
        .expect("delete a run");
    drop(c);
    let out = env.posture(db_s, &["history", "verify"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let s = text(&out.stdout);
    assert!(s.contains("NOT intact") && s.contains("r-000002"), "{s}");
}

#[test]
fn a_store_that_cannot_record_still_gets_the_report_and_exit_4() {
    let env = Env::new();
    let bad = env.tmp.path().join("not-a-db");
    std::fs::write(
        &bad,
        "this is not SQLite, and it is long enough to have a header...",
    )
    .expect("write");
    let out = env.record(bad.to_str().expect("path"), NOW, &[]);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("report printed");
    assert_eq!(report["schema"], "posture.report/v1");
    assert!(
        text(&out.stderr).contains("NOT recorded"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&bad).expect("read"),
        "this is not SQLite, and it is long enough to have a header...",
        "a foreign file is never rewritten"
    );
    let pg = env.record("postgres://nobody@127.0.0.1:1/none", NOW, &[]);
    assert_eq!(pg.status.code(), Some(4), "{}", text(&pg.stderr));
}

#[test]
fn saved_reports_are_imported_and_backfill_is_explicit() {
    let env = Env::new();
    let source = env.tmp.path().join("source.db");
    let source_s = source.to_str().expect("path");
    let mut files = Vec::new();
    for (i, now) in ["2026-11-22T12:00:00Z", "2026-11-23T12:00:00Z"]
        .iter()
        .enumerate()
    {
        let out = env.record(source_s, now, &[]);
        let path = env.tmp.path().join(format!("r{i}.json"));
        std::fs::write(&path, &out.stdout).expect("save");
        files.push(path);
    }
    let db = env.tmp.path().join("h.db");
    let db = db.to_str().expect("path");
    let newer = files[1].to_str().expect("p");
    let older = files[0].to_str().expect("p");
    assert_eq!(
        env.posture(db, &["history", "import", newer]).status.code(),
        Some(0)
    );
    let refused = env.posture(db, &["history", "import", older]);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused.stderr));
    let ok = env.posture(db, &["history", "import", older, "--allow-backfill"]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    let list = env.posture(db, &["history", "list"]);
    assert!(
        text(&list.stdout).contains("backfilled"),
        "{}",
        text(&list.stdout)
    );
    let show = env.posture(db, &["history", "show", "1", "--format", "json"]);
    assert_eq!(
        show.stdout,
        std::fs::read(&files[1]).expect("read"),
        "an imported report prints back byte-identical"
    );
}

/// Eight scanners recording into one store at once: every run recorded, the chain linear.
fn concurrent_recorders(history: &str) {
    let env = Env::new();
    // Warm the compile cache so the eight processes overlap in recording, not compiling.
    assert_eq!(
        env.posture(history, &["plugins", "list"]).status.code(),
        Some(0)
    );
    let snap = example_snapshot();
    let children: Vec<_> = (0..8)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_posture"))
                .args([
                    "scan",
                    "--snapshot",
                    snap.to_str().expect("path"),
                    "--now",
                    NOW,
                    "--fail-on",
                    "none",
                    "--quiet",
                    "--record",
                ])
                .env("POSTURE_PLUGIN_DIR", env.plugins.path())
                .env("POSTURE_CACHE_DIR", root().join("target/e2e-cache"))
                .env("POSTURE_LOCK", env.tmp.path().join("posture.lock"))
                .env("POSTURE_HISTORY", history)
                .spawn()
                .expect("spawn")
        })
        .collect();
    for mut c in children {
        assert_eq!(c.wait().expect("wait").code(), Some(0));
    }
    let list = env.posture(history, &["history", "list", "--format", "json"]);
    let runs: serde_json::Value = serde_json::from_slice(&list.stdout).expect("json");
    assert_eq!(runs.as_array().map(Vec::len), Some(8), "{runs}");
    let verify = env.posture(history, &["history", "verify"]);
    assert_eq!(verify.status.code(), Some(0), "{}", text(&verify.stdout));
}

/// Three recorded scans: at day 0 the example company (administrator AIDAACMETOM and the
/// root user without MFA, user AIDAACMEJONAS too); at day 10 AIDAACMETOM has MFA; at day 60
/// a new administrator joined. Time to remediate: AIDAACMETOM fixed in 10 days (high: 30-day
/// deadline, on time); root still failing past its 7-day deadline (critical); AIDAACMEJONAS
/// open within its 90-day deadline (medium). Privileges: the new administrator added at the
/// third run, the account rising.
fn evidence_over_a_period(history: &str) {
    let env = Env::new();
    let mut snap: serde_json::Value =
        serde_json::from_slice(&std::fs::read(example_snapshot()).expect("read")).expect("json");
    let tom = snap["principals"]
        .as_array_mut()
        .expect("principals")
        .iter_mut()
        .find(|p| p["id"] == "AIDAACMETOM")
        .expect("AIDAACMETOM in the example");
    tom["mfa_enabled"] = serde_json::json!(true);
    tom["mfa_methods"] = serde_json::json!(["totp"]);
    let mut newcomer = tom.clone();
    let fixed = env.tmp.path().join("fixed.json");
    std::fs::write(&fixed, serde_json::to_vec(&snap).expect("json")).expect("write");
    newcomer["id"] = serde_json::json!("AIDAACMENEW");
    newcomer["name"] = serde_json::json!("new.admin");
    snap["principals"]
        .as_array_mut()
        .expect("principals")
        .push(newcomer);
    let grown = env.tmp.path().join("grown.json");
    std::fs::write(&grown, serde_json::to_vec(&snap).expect("json")).expect("write");
    for (now, snapshot) in [
        ("2026-11-22T12:00:00Z", example_snapshot()),
        ("2026-12-02T12:00:00Z", fixed.clone()),
        ("2027-01-21T12:00:00Z", grown),
    ] {
        let out = env.record_snapshot(history, now, &snapshot, &[]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }
    let run = |args: &[&str]| {
        let mut all = vec!["evidence", "remediation"];
        all.extend(args);
        let out = env.posture(history, &all);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let doc: serde_json::Value = serde_json::from_str(&run(&["--format", "json"])).expect("json");
    assert_eq!(doc["runs_in_period"], 3);
    assert_eq!(doc["from"], "2026-11-22T12:00:00Z");
    let find = |check: &str, id: &str| {
        doc["intervals"]
            .as_array()
            .expect("intervals")
            .iter()
            .find(|i| i["check_id"] == check && i["resource_id"] == id)
            .unwrap_or_else(|| panic!("{check} on {id}: {doc}"))
            .clone()
    };
    let tom = find("iam.admin-mfa", "AIDAACMETOM");
    assert_eq!(tom["fixed_by"], "passed");
    assert_eq!(tom["days_to_remediate"], 10.0);
    assert_eq!(tom["outcome"], "fixed-on-time");
    assert_eq!(tom["first_seen_run"], "r-000001");
    assert_eq!(tom["fixed_run"], "r-000002");
    assert_eq!(tom["deadline"], "2026-12-22T12:00:00Z");
    let root = find("iam.root-mfa", "aws-root");
    assert_eq!(root["outcome"], "open-overdue");
    assert_eq!(root["fixed_at"], serde_json::Value::Null);
    let jonas = find("iam.user-mfa", "AIDAACMEJONAS");
    assert_eq!(jonas["outcome"], "open-within-deadline");
    assert_eq!(doc["summary"]["by_severity"]["high"]["fixed"], 1);
    assert!(doc["summary"]["all"]["open_overdue"].as_u64() >= Some(1));

    let shown = run(&[]);
    assert!(
        shown.contains("time to remediate, 2026-11-22 to 2027-01-21 (3 runs in the period)"),
        "{shown}"
    );
    assert!(shown.contains("fixed-on-time"), "{shown}");
    // A later period: the interval fixed before it is not in it; the open ones are, with
    // their first sighting kept.
    let later: serde_json::Value =
        serde_json::from_str(&run(&["--from", "2027-01-01", "--format", "json"])).expect("json");
    assert_eq!(later["runs_in_period"], 1);
    let ids: Vec<&str> = later["intervals"]
        .as_array()
        .expect("intervals")
        .iter()
        .filter_map(|i| i["resource_id"].as_str())
        .collect();
    assert!(
        !ids.contains(&"AIDAACMETOM") && ids.contains(&"aws-root"),
        "{ids:?}"
    );
    let bad = env.posture(history, &["evidence", "remediation", "--from", "soon"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("--from `soon` is neither a date"));

    let out = env.posture(history, &["evidence", "privileges", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let trend: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let series: Vec<u64> = trend["accounts"]["111122223333"]
        .as_array()
        .expect("series")
        .iter()
        .filter_map(|p| p["admins"].as_u64())
        .collect();
    assert_eq!(series.len(), 3, "{trend}");
    assert_eq!(series[2], series[0] + 1, "{trend}");
    assert_eq!(
        trend["changes"],
        serde_json::json!([{
            "run": "r-000003", "at": "2027-01-21T12:00:00Z", "subject": "admin",
            "change": "added", "account": "111122223333", "id": "AIDAACMENEW",
            "label": "new.admin",
        }])
    );
    assert_eq!(trend["rising"][0]["account"], "111122223333");
    let shown = env.posture(history, &["evidence", "privileges"]);
    let shown = text(&shown.stdout);
    assert!(
        shown.contains("+ admin 111122223333 new.admin (AIDAACMENEW)"),
        "{shown}"
    );
    assert!(shown.contains("RISING 111122223333"), "{shown}");

    // Runs on day 0, 10 and 60: a monthly promise has one gap, a quarterly none.
    let out = env.posture(
        history,
        &[
            "evidence",
            "gaps",
            "--cadence",
            "monthly",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let gaps: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        gaps["gaps"]["aws:111122223333"],
        serde_json::json!([{
            "from": "2026-12-02T12:00:00Z", "to": "2027-01-21T12:00:00Z", "days": 50,
        }]),
        "{gaps}"
    );
    let quarterly = text(&env.posture(history, &["evidence", "gaps"]).stdout);
    assert!(quarterly.contains("no gap"), "{quarterly}");
    // A later period with no run in it is one gap, never a pass.
    let empty = text(
        &env.posture(
            history,
            &[
                "evidence",
                "gaps",
                "--from",
                "2027-02-01",
                "--to",
                "2027-12-31",
            ],
        )
        .stdout,
    );
    assert!(
        empty.contains("GAP aws:111122223333: no run from 2027-02-01 to 2027-12-31 (333 days)"),
        "{empty}"
    );
    let bad = env.posture(history, &["evidence", "gaps", "--cadence", "hourly"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn evidence_over_a_period_on_sqlite() {
    let tmp = tempfile::tempdir().expect("tmp");
    let db = tmp.path().join("h.db");
    evidence_over_a_period(db.to_str().expect("path"));
}

#[test]
fn evidence_over_a_period_on_postgres() {
    let pg = Pg::new("evidence");
    evidence_over_a_period(&pg.url());
}

#[test]
fn eight_concurrent_recorders_on_sqlite() {
    let tmp = tempfile::tempdir().expect("tmp");
    let db = tmp.path().join("h.db");
    concurrent_recorders(db.to_str().expect("path"));
}

#[test]
fn eight_concurrent_recorders_on_postgres() {
    let pg = Pg::new("concurrent");
    concurrent_recorders(&pg.url());
}

#[test]
fn the_default_store_sits_beside_the_configuration() {
    let env = Env::new();
    let cfg = env.tmp.path().join("posture.toml");
    std::fs::write(&cfg, "").expect("write");
    let snap = example_snapshot();
    let out = Command::new(env!("CARGO_BIN_EXE_posture"))
        .args([
            "scan",
            "--snapshot",
            snap.to_str().expect("path"),
            "--now",
            NOW,
            "--fail-on",
            "none",
            "--quiet",
            "--record",
            "--config",
            cfg.to_str().expect("path"),
        ])
        .env("POSTURE_PLUGIN_DIR", env.plugins.path())
        .env("POSTURE_CACHE_DIR", root().join("target/e2e-cache"))
        .env("POSTURE_LOCK", env.tmp.path().join("posture.lock"))
        .env_remove("POSTURE_HISTORY")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(Path::new(&env.tmp.path().join("posture-history.db")).exists());
}

/// Reading a store that does not exist (a mistyped path) is an error naming it, and leaves no
/// empty store behind; recording creates it.
#[test]
fn reading_a_missing_store_is_an_error_and_creates_nothing() {
    let env = Env::new();
    let db = env.tmp.path().join("typo.db");
    let db = db.to_str().expect("path");
    for args in [
        &["history", "list"][..],
        &["history", "verify"],
        &[
            "evidence",
            "timeline",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
            "--framework",
            "soc2",
        ],
    ] {
        let out = env.posture(db, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            text(&out.stderr).contains("no run history at") && text(&out.stderr).contains(db),
            "{}",
            text(&out.stderr)
        );
        assert!(!Path::new(db).exists(), "{args:?} created the store");
    }
    let out = env.record(db, NOW, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(env.posture(db, &["history", "list"]).status.code(), Some(0));
}

/// The example company's AWS accounts only, with their entities, written under `dir`.
fn aws_only_example(dir: &Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(example_snapshot()).expect("example");
    let mut doc: serde_json::Value = serde_json::from_str(&text).expect("json");
    let obj = doc.as_object_mut().expect("object");
    let aws: Vec<serde_json::Value> = obj["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .filter(|a| a["provider"] == "aws")
        .cloned()
        .collect();
    let ids: Vec<serde_json::Value> = aws.iter().map(|a| a["id"].clone()).collect();
    obj.insert("accounts".into(), serde_json::Value::Array(aws));
    for (key, value) in obj.iter_mut() {
        if let (false, serde_json::Value::Array(items)) = (key == "accounts", value) {
            items.retain(|e| ids.contains(&e["account"]));
        }
    }
    let path = dir.join("aws-only.json");
    std::fs::write(&path, serde_json::to_vec(&doc).expect("json")).expect("write");
    path
}

#[test]
fn a_recorded_run_keeps_the_checks_that_were_not_applicable() {
    let env = Env::new();
    let db = env.tmp.path().join("h.db");
    let db = db.to_str().expect("path");
    let snap = aws_only_example(env.tmp.path());
    let scan = env.record_snapshot(db, NOW, &snap, &[]);
    assert_eq!(scan.status.code(), Some(0), "{}", text(&scan.stderr));
    let report: serde_json::Value = serde_json::from_slice(&scan.stdout).expect("report");
    let listed: Vec<&str> = report["not_applicable"]
        .as_array()
        .expect("not_applicable")
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert!(listed.contains(&"iam.tenant-mfa"), "{listed:?}");
    assert_eq!(report["summary"]["not_applicable"], listed.len());
    let show = env.posture(db, &["history", "show", "r-000001", "--format", "json"]);
    assert_eq!(show.status.code(), Some(0), "{}", text(&show.stderr));
    assert!(
        show.stdout == scan.stdout,
        "history show differs from the scan"
    );
    let summary = env.posture(db, &["history", "show", "latest"]);
    assert!(
        text(&summary.stdout).contains(&format!("{} not applicable;", listed.len())),
        "{}",
        text(&summary.stdout)
    );
}
