//! `posture import` and `scan --from` through the real binary, on well-formed and hostile
//! exports: every refusal is an exit 2 naming the file (and the JSON pointer where there is
//! one); nothing panics; names from an export cannot reach outside it.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

fn posture(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_posture"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run posture")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn write(dir: &Path, rel: &str, bytes: &[u8]) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, bytes).expect("write");
}

fn aws_export(dir: &Path) {
    write(
        dir,
        "posture-capture.json",
        br#"{"captured_at": "2026-11-20T09:00:00Z"}"#,
    );
    write(
        dir,
        "sts/get-caller-identity.json",
        br#"{"Account": "111122223333"}"#,
    );
}

#[test]
fn aws_import_writes_a_snapshot_that_scan_reads() {
    let dir = tempfile::tempdir().expect("dir");
    aws_export(dir.path());
    write(
        dir.path(),
        "s3api/list-buckets.json",
        br#"{"Buckets": [{"Name": "b"}]}"#,
    );
    let out = dir.path().join("snap.json");
    let o = posture(&[
        "import",
        "aws",
        dir.path().to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("1 of 11 entity kinds collected"),
        "{}",
        stderr(&o)
    );
    let snap = posture::snapshot::load(&out).expect("the output is a valid snapshot");
    assert_eq!(snap.storage.as_ref().map(Vec::len), Some(1));
    assert!(snap.principals.is_none());
}

#[test]
fn hostile_aws_exports_are_refused_with_file_and_pointer() {
    let cases: [(&str, &[u8], &str); 5] = [
        (
            "kms/list-keys.json",
            b"{\"Keys\": [",
            "kms/list-keys.json: /",
        ),
        ("rds/describe-db-instances.json", b"\xff\xfe{}", "not UTF-8"),
        (
            "ec2/describe-volumes.json",
            br#"{"Volumes": [{"VolumeId": "v", "Encrypted": 1}]}"#,
            "/Volumes/0/Encrypted",
        ),
        (
            "iam/get-credential-report.json",
            br#"{"Content": "%%% not base64"}"#,
            "neither a CSV nor base64",
        ),
        (
            "s3api/list-buckets.json",
            br#"{"Buckets": [{"Name": ".."}]}"#,
            "cannot be a directory name",
        ),
    ];
    for (rel, body, expect) in cases {
        let dir = tempfile::tempdir().expect("dir");
        aws_export(dir.path());
        write(dir.path(), rel, body);
        let o = posture(&["import", "aws", dir.path().to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{rel}: {}", stderr(&o));
        assert!(stderr(&o).contains(expect), "{rel}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{rel}: {}", stderr(&o));
    }
}

#[test]
fn deep_nesting_and_a_large_export_do_not_crash() {
    let dir = tempfile::tempdir().expect("dir");
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let path = dir.path().join("deep.json");
    std::fs::write(&path, deep).expect("write");
    let o = posture(&[
        "import",
        "scubagear",
        path.to_str().unwrap(),
        "--account",
        "t",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("deep.json"), "{}", stderr(&o));

    // 200 000 privileged users (~12 MB): imported, not refused.
    let mut big = String::from(
        r#"{"tenant_id": "t", "timestamp_zulu": "2026-11-20T09:00:00Z", "privileged_users": {"#,
    );
    for i in 0..200_000 {
        if i > 0 {
            big.push(',');
        }
        big.push_str(&format!(
            r#""u{i}": {{"DisplayName": "User {i}", "roles": ["Reader"]}}"#
        ));
    }
    big.push_str("}}");
    let path = dir.path().join("big.json");
    std::fs::write(&path, big).expect("write");
    let out = dir.path().join("big-snap.json");
    let o = posture(&[
        "import",
        "scubagear",
        path.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn names_in_an_export_cannot_escape_it() {
    let outside = tempfile::tempdir().expect("dir");
    write(
        outside.path(),
        "secret/get-trail-status.json",
        br#"{"IsLogging": true}"#,
    );
    let dir = tempfile::tempdir().expect("dir");
    aws_export(dir.path());
    write(
        dir.path(),
        "cloudtrail/describe-trails.json",
        br#"{"trailList": [{"Name": "t"}]}"#,
    );
    std::fs::create_dir_all(dir.path().join("cloudtrail/trails")).expect("mkdir");
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        outside.path().join("secret"),
        dir.path().join("cloudtrail/trails/t"),
    )
    .expect("symlink");
    let o = posture(&["import", "aws", dir.path().to_str().unwrap()]);
    // The trail's status is outside the export: refused, never read.
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("get-trail-status.json"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn scan_from_an_export_and_unknown_sources_are_clear() {
    let o = posture(&["import", "azure", "x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("aws, scubagear, scubagoggles"),
        "{}",
        stderr(&o)
    );
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("export.json");
    std::fs::write(
        &path,
        "\u{feff}{\"tenant_id\": \"t\", \"timestamp_zulu\": \"2026-11-20T09:00:00Z\", \"SPO_tenant\": [{\"SharingCapability\": 2}]}",
    )
    .expect("write");
    let plugins = posture_e2e::plugin_dir(&[posture_e2e::component("plugins/sharing")]);
    let plugins = plugins.path();
    let o = posture(&[
        "scan",
        "--from",
        "scubagear",
        "--snapshot",
        path.to_str().unwrap(),
        "--plugins",
        plugins.to_str().unwrap(),
        "--no-cache",
        "--fail-on",
        "none",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("m365:t"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}
