//! The AWS importer end to end, against an emulated organisation: `tests/aws/seed.sh` creates
//! known problems in a moto server (a management account and a member account, in us-east-1
//! and eu-west-1), `examples/collect/aws.sh --org-role … --regions …` collects them with the
//! real AWS CLI, `posture import aws` reads the export, and the five first-party plugins find
//! the problems.
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
use std::ffi::OsStr;

const DAY: i64 = 86_400;
const MANAGEMENT: &str = "123456789012";

fn run(emulator: &Emulator, script: &str, args: &[&OsStr]) {
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
    let started = std::time::Instant::now();
    run(
        &emulator,
        "examples/collect/aws.sh",
        &[
            OsStr::new("--org-role"),
            OsStr::new("OrganizationAccountAccessRole"),
            OsStr::new("--regions"),
            OsStr::new("us-east-1,eu-west-1"),
            export.path().as_os_str(),
        ],
    );
    eprintln!("collected in {:.1?}", started.elapsed());
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
    // Both accounts of the organisation, the management account's resources in both regions.
    let accounts: Vec<&str> = snapshot.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(accounts.len(), 2, "{accounts:?}");
    assert_eq!(accounts[0], MANAGEMENT);
    let member = accounts[1].to_string();
    assert_eq!(snapshot.accounts[1].name.as_deref(), Some("member"));
    let volume_regions: Vec<(&str, Option<&str>)> = snapshot
        .data_stores
        .iter()
        .flatten()
        .filter(|d| d.id.contains(":volume/"))
        .map(|d| (d.account.as_str(), d.region.as_deref()))
        .collect();
    assert_eq!(volume_regions.len(), 4, "{volume_regions:?}");
    assert!(volume_regions.contains(&(MANAGEMENT, Some("eu-west-1"))));
    assert!(volume_regions.contains(&(member.as_str(), Some("eu-west-1"))));
    let bucket = snapshot
        .storage
        .iter()
        .flatten()
        .find(|b| b.name == "acme-member-logs")
        .expect("the member's bucket");
    assert_eq!(
        (bucket.account.as_str(), bucket.region.as_deref()),
        (member.as_str(), Some("eu-west-1"))
    );
    let trails: Vec<(&str, &str)> = snapshot
        .audit_logs
        .iter()
        .flatten()
        .map(|l| (l.account.as_str(), l.name.as_str()))
        .collect();
    assert_eq!(trails, vec![(member.as_str(), "member-trail")]);
    // moto does not implement ListProtectedResources: absent, never an empty list.
    assert!(snapshot.protected_resources.is_none());

    // The emulator's resources are minutes old; evaluating 200 days later makes the unused key
    // and the never-used console users old and stale.
    let now = snapshot.captured_at + 200 * DAY;
    let plugins = plugin_dir(&first_party_plugins());
    let report = scan_snapshot(plugins.path(), snapshot, "moto", &Config::default(), 2, now);
    // Keyed by check and the resource's last id segment or, when it has one, its display
    // name (backup plans have generated ids); the management account's, then the member's.
    let mut got: BTreeMap<(String, String), Status> = BTreeMap::new();
    let mut got_member: BTreeMap<(String, String), Status> = BTreeMap::new();
    for f in &report.findings {
        let short = match &f.resource.display_name {
            Some(name) if f.resource.kind == "backup-plan" => name.clone(),
            _ if f.resource.kind == "tenant-settings" => f.resource.id.clone(),
            _ => f
                .resource
                .id
                .rsplit([':', '/'])
                .next()
                .unwrap_or("")
                .to_string(),
        };
        let map = if f.resource.account.as_deref() == Some(member.as_str()) {
            &mut got_member
        } else {
            &mut got
        };
        map.insert((f.check_id.clone(), short), f.status);
    }
    let expect = [
        ("iam.admin-mfa", "alice", Status::Fail),
        ("iam.admin-mfa", "bob", Status::Pass),
        // The root user without MFA is iam.root-mfa's finding only (one problem, one
        // finding): iam.admin-mfa must not report it (asserted below).
        ("iam.root-mfa", "root", Status::Fail),
        ("iam.root-access-keys", "root", Status::Pass),
        ("iam.admin-count", MANAGEMENT, Status::Pass),
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
        (
            "encryption.volume-default",
            "aws-ec2/us-east-1",
            Status::Fail,
        ),
        (
            "encryption.volume-default",
            "aws-ec2/eu-west-1",
            Status::Fail,
        ),
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
        ("encryption.at-rest", "reporting", Status::Pass),
        ("sharing.public-databases", "orders", Status::Pass),
        ("sharing.public-databases", "reporting", Status::Fail),
        ("encryption.in-transit", "acme-locked", Status::Pass),
        ("encryption.in-transit", "acme-public-site", Status::Fail),
        ("logging.audit-trail", MANAGEMENT, Status::Fail),
        ("backup.retention", "daily-7d", Status::Fail),
        ("backup.immutability", "daily-7d", Status::Fail),
        // A plan exists and moto does not answer list-protected-resources: which resources
        // it protects is unknown.
        ("backup.coverage", "orders", Status::NotEvaluable),
    ];
    // The member's trail: single-region, log-file validation off, to a bucket that is not
    // encrypted and has no Object Lock; every check reads the bucket's one answer.
    let expect_member = [
        ("logging.audit-trail", member.as_str(), Status::Fail),
        ("logging.integrity", "member-trail", Status::Fail),
        ("logging.log-storage", "member-trail", Status::Fail),
        ("encryption.at-rest", "acme-member-logs", Status::Fail),
        ("sharing.public-storage", "acme-member-logs", Status::Pass),
        (
            "encryption.volume-default",
            "aws-ec2/eu-west-1",
            Status::Fail,
        ),
    ];
    let mut wrong = Vec::new();
    let root_in_admin_mfa: Vec<&String> = report
        .findings
        .iter()
        .filter(|f| f.check_id == "iam.admin-mfa" && f.resource.id.ends_with(":root"))
        .map(|f| &f.resource.id)
        .collect();
    if !root_in_admin_mfa.is_empty() {
        wrong.push(format!(
            "iam.admin-mfa reports the root user, which iam.root-mfa owns: {root_in_admin_mfa:?}"
        ));
    }
    // The member has no backup plan at all: its volume is in none, so not backed up.
    let member_coverage: Vec<Status> = got_member
        .iter()
        .filter(|((c, _), _)| c == "backup.coverage")
        .map(|(_, s)| *s)
        .collect();
    if member_coverage != [Status::Fail] {
        wrong.push(format!(
            "backup.coverage in the member account: expected one failing volume, got \
             {member_coverage:?}"
        ));
    }
    for (got, expect) in [(&got, &expect[..]), (&got_member, &expect_member[..])] {
        for (check, resource, status) in expect {
            let found = got
                .iter()
                .find(|((c, r), _)| c == check && r.ends_with(resource))
                .map(|(_, s)| *s);
            if found != Some(*status) {
                wrong.push(format!(
                    "{check} on {resource}: expected {status:?}, got {found:?}"
                ));
            }
        }
    }
    // Volumes: exactly one of the two is unencrypted.
    let volumes: Vec<Status> = report
        .findings
        .iter()
        .filter(|f| {
            f.check_id == "encryption.at-rest"
                && f.resource.id.contains(":volume/")
                && f.resource.id.contains(":us-east-1:")
        })
        .map(|f| f.status)
        .collect();
    assert_eq!(volumes.len(), 2, "{volumes:?}");
    assert!(volumes.contains(&Status::Fail) && volumes.contains(&Status::Pass));
    assert!(
        wrong.is_empty(),
        "{}\nall findings: {got:#?}\nmember's: {got_member:#?}",
        wrong.join("\n")
    );
}
