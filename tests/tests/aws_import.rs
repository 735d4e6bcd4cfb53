//! The AWS importer end to end, against an emulated account: `tests/aws/seed.sh` creates known
//! problems in a moto server, `examples/collect/aws.sh` collects them with the real AWS CLI,
//! `posture import aws` reads the export, and the five first-party plugins find the problems.
//!
//! Needs `make aws-emulator` (moto and awscli from PyPI under target/aws-emulator); fails with
//! that instruction otherwise.

#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

use posture::config::Config;
use posture::import::{self, Options, Source};
use posture::model::Status;
use posture_e2e::aws_emulator::Emulator;
use posture_e2e::{first_party_plugins, plugin_dir, root, scan_snapshot};
use std::collections::BTreeMap;

const DAY: i64 = 86_400;

fn run(emulator: &Emulator, script: &str, args: &[&std::path::Path]) {
    let out = emulator
        .command(&root().join(script))
        .args(args)
        .output()
        .expect("run bash");
    assert!(
        out.status.success(),
        "{script} failed ({}):\n{}\n{}\nmoto log:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        emulator.log()
    );
}

#[test]
fn collected_emulated_account_is_imported_and_its_problems_found() {
    let emulator = Emulator::start();
    run(&emulator, "tests/aws/seed.sh", &[]);
    let export = tempfile::tempdir().expect("temp dir");
    run(&emulator, "examples/collect/aws.sh", &[export.path()]);
    drop(emulator);

    let snapshot = import::import(Source::Aws, export.path(), &Options::default())
        .expect("the collected export imports");
    let provenance = snapshot.provenance.clone().expect("provenance recorded");
    assert_eq!(provenance.source_format.as_deref(), Some("aws-cli-json"));
    assert!(
        provenance
            .source_version
            .as_deref()
            .is_some_and(|v| v.contains("aws-cli/1.")),
        "{provenance:?}"
    );
    assert!(
        provenance.files.len() > 40,
        "{} files",
        provenance.files.len()
    );
    assert!(provenance.files.iter().all(|f| f.sha256.len() == 64));
    assert_eq!(snapshot.accounts[0].id, "123456789012");
    // moto does not implement ListProtectedResources: absent, never an empty list.
    assert!(snapshot.protected_resources.is_none());

    // The emulator's resources are minutes old; evaluating 200 days later makes the unused key
    // and the never-used console users old and stale.
    let now = snapshot.captured_at + 200 * DAY;
    let plugins = plugin_dir(&first_party_plugins());
    let report = scan_snapshot(plugins.path(), snapshot, "moto", &Config::default(), 2, now);
    // Keyed by check and the resource's last id segment or, when it has one, its display
    // name (backup plans have generated ids).
    let mut got: BTreeMap<(String, String), Status> = BTreeMap::new();
    for f in &report.findings {
        let short = match &f.resource.display_name {
            Some(name) if f.resource.kind == "backup-plan" => name.clone(),
            _ => f
                .resource
                .id
                .rsplit([':', '/'])
                .next()
                .unwrap_or("")
                .to_string(),
        };
        got.insert((f.check_id.clone(), short), f.status);
    }
    let expect = [
        ("iam.admin-mfa", "alice", Status::Fail),
        ("iam.admin-mfa", "bob", Status::Pass),
        ("iam.admin-mfa", "root", Status::Fail),
        ("iam.root-mfa", "root", Status::Fail),
        ("iam.root-access-keys", "root", Status::Pass),
        ("iam.admin-count", "123456789012", Status::Pass),
        (
            "iam.direct-admin-grants",
            "AdministratorAccess",
            Status::Fail,
        ),
        ("iam.credential-age", "deploy#access_key_1", Status::Fail),
        ("iam.stale-accounts", "alice", Status::Fail),
        ("iam.departed-accounts", "principals", Status::NotEvaluable),
        ("iam.password-policy", "aws-iam", Status::Fail),
        (
            "sharing.bucket-public-access-block",
            "acme-public-site",
            Status::Fail,
        ),
        (
            "sharing.bucket-public-access-block",
            "acme-locked",
            Status::Pass,
        ),
        ("encryption.volume-default", "aws-ec2", Status::Fail),
        ("sharing.public-storage", "acme-public-site", Status::Fail),
        ("sharing.public-storage", "acme-locked", Status::Pass),
        ("sharing.public-storage", "acme-plain", Status::Pass),
        (
            "sharing.account-public-access-block",
            "aws-s3",
            Status::Fail,
        ),
        ("encryption.at-rest", "acme-plain", Status::Fail),
        ("encryption.at-rest", "acme-locked", Status::Pass),
        ("encryption.at-rest", "orders", Status::Fail),
        ("encryption.in-transit", "acme-locked", Status::Pass),
        ("encryption.in-transit", "acme-public-site", Status::Fail),
        ("logging.audit-trail", "123456789012", Status::Fail),
        ("backup.retention", "daily-7d", Status::Fail),
        ("backup.immutability", "daily-7d", Status::Fail),
        (
            "backup.coverage",
            "protected_resources",
            Status::NotEvaluable,
        ),
    ];
    let mut wrong = Vec::new();
    for (check, resource, status) in expect {
        let found = got
            .iter()
            .find(|((c, r), _)| c == check && r.ends_with(resource))
            .map(|(_, s)| *s);
        if found != Some(status) {
            wrong.push(format!(
                "{check} on {resource}: expected {status:?}, got {found:?}"
            ));
        }
    }
    // Volumes: exactly one of the two is unencrypted.
    let volumes: Vec<Status> = report
        .findings
        .iter()
        .filter(|f| f.check_id == "encryption.at-rest" && f.resource.id.contains(":volume/"))
        .map(|f| f.status)
        .collect();
    assert_eq!(volumes.len(), 2, "{volumes:?}");
    assert!(volumes.contains(&Status::Fail) && volumes.contains(&Status::Pass));
    assert!(
        wrong.is_empty(),
        "{}\nall findings: {got:#?}",
        wrong.join("\n")
    );
}
