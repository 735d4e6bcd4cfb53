//! The AWS importer: a directory of AWS CLI `--output json` answers (one file per call, in the
//! layout `examples/collect/aws.sh` writes and docs/import-aws.md documents) → a snapshot of one
//! AWS account.
//!
//! A call that failed is recorded as `{"Error": {"Code": …}}`. Error codes that mean "this
//! setting is not configured" (no bucket policy, no default encryption, no public-access block,
//! no password policy, …) become that setting's absence; any other error (access denied,
//! throttling) and a missing file leave the value unknown, so checks report not-evaluable.

pub mod backup;
mod cloudtrail;
mod compute;
pub mod credential_report;
mod iam;
mod iam_details;
mod iam_users;
mod kms;
pub mod policy;
mod s3;
mod shapes;
pub mod time;

use crate::import::common::{ImportError, Options, Source};
use crate::import::files::ExportFiles;
use crate::snapshot::{Account, Snapshot};
use serde::Deserialize;
use std::path::Path;

/// The provenance `source_format` of this importer.
pub const SOURCE_FORMAT: &str = "aws-cli-json";

/// The file the collection script writes first: when, where and with what it collected.
pub const CAPTURE_FILE: &str = "posture-capture.json";

/// `posture-capture.json`.
#[derive(Debug, Deserialize)]
struct Capture {
    captured_at: time::AwsTime,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    collector: Option<String>,
    #[serde(default)]
    aws_cli: Option<String>,
}

/// `sts get-caller-identity`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CallerIdentity {
    account: String,
}

/// Imports the AWS export directory `root`.
pub fn import(root: &Path, options: &Options) -> Result<Snapshot, ImportError> {
    let mut files = ExportFiles::open_dir(root)?;
    let capture: Option<Capture> = files.document(CAPTURE_FILE)?;
    let identity = files
        .answer::<CallerIdentity>("sts/get-caller-identity.json")?
        .ok();

    let mut iam = iam::collect(&mut files)?;
    let account_id = match identity {
        Some(id) => id.account,
        None => crate::import::common::account_id(
            options,
            iam.account_id.clone(),
            &files.display("sts/get-caller-identity.json"),
            "no sts/get-caller-identity.json and no IAM ARN",
        )?,
    };
    let region = capture.as_ref().and_then(|c| c.region.clone());
    let found = capture
        .as_ref()
        .map(|c| c.captured_at.0)
        .or(iam.report_generated);
    let captured_at = crate::import::common::captured_at(
        options,
        found,
        &files.display(CAPTURE_FILE),
        "posture-capture.json or the credential report's time",
    )?;

    let s3 = s3::collect(&mut files, &account_id, region.as_deref())?;
    let trails = cloudtrail::collect(&mut files, &account_id)?;
    let backup = backup::collect(&mut files, &account_id)?;
    let keys = kms::collect(&mut files, &account_id)?;
    let compute = compute::collect(&mut files, &account_id)?;

    let mut tenant_settings = Vec::new();
    tenant_settings.extend(s3.tenant);
    tenant_settings.extend(compute.tenant);
    tenant_settings.extend(iam.tenant);
    let mut tenant_settings = (!tenant_settings.is_empty()).then_some(tenant_settings);

    let source_version = capture
        .as_ref()
        .map(|c| {
            [c.collector.as_deref(), c.aws_cli.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("; ")
        })
        .filter(|v| !v.is_empty());
    for p in iam.principals.iter_mut().flatten() {
        p.account.clone_from(&account_id);
    }
    for g in iam.groups.iter_mut().flatten() {
        g.account.clone_from(&account_id);
    }
    for g in iam.grants.iter_mut().flatten() {
        g.account.clone_from(&account_id);
    }
    for t in tenant_settings.iter_mut().flatten() {
        t.account.clone_from(&account_id);
    }
    let mut snapshot = crate::import::common::snapshot_of(
        Source::Aws,
        Account {
            id: account_id,
            provider: "aws".into(),
            name: iam.alias,
        },
        captured_at,
        SOURCE_FORMAT,
        source_version,
        files.into_read(),
    );
    snapshot.principals = iam.principals;
    snapshot.groups = iam.groups;
    snapshot.grants = iam.grants;
    snapshot.storage = s3.buckets;
    snapshot.data_stores = compute.data_stores;
    snapshot.audit_logs = trails;
    snapshot.backup_plans = backup.plans;
    snapshot.protected_resources = backup.protected;
    snapshot.keys = keys;
    snapshot.tenant_settings = tenant_settings;
    Ok(snapshot)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{EntityKind, PasswordPolicy};
    use std::fs;

    fn export(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        for (rel, body) in files {
            let path = dir.path().join(rel);
            fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            fs::write(path, body).expect("write");
        }
        dir
    }

    const CAPTURE: (&str, &str) = (
        CAPTURE_FILE,
        r#"{"captured_at": "2026-11-20T09:00:00Z", "region": "eu-west-1"}"#,
    );
    const IDENTITY: (&str, &str) = (
        "sts/get-caller-identity.json",
        r#"{"Account": "111122223333", "Arn": "arn:aws:iam::111122223333:user/x"}"#,
    );

    #[test]
    fn missing_sections_stay_absent_and_errors_mean_unset_or_unknown() {
        let dir = export(&[
            CAPTURE,
            IDENTITY,
            // BOM, as Windows tools write it.
            (
                "s3api/list-buckets.json",
                "\u{feff}{\"Buckets\": [{\"Name\": \"b\"}]}",
            ),
            (
                "s3api/buckets/b/get-bucket-encryption.json",
                r#"{"Error": {"Code": "ServerSideEncryptionConfigurationNotFoundError"}}"#,
            ),
            (
                "s3api/buckets/b/get-bucket-acl.json",
                r#"{"Error": {"Code": "AccessDenied", "Message": "no"}}"#,
            ),
            (
                "s3api/buckets/b/get-bucket-policy.json",
                r#"{"Error": {"Code": "NoSuchBucketPolicy"}}"#,
            ),
        ]);
        let s = import(dir.path(), &Options::default()).expect("imports");
        assert_eq!(
            s.captured_at,
            crate::snapshot::time::parse("2026-11-20T09:00:00Z").expect("t")
        );
        for kind in EntityKind::ALL {
            assert_eq!(
                s.count(kind).is_some(),
                kind == EntityKind::Storage,
                "{kind}"
            );
        }
        let b = &s.storage.as_ref().expect("storage")[0];
        assert_eq!(b.encrypted, Some(false), "not configured = off");
        assert_eq!(b.public_read, None, "ACL denied = unknown");
        assert_eq!(b.versioning, None, "not collected = unknown");
        assert_eq!(b.region.as_deref(), Some("eu-west-1"));
        let files = s.provenance.expect("provenance").files;
        assert_eq!(files.len(), 6, "{files:?}");
    }

    #[test]
    fn password_policy_is_typed_and_its_absence_means_aws_defaults() {
        let policy = |body: &str| {
            let dir = export(&[
                CAPTURE,
                IDENTITY,
                ("iam/get-account-password-policy.json", body),
            ]);
            let s = import(dir.path(), &Options::default()).expect("imports");
            s.tenant_settings.expect("settings")[0].clone()
        };
        let t = policy(
            r#"{"PasswordPolicy": {"MinimumPasswordLength": 14, "RequireSymbols": true,
                "RequireNumbers": true, "RequireUppercaseCharacters": false,
                "RequireLowercaseCharacters": true, "ExpirePasswords": true,
                "MaxPasswordAge": 90, "PasswordReusePrevention": 24, "Unknown": 1}}"#,
        );
        assert_eq!(t.service, "aws-iam");
        assert_eq!(
            t.password_policy,
            Some(PasswordPolicy {
                min_length: 14,
                require_uppercase: false,
                require_lowercase: true,
                require_numbers: true,
                require_symbols: true,
                max_age_days: Some(90),
                reuse_prevention: 24,
            })
        );
        let t = policy(r#"{"Error": {"Code": "NoSuchEntity"}}"#);
        let p = t.password_policy.expect("defaults");
        assert_eq!(
            (p.min_length, p.require_symbols, p.max_age_days),
            (8, false, None)
        );
        assert!(
            t.attributes
                .expect("attrs")
                .contains("\"custom_password_policy\":false")
        );
        let dir = export(&[
            CAPTURE,
            IDENTITY,
            (
                "iam/get-account-password-policy.json",
                r#"{"Error": {"Code": "AccessDenied"}}"#,
            ),
        ]);
        let s = import(dir.path(), &Options::default()).expect("imports");
        assert!(
            s.tenant_settings.is_none(),
            "denied = unknown, not defaults"
        );
    }

    #[test]
    fn the_account_summary_states_the_root_facts_in_the_iam_settings() {
        let dir = export(&[
            CAPTURE,
            IDENTITY,
            (
                "iam/get-account-summary.json",
                r#"{"SummaryMap": {"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0, "Users": 4}}"#,
            ),
        ]);
        let s = import(dir.path(), &Options::default()).expect("imports");
        let t = &s.tenant_settings.expect("settings")[0];
        assert_eq!(t.service, "aws-iam");
        assert_eq!(
            (t.root_mfa_enabled, t.root_access_keys_present),
            (Some(true), Some(false))
        );
        assert!(t.password_policy.is_none(), "not collected");
        assert!(s.principals.is_none(), "a summary alone lists no principal");
    }

    #[test]
    fn wrong_types_name_the_file_and_pointer() {
        let dir = export(&[
            CAPTURE,
            IDENTITY,
            (
                "rds/describe-db-instances.json",
                r#"{"DBInstances": [{"DBInstanceIdentifier": "d", "StorageEncrypted": "yes"}]}"#,
            ),
        ]);
        let e = import(dir.path(), &Options::default()).expect_err("wrong type");
        let text = e.to_string();
        assert!(text.contains("describe-db-instances.json"), "{text}");
        assert!(text.contains("/DBInstances/0/StorageEncrypted"), "{text}");
        let dir = export(&[CAPTURE, IDENTITY, ("kms/list-keys.json", "{\"Keys\": [")]);
        let e = import(dir.path(), &Options::default()).expect_err("truncated");
        assert!(e.to_string().contains("list-keys.json"), "{e}");
    }

    #[test]
    fn capture_time_and_account_are_required_from_somewhere() {
        let dir = export(&[IDENTITY]);
        let e = import(dir.path(), &Options::default()).expect_err("no time");
        assert!(e.to_string().contains("--captured-at"), "{e}");
        let ok = import(
            dir.path(),
            &Options {
                captured_at: Some(5),
                ..Options::default()
            },
        )
        .expect("given");
        assert_eq!(ok.captured_at, 5);
        let dir = export(&[CAPTURE]);
        let e = import(dir.path(), &Options::default()).expect_err("no account");
        assert!(e.to_string().contains("--account"), "{e}");
        let e = import(&dir.path().join("nope"), &Options::default()).expect_err("no dir");
        assert!(e.to_string().contains("cannot read"), "{e}");
    }

    #[test]
    fn per_user_calls_stand_in_for_a_missing_credential_report() {
        let dir = export(&[
            CAPTURE,
            IDENTITY,
            (
                "iam/get-credential-report.json",
                r#"{"Error": {"Code": "AccessDenied"}}"#,
            ),
            (
                "iam/list-users.json",
                r#"{"Users": [{"UserName": "ann", "Arn": "arn:aws:iam::111122223333:user/ann", "PasswordLastUsed": "2026-11-01T00:00:00Z"},
                              {"UserName": "bot", "Arn": "arn:aws:iam::111122223333:user/bot"}]}"#,
            ),
            (
                "iam/users/ann/list-mfa-devices.json",
                r#"{"MFADevices": []}"#,
            ),
            (
                "iam/users/ann/list-attached-user-policies.json",
                r#"{"AttachedPolicies": [{"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]}"#,
            ),
            (
                "iam/get-account-summary.json",
                r#"{"SummaryMap": {"AccountMFAEnabled": 1}}"#,
            ),
        ]);
        let s = import(dir.path(), &Options::default()).expect("imports");
        let p = s.principals.as_ref().expect("principals");
        let ann = p.iter().find(|p| p.name == "ann").expect("ann");
        assert_eq!(
            (ann.mfa_enabled, ann.admin, ann.interactive),
            (Some(false), Some(true), Some(true))
        );
        let bot = p.iter().find(|p| p.name == "bot").expect("bot");
        assert_eq!(
            (bot.mfa_enabled, bot.admin, bot.interactive),
            (None, None, None)
        );
        let root = p
            .iter()
            .find(|p| p.kind == crate::snapshot::PrincipalKind::Root)
            .expect("root");
        assert_eq!(root.mfa_enabled, Some(true));
        assert_eq!(s.grants.as_ref().map(Vec::len), Some(1));
    }

    #[test]
    fn path_escapes_in_listed_names_are_refused() {
        let dir = export(&[
            CAPTURE,
            IDENTITY,
            (
                "cloudtrail/describe-trails.json",
                r#"{"trailList": [{"Name": "../../etc"}]}"#,
            ),
        ]);
        let e = import(dir.path(), &Options::default()).expect_err("escape");
        assert!(e.to_string().contains("cannot be a directory name"), "{e}");
    }
}
