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

/// `tests/github-export`: an organisation that does not require 2FA, with two owners (one
/// without 2FA), a member listed on two pages, a member without 2FA, an outside collaborator
/// whose 2FA the token could not see, a public repository without branch protection, a
/// protected private one and an internal one whose protection was not collected.
#[test]
fn github_import_and_scan_state_only_what_the_answers_say() {
    let export = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/github-export");
    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("snap.json");
    let o = posture(&[
        "import",
        "github",
        export.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let snap = posture::snapshot::load(&out).expect("the output is a valid snapshot");
    assert_eq!(snap.accounts[0].id, "acme-gh");
    assert_eq!(snap.accounts[0].provider, "github");
    assert_eq!(
        snap.principals.as_ref().map(Vec::len),
        Some(5),
        "bob, on two pages, is one principal"
    );
    assert_eq!(snap.storage.as_ref().map(Vec::len), Some(3));
    assert!(snap.grants.is_none() && snap.shares.is_none());
    let files = snap.provenance.expect("provenance").files;
    assert_eq!(files.len(), 11, "{files:?}");

    let plugins = posture_e2e::plugin_dir(&[
        posture_e2e::component("plugins/iam"),
        posture_e2e::component("plugins/sharing"),
        posture_e2e::component("plugins/encryption"),
    ]);
    let o = posture(&[
        "scan",
        "--from",
        "github",
        "--snapshot",
        export.to_str().unwrap(),
        "--plugins",
        plugins.path().to_str().unwrap(),
        "--no-cache",
        "--fail-on",
        "none",
        "--now",
        posture_e2e::NOW,
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("a JSON report");
    let findings = report["findings"].as_array().expect("findings");
    let status = |check: &str, resource: &str| -> Vec<&str> {
        findings
            .iter()
            .filter(|f| f["check_id"] == check && f["resource"]["id"] == resource)
            .filter_map(|f| f["status"].as_str())
            .collect()
    };
    let expected = [
        // Owners ann and cy: cy is listed without 2FA.
        ("iam.admin-count", "acme-gh", "pass"),
        ("iam.admin-mfa", "ann", "pass"),
        ("iam.admin-mfa", "cy", "fail"),
        ("iam.user-mfa", "bob", "pass"),
        ("iam.user-mfa", "dee", "fail"),
        // The outside collaborators' 2FA filter was refused (422): unknown, not a pass.
        ("iam.user-mfa", "ext-contractor", "not-evaluable"),
        // GitHub's member lists carry no sign-in dates.
        ("iam.stale-accounts", "ann", "not-evaluable"),
        ("iam.stale-accounts", "ext-contractor", "not-evaluable"),
        ("sharing.public-storage", "acme-gh/site", "fail"),
        ("sharing.public-storage", "acme-gh/core", "pass"),
        ("sharing.public-storage", "acme-gh/handbook", "pass"),
        // GitHub does not say how repositories are stored.
        ("encryption.at-rest", "acme-gh/core", "not-evaluable"),
        // Outside collaborators have no expiry on GitHub, and no review date is imported.
        ("sharing.guest-expiry", "ext-contractor", "fail"),
    ];
    for (check, resource, want) in expected {
        assert_eq!(status(check, resource), [want], "{check} on {resource}");
    }
    // The organisation does not require 2FA: whatever judges that must not pass it.
    for f in findings.iter().filter(|f| f["resource"]["id"] == "github") {
        assert_ne!(f["status"], "pass", "{f}");
    }
    // Nothing the answers leave unknown passes: no grants, shares or sign-in dates.
    assert!(
        findings
            .iter()
            .filter(|f| f["check_id"] == "iam.direct-admin-grants")
            .all(|f| f["status"] == "not-evaluable")
    );
}

/// A whole Google Workspace results file as users hold it (`ScubaResults*.json`, the provider
/// export in its `Raw` block) with the mess of real ones: a super admin listed three times and
/// again among the privileged users, SAML SSO on the unit of one super admin, less secure apps
/// allowed on the top unit and IMAP on another; no tenant domain and no capture time anywhere,
/// so `scan --from` takes `--account` and `--captured-at` as `import` does.
#[test]
fn a_whole_workspace_results_file_scans_with_its_failing_units_named() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("ScubaResults_0b1c.json");
    std::fs::write(
        &path,
        r#"{"MetaData": {"Tool": "ScubaGoggles", "ToolVersion": "0.5.0"},
            "Summary": {}, "Results": {},
            "Raw": {
              "tenant_info": {"topLevelOU": "Example"},
              "organizational_units": {"organizationUnits": [
                 {"orgUnitId": "id:top", "orgUnitPath": "/"}, {"orgUnitId": "id:it", "orgUnitPath": "/IT"}]},
              "inbound_sso_assignments": [{"ssoMode": "SAML_SSO", "targetOrgUnit": "orgUnits/it"}],
              "super_admins": [
                 {"primaryEmail": "ada@example.org", "orgUnitPath": "", "groupKeys": []},
                 {"primaryEmail": "ada@example.org", "orgUnitPath": "", "groupKeys": []},
                 {"primaryEmail": "ada@example.org", "orgUnitPath": "", "groupKeys": []},
                 {"primaryEmail": "bo@example.org", "orgUnitPath": "IT", "groupKeys": []}],
              "privileged_users": [{"primaryEmail": "ada@example.org", "orgUnitPath": "", "groupKeys": []}],
              "policies": {
                 "Example": {"security_less_secure_apps": {"allowLessSecureApps": true},
                             "gmail_imap_access": {"enableImapAccess": false},
                             "gmail_pop_access": {"enablePopAccess": false}},
                 "IT": {"gmail_imap_access": {"enableImapAccess": true}}}}}"#,
    )
    .expect("write");
    let plugins = posture_e2e::plugin_dir(&[posture_e2e::component("plugins/iam")]);
    let scan = |extra: &[&str]| {
        let mut args = vec![
            "scan",
            "--from",
            "scubagoggles",
            "--snapshot",
            path.to_str().unwrap(),
            "--plugins",
            plugins.path().to_str().unwrap(),
            "--fail-on",
            "none",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        posture(&args)
    };
    let o = scan(&[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--account"), "{}", stderr(&o));
    let o = scan(&[
        "-v",
        "--account",
        "example.org",
        "--captured-at",
        "2026-11-20T09:00:00Z",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("merged 3 repeated administrator addresses"),
        "{}",
        stderr(&o)
    );
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json report");
    let findings = report["findings"].as_array().expect("findings");
    let of = |check: &str| -> Vec<&serde_json::Value> {
        findings.iter().filter(|f| f["check_id"] == check).collect()
    };
    let legacy = of("iam.legacy-auth");
    assert_eq!(legacy.len(), 1, "{legacy:?}");
    assert_eq!(legacy[0]["status"], "fail");
    let failing = legacy[0]["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .find(|e| e["key"] == "failing")
        .expect("the failing units are named");
    assert_eq!(
        failing["value"],
        "Example: less secure apps allowed; IT: IMAP access enabled"
    );
    let cloud: Vec<(String, String)> = of("iam.cloud-only-admins")
        .iter()
        .map(|f| {
            (
                f["resource"]["id"].as_str().unwrap_or_default().to_string(),
                f["status"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        cloud,
        [
            ("ada@example.org".to_string(), "pass".to_string()),
            ("bo@example.org".to_string(), "fail".to_string())
        ]
    );
    let direct = of("iam.direct-admin-grants");
    assert!(
        direct.iter().all(|f| f["status"] != "fail"),
        "nothing says how roles were granted: {direct:?}"
    );
}
