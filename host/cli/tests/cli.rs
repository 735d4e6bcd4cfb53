//! CLI tests: the real `posture` binary over the real IAM component and the example data —
//! output, exit codes, error messages. Whole outputs are insta snapshots
//! (`host/cli/tests/snapshots/`; review a change, then `INSTA_UPDATE=always cargo test -p
//! posture-cli --test cli` to accept it), with temporary paths and digests replaced.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use posture_e2e::{NOW, example_snapshot, iam_plugin, plugin_dir, root};
use std::path::Path;
use std::process::{Command, Output};

fn posture(args: &[&str], plugins: &Path, cache: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_posture"))
        .args(args)
        .env("POSTURE_PLUGIN_DIR", plugins)
        .env("POSTURE_CACHE_DIR", cache)
        .env("POSTURE_LOCK", cache.join("posture.lock"))
        .env("NO_COLOR", "1")
        .env_remove("RUST_LOG")
        .output()
        .expect("run posture")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `out` with what differs between runs replaced: the given directories, the checkout, and
/// sha256 digests (full or abbreviated to 12 digits after `sha256 `).
fn stable(out: &str, dirs: &[&Path]) -> String {
    let mut s = out.to_string();
    for (i, d) in dirs.iter().enumerate() {
        s = s.replace(&d.display().to_string(), &format!("[DIR{i}]"));
    }
    s = s.replace(&root().display().to_string(), "[ROOT]");
    let mut out = String::with_capacity(s.len());
    let mut rest = s.as_str();
    while let Some(i) = rest.find(|c: char| c.is_ascii_hexdigit()) {
        out.push_str(&rest[..i]);
        let run = rest[i..]
            .find(|c: char| !c.is_ascii_hexdigit())
            .map_or(rest.len() - i, |n| n);
        let hex = &rest[i..i + run];
        let after_sha = out.ends_with("sha256 ") || out.ends_with("sha256 \"");
        if run == 64 || (run == 12 && after_sha) {
            out.push_str("[SHA256]");
        } else {
            out.push_str(hex);
        }
        rest = &rest[i + run..];
    }
    out.push_str(rest);
    out
}

#[test]
fn scan_prints_findings_and_exits_by_fail_on() {
    let plugins = plugin_dir(&[iam_plugin()]);
    let cache = tempfile::tempdir().expect("tmp");
    let snap = example_snapshot();
    let snap = snap.to_str().expect("utf-8 path");
    let out = posture(
        &["scan", "--snapshot", snap, "--now", NOW],
        plugins.path(),
        cache.path(),
    );
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "failing findings ⇒ exit 1\n{stdout}\n{}",
        text(&out.stderr)
    );
    insta::assert_snapshot!("scan_text", stable(&stdout, &[]));

    let out = posture(
        &[
            "scan",
            "--snapshot",
            snap,
            "--now",
            NOW,
            "--fail-on",
            "none",
        ],
        plugins.path(),
        cache.path(),
    );
    assert_eq!(out.status.code(), Some(0));
    let out = posture(
        &[
            "scan",
            "--snapshot",
            snap,
            "--now",
            NOW,
            "--fail-on",
            "critical",
            "--format",
            "json",
        ],
        plugins.path(),
        cache.path(),
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    assert_eq!(report["schema"], "posture.report/v1");
    let critical_fail = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .any(|f| f["status"] == "fail" && f["severity"] == "critical");
    assert_eq!(out.status.code(), Some(if critical_fail { 1 } else { 0 }));
}

#[test]
fn second_scan_reports_a_cache_hit() {
    let plugins = plugin_dir(&[iam_plugin()]);
    let cache = tempfile::tempdir().expect("tmp");
    let snap = example_snapshot();
    let args = [
        "-v",
        "scan",
        "--snapshot",
        snap.to_str().expect("path"),
        "--now",
        NOW,
        "--fail-on",
        "none",
    ];
    let first = text(&posture(&args, plugins.path(), cache.path()).stderr);
    assert!(
        first.contains("compile cache: 0 hit(s), 1 compiled"),
        "{first}"
    );
    let second = text(&posture(&args, plugins.path(), cache.path()).stderr);
    assert!(
        second.contains("compile cache: 1 hit(s), 0 compiled"),
        "{second}"
    );
}

#[test]
fn wrong_type_in_snapshot_names_the_json_path_and_exits_2() {
    let plugins = plugin_dir(&[iam_plugin()]);
    let cache = tempfile::tempdir().expect("tmp");
    let bad = root().join("examples/snapshots/wrong-type.json");
    let out = posture(
        &["scan", "--snapshot", bad.to_str().expect("path")],
        plugins.path(),
        cache.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!("wrong_type_error", stable(&text(&out.stderr), &[]));
}

#[test]
fn missing_snapshot_and_bad_flags_exit_2() {
    let plugins = plugin_dir(&[iam_plugin()]);
    let cache = tempfile::tempdir().expect("tmp");
    let out = posture(
        &["scan", "--snapshot", "/nonexistent/snap.json"],
        plugins.path(),
        cache.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!("missing_snapshot_error", text(&out.stderr));
    let out = posture(
        &["scan", "--snapshot", "x.json", "--fail-on", "urgent"],
        plugins.path(),
        cache.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!("bad_fail_on_error", text(&out.stderr));
    let out = posture(
        &["scan", "--snapshot", "x.json", "--now", "yesterday"],
        plugins.path(),
        cache.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!("bad_now_error", text(&out.stderr));
}

#[test]
fn empty_plugin_dir_is_an_error() {
    let plugins = tempfile::tempdir().expect("tmp");
    let cache = tempfile::tempdir().expect("tmp");
    let snap = example_snapshot();
    let out = posture(
        &["scan", "--snapshot", snap.to_str().expect("path")],
        plugins.path(),
        cache.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!(
        "empty_plugin_dir_error",
        stable(&text(&out.stderr), &[plugins.path()])
    );
}

#[test]
fn plugins_list_shows_metadata() {
    let plugins = plugin_dir(&[iam_plugin()]);
    let cache = tempfile::tempdir().expect("tmp");
    let out = posture(&["plugins", "list"], plugins.path(), cache.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    insta::assert_snapshot!(
        "plugins_list",
        stable(&text(&out.stdout), &[plugins.path()])
    );
}

#[test]
fn schema_prints_the_snapshot_json_schema() {
    let plugins = tempfile::tempdir().expect("tmp");
    let out = posture(&["schema"], plugins.path(), plugins.path());
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(v["properties"]["principals"].is_object(), "{v}");
}

#[test]
fn unknown_check_in_config_is_an_error() {
    let plugins = plugin_dir(&[iam_plugin()]);
    let cache = tempfile::tempdir().expect("tmp");
    let cfg = cache.path().join("posture.toml");
    std::fs::write(&cfg, "[checks.\"iam.no-such-check\"]\nenabled = false\n").expect("write");
    let snap = example_snapshot();
    let out = posture(
        &[
            "scan",
            "--snapshot",
            snap.to_str().expect("path"),
            "--config",
            cfg.to_str().expect("path"),
        ],
        plugins.path(),
        cache.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!(
        "unknown_check_error",
        stable(&text(&out.stderr), &[cache.path()])
    );
}

#[test]
fn lock_file_pins_plugins_and_refuses_a_changed_one_until_relocked() {
    let plugins = plugin_dir(&[iam_plugin()]);
    let cache = tempfile::tempdir().expect("tmp");
    let snap = example_snapshot();
    let scan = [
        "scan",
        "--snapshot",
        snap.to_str().expect("path"),
        "--now",
        NOW,
        "--fail-on",
        "none",
    ];

    let out = posture(&["plugins", "lock"], plugins.path(), cache.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let lock = std::fs::read_to_string(cache.path().join("posture.lock")).expect("lock written");
    assert!(
        lock.contains("posture-plugin-iam.wasm") && lock.contains("sha256"),
        "{lock}"
    );
    assert_eq!(
        posture(&scan, plugins.path(), cache.path()).status.code(),
        Some(0)
    );

    // Swap in other (valid) bytes under the same name: refused before it is compiled.
    let target = plugins.path().join("posture-plugin-iam.wasm");
    std::fs::copy(posture_e2e::hostile_plugin(), &target).expect("tamper");
    let out = posture(&scan, plugins.path(), cache.path());
    assert_eq!(
        out.status.code(),
        Some(3),
        "a refused plugin makes the scan incomplete"
    );
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(
        !all.contains("hostile."),
        "the changed plugin must not run: {all}"
    );
    insta::assert_snapshot!(
        "changed_plugin_refused",
        stable(&all, &[plugins.path(), cache.path()])
    );

    // Explicit re-lock accepts it (listed, not evaluated: its checks misbehave on purpose).
    assert_eq!(
        posture(&["plugins", "lock"], plugins.path(), cache.path())
            .status
            .code(),
        Some(0)
    );
    let out = posture(&["plugins", "list"], plugins.path(), cache.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("hostile.loop"));
}

#[test]
fn waivers_mark_findings_and_report_expired_and_unused_ones() {
    let plugins = plugin_dir(&[iam_plugin()]);
    let cache = tempfile::tempdir().expect("tmp");
    let waivers = cache.path().join("waivers.toml");
    std::fs::write(
        &waivers,
        "[[waiver]]\ncheck = \"iam.root-mfa\"\nresource = \"aws-root\"\nreason = \"root MFA device on order\"\n\
         owner = \"priya\"\nticket = \"SEC-7\"\nexpires = \"2026-12-31\"\n\
         [[waiver]]\ncheck = \"iam.admin-mfa\"\nresource = \"AIDAACMETOM\"\nreason = \"old\"\nowner = \"priya\"\nexpires = \"2026-01-31\"\n\
         [[waiver]]\ncheck = \"iam.admin-mfa\"\nresource = \"nobody*\"\nreason = \"stale\"\nowner = \"priya\"\nexpires = \"2027-01-31\"\n",
    )
    .expect("write");
    let snap = example_snapshot();
    let snap = snap.to_str().expect("path");
    let w = waivers.to_str().expect("path");
    let cfg = cache.path().join("only-mfa.toml");
    let mut toml = String::new();
    for c in [
        "iam.user-mfa",
        "iam.admin-count",
        "iam.stale-accounts",
        "iam.departed-accounts",
        "iam.credential-age",
        "iam.root-access-keys",
        "iam.direct-admin-grants",
    ] {
        toml.push_str(&format!("[checks.\"{c}\"]\nenabled = false\n"));
    }
    std::fs::write(&cfg, toml).expect("write");
    let cfg = cfg.to_str().expect("path");
    let base = [
        "scan",
        "--snapshot",
        snap,
        "--now",
        NOW,
        "--config",
        cfg,
        "--fail-on",
        "critical",
    ];
    // Without waivers the root account's missing MFA (critical) fails the scan.
    assert_eq!(
        posture(&base, plugins.path(), cache.path()).status.code(),
        Some(1)
    );
    let mut args = base.to_vec();
    args.extend(["--waivers", w]);
    let out = posture(&args, plugins.path(), cache.path());
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "the critical failure is waived\n{stdout}"
    );
    insta::assert_snapshot!("scan_with_waivers", stable(&stdout, &[]));
    args.extend(["--format", "json"]);
    let out = posture(&args, plugins.path(), cache.path());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["waivers"]["applied"], 1);
    assert_eq!(report["summary"]["waived"], 1);
    let last = args.len() - 1;
    args[last] = "sarif";
    let out = posture(&args, plugins.path(), cache.path());
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).expect("sarif");
    let suppressed: Vec<&serde_json::Value> = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["suppressions"][0]["status"], "accepted");
}

/// Scans `snapshot` with the IAM plugin to a JSON report at `out`.
fn scan_to_json(snapshot: &Path, out: &Path, plugins: &Path, cache: &Path) {
    let o = posture(
        &[
            "scan",
            "--snapshot",
            snapshot.to_str().expect("path"),
            "--now",
            NOW,
            "--format",
            "json",
            "-o",
            out.to_str().expect("path"),
            "--fail-on",
            "none",
        ],
        plugins,
        cache,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}

#[test]
fn diff_and_baseline_gate_on_new_failures_only() {
    let plugins = plugin_dir(&[iam_plugin()]);
    let tmp = tempfile::tempdir().expect("tmp");
    let old = tmp.path().join("old.json");
    scan_to_json(&example_snapshot(), &old, plugins.path(), tmp.path());
    // A new administrator without MFA appears.
    let mut snap: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example_snapshot()).expect("read"))
            .expect("json");
    let principals = snap["principals"].as_array_mut().expect("principals");
    let mut eve = principals[1].clone();
    eve["id"] = "AIDAEVE".into();
    eve["name"] = "eve.new".into();
    eve["admin"] = true.into();
    eve["mfa_enabled"] = false.into();
    eve["interactive"] = true.into();
    eve["status"] = "enabled".into();
    principals.push(eve);
    let changed = tmp.path().join("changed.json");
    std::fs::write(&changed, snap.to_string()).expect("write");
    let new = tmp.path().join("new.json");
    scan_to_json(&changed, &new, plugins.path(), tmp.path());
    let (o, n) = (old.to_str().expect("p"), new.to_str().expect("p"));

    let out = posture(&["diff", o, n], plugins.path(), tmp.path());
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "no --fail-on: exit 0\n{stdout}");
    insta::assert_snapshot!("diff_text", stable(&stdout, &[tmp.path()]));
    let out = posture(
        &["diff", o, n, "--fail-on", "high"],
        plugins.path(),
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(1), "a new high failure gates");
    let out = posture(
        &["diff", o, o, "--fail-on", "info"],
        plugins.path(),
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(0), "nothing new");
    let out = posture(
        &["diff", o, n, "--format", "json"],
        plugins.path(),
        tmp.path(),
    );
    let d: serde_json::Value = serde_json::from_slice(&out.stdout).expect("diff json");
    assert_eq!(d["schema"], "posture.diff/v1");
    assert_eq!(d["admins"]["added"][0]["label"], "eve.new");

    // scan --baseline: the old failures no longer gate with --fail-on-new.
    let snap_old = example_snapshot();
    let base = [
        "scan",
        "--snapshot",
        snap_old.to_str().expect("p"),
        "--now",
        NOW,
        "--baseline",
        o,
    ];
    let out = posture(&base, plugins.path(), tmp.path());
    assert_eq!(out.status.code(), Some(1), "all failures gate by default");
    assert!(text(&out.stdout).contains("CHANGES SINCE BASELINE"));
    let mut args = base.to_vec();
    args.push("--fail-on-new");
    let out = posture(&args, plugins.path(), tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let out = posture(
        &["scan", "--snapshot", "x.json", "--fail-on-new"],
        plugins.path(),
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(2), "--fail-on-new needs --baseline");
}

#[test]
fn report_from_renders_frameworks_waivers_quiet_and_colour() {
    let plugins = plugin_dir(&[iam_plugin()]);
    let tmp = tempfile::tempdir().expect("tmp");
    let saved = tmp.path().join("r.json");
    scan_to_json(&example_snapshot(), &saved, plugins.path(), tmp.path());
    let r = saved.to_str().expect("p");
    let run = |extra: &[&str]| {
        let mut args = vec!["report", "--from", r];
        args.extend(extra);
        posture(&args, plugins.path(), tmp.path())
    };
    let out = run(&["--framework", "iso27001"]);
    insta::assert_snapshot!("report_iso27001", stable(&text(&out.stdout), &[tmp.path()]));
    let out = run(&["--framework", "soc2", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!("framework_format_error", text(&out.stderr));

    let quiet = text(&run(&["--quiet"]).stdout);
    assert_eq!(quiet.lines().count(), 1, "{quiet}");
    insta::assert_snapshot!("report_quiet", stable(&quiet, &[tmp.path()]));

    // Piped with NO_COLOR: no escapes; --color always forces them.
    assert!(!text(&run(&[]).stdout).contains('\u{1b}'));
    assert!(text(&run(&["--color", "always"]).stdout).contains("\u{1b}["));
    let explained = text(&run(&["--explain", "iam.admin-mfa"]).stdout);
    insta::assert_snapshot!("report_explain", stable(&explained, &[tmp.path()]));

    let waivers = tmp.path().join("w.toml");
    std::fs::write(
        &waivers,
        "[[waiver]]\ncheck = \"iam.root-mfa\"\nresource = \"aws-root\"\nreason = \"device on order\"\n\
         owner = \"priya\"\nexpires = \"2026-12-31\"\n",
    )
    .expect("write");
    let out = run(&[
        "--waivers",
        waivers.to_str().expect("p"),
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["summary"]["waived"], 1);
}

/// Sandbox, round two, point 6: a plugin's control characters cannot rewrite the terminal,
/// forge lines of the text report or plant a formula in the CSV.
#[test]
fn hostile_text_is_escaped_for_terminals_markdown_and_spreadsheets() {
    let plugins = plugin_dir(&[posture_e2e::hostile_plugin()]);
    let cache = tempfile::tempdir().expect("tmp");
    let cfg = cache.path().join("escapes.toml");
    let mut toml = String::new();
    for c in posture_e2e::HOSTILE_CHECKS
        .iter()
        .filter(|c| **c != "hostile.escapes")
    {
        toml.push_str(&format!("[checks.\"{c}\"]\nenabled = false\n"));
    }
    std::fs::write(&cfg, toml).expect("write");
    let snap = example_snapshot();
    let run = |format: &str| {
        let out = posture(
            &[
                "scan",
                "--snapshot",
                snap.to_str().expect("path"),
                "--now",
                NOW,
                "--config",
                cfg.to_str().expect("path"),
                "--format",
                format,
            ],
            plugins.path(),
            cache.path(),
        );
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let shown = run("text");
    for bad in ['\u{1b}', '\u{7}', '\r', '\u{202e}'] {
        assert!(
            !shown.contains(bad),
            "{bad:?} reached the terminal:\n{shown}"
        );
    }
    assert!(shown.contains("\\u{1b}]0;owned"), "{shown}");
    assert!(
        !shown.lines().any(|l| l.starts_with("SUMMARY: all good")),
        "{shown}"
    );
    insta::assert_snapshot!("hostile_escapes_text", stable(&shown, &[]));
    let md = run("markdown");
    assert!(!md.contains('\u{1b}') && !md.contains('\r'), "{md}");
    let csv = run("csv");
    assert!(csv.contains("'=HYPERLINK("), "{csv}");
    assert!(!csv.contains(",=HYPERLINK("), "{csv}");
    // Machine formats keep the text as it is, escaped by their own syntax.
    let json: serde_json::Value = serde_json::from_str(&run("json")).expect("json");
    assert!(
        json["findings"][0]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with('\u{1b}'))
    );
}
