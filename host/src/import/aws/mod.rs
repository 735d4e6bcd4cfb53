//! The AWS importer: a directory of AWS CLI `--output json` answers (one file per call, in the
//! layout `examples/collect/aws.sh` writes and the AWS section of docs/import.md documents) →
//! a snapshot of one AWS account or of every account of an AWS Organization.
//!
//! Layouts: one account's answers at the export's root, its regional services either at the
//! root too (one region, named by `posture-capture.json`'s `region`) or under
//! `regions/REGION/` for each region its `regions` lists; an organisation's accounts each under
//! `accounts/ID/` (the same layout, with its own `posture-capture.json`) for each id the
//! root's `posture-capture.json` lists in `accounts`.
//!
//! A call that failed is recorded as `{"Error": {"Code": …}}`. Error codes that mean "this
//! setting is not configured" (no bucket policy, no default encryption, no public-access block,
//! no password policy, …) become that setting's absence; any other error (access denied,
//! throttling) and a missing file leave the value unknown, so checks report not-evaluable. An
//! entity kind is stated only when every account and region of the export stated it: a list
//! missing in one of them would otherwise read as that account having none.

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
mod scope;
mod shapes;
pub mod time;

use crate::import::common::{ImportError, Options, Source};
use crate::import::files::{ExportFiles, safe_component};
use crate::snapshot::{
    Account, AuditLog, BackupPlan, DataStore, Grant, Group, Key, Principal, ProtectedResource,
    Snapshot, Storage, TenantSettings,
};
use scope::Scoped;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The provenance `source_format` of this importer.
pub const SOURCE_FORMAT: &str = "aws-cli-json";

/// The file the collection script writes first: when, where and with what it collected.
pub const CAPTURE_FILE: &str = "posture-capture.json";

/// The organisation's accounts, in an organisation export.
const ORG_ACCOUNTS_FILE: &str = "organizations/list-accounts.json";

/// `posture-capture.json`.
#[derive(Debug, Deserialize)]
struct Capture {
    captured_at: time::AwsTime,
    /// The one region of a single-region export (regional answers at the root).
    #[serde(default)]
    region: Option<String>,
    /// The regions of a multi-region export (regional answers under `regions/REGION/`).
    #[serde(default)]
    regions: Option<Vec<String>>,
    /// The accounts of an organisation export (answers under `accounts/ID/`).
    #[serde(default)]
    accounts: Option<Vec<String>>,
    /// The organisation's accounts the collector could not read (no role to assume).
    #[serde(default)]
    skipped_accounts: Vec<String>,
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

/// `organizations list-accounts`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct OrgAccounts {
    #[serde(default)]
    accounts: Vec<OrgAccount>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct OrgAccount {
    id: String,
    #[serde(default)]
    name: Option<String>,
}

/// What one account's part of the export gives.
struct Part {
    account: Account,
    /// The credential report's time (a capture time when the export records none).
    report_generated: Option<i64>,
    principals: Option<Vec<Principal>>,
    groups: Option<Vec<Group>>,
    grants: Option<Vec<Grant>>,
    storage: Option<Vec<Storage>>,
    data_stores: Option<Vec<DataStore>>,
    audit_logs: Option<Vec<AuditLog>>,
    backup_plans: Option<Vec<BackupPlan>>,
    protected: Option<Vec<ProtectedResource>>,
    keys: Option<Vec<Key>>,
    tenant: Vec<TenantSettings>,
}

/// Every list when every one is known (`None` for none at all): a list unknown in one account
/// or region leaves the kind unknown, not partly listed.
fn all_known<T>(lists: impl IntoIterator<Item = Option<Vec<T>>>) -> Option<Vec<T>> {
    let mut out = Vec::new();
    let mut any = false;
    for list in lists {
        out.extend(list?);
        any = true;
    }
    any.then_some(out)
}

/// Imports the AWS export directory `root`.
pub fn import(root: &Path, options: &Options) -> Result<Snapshot, ImportError> {
    let mut files = ExportFiles::open_dir(root)?;
    let capture: Option<Capture> = files.document(CAPTURE_FILE)?;
    let mut parts = Vec::new();
    if let Some(c) = capture.as_ref().filter(|c| !c.skipped_accounts.is_empty()) {
        tracing::warn!(
            "the collector could not read {} account(s) of the organisation, left out of the \
             snapshot: {}",
            c.skipped_accounts.len(),
            c.skipped_accounts.join(", ")
        );
    }
    match capture.as_ref().and_then(|c| c.accounts.as_ref()) {
        Some(ids) => {
            let names: BTreeMap<String, String> = files
                .answer::<OrgAccounts>(ORG_ACCOUNTS_FILE)?
                .ok()
                .map(|l| {
                    l.accounts
                        .into_iter()
                        .filter_map(|a| Some((a.id, a.name?)))
                        .collect()
                })
                .unwrap_or_default();
            for id in ids {
                if !safe_component(id) {
                    return Err(ImportError::Invalid {
                        path: files.display(CAPTURE_FILE),
                        message: format!("account id `{id}` cannot be a directory name"),
                    });
                }
                let mut scoped = Scoped::new(&mut files, &format!("accounts/{id}/"));
                let own: Option<Capture> = scoped.document(CAPTURE_FILE)?;
                let mut part = account_part(&mut scoped, own.as_ref(), Some(id), options)?;
                if part.account.name.is_none() {
                    part.account.name = names.get(id).cloned();
                }
                parts.push(part);
            }
        }
        None => parts.push(account_part(
            &mut Scoped::new(&mut files, ""),
            capture.as_ref(),
            None,
            options,
        )?),
    }
    let found = capture
        .as_ref()
        .map(|c| c.captured_at.0)
        .or(parts.iter().find_map(|p| p.report_generated));
    let captured_at = crate::import::common::captured_at(
        options,
        found,
        &files.display(CAPTURE_FILE),
        "posture-capture.json or the credential report's time",
    )?;
    let source_version = capture.as_ref().and_then(|c| {
        crate::import::common::joined_version(&[c.collector.as_deref(), c.aws_cli.as_deref()])
    });
    link_trails_to_buckets(&mut parts);

    let accounts: Vec<Account> = parts.iter().map(|p| p.account.clone()).collect();
    let Some(first) = accounts.first().cloned() else {
        return Err(ImportError::Invalid {
            path: files.display(CAPTURE_FILE),
            message: "the export lists no account (`accounts` is empty)".into(),
        });
    };
    let mut snapshot = crate::import::common::snapshot_of(
        Source::Aws,
        first,
        captured_at,
        SOURCE_FORMAT,
        source_version,
        files.into_read(),
    );
    snapshot.accounts = accounts;
    let mut tenant = Vec::new();
    let (mut principals, mut groups, mut grants) = (Vec::new(), Vec::new(), Vec::new());
    let (mut storage, mut data_stores, mut audit_logs) = (Vec::new(), Vec::new(), Vec::new());
    let (mut plans, mut protected, mut keys) = (Vec::new(), Vec::new(), Vec::new());
    for p in parts {
        principals.push(p.principals);
        groups.push(p.groups);
        grants.push(p.grants);
        storage.push(p.storage);
        data_stores.push(p.data_stores);
        audit_logs.push(p.audit_logs);
        plans.push(p.backup_plans);
        protected.push(p.protected);
        keys.push(p.keys);
        tenant.extend(p.tenant);
    }
    snapshot.principals = all_known(principals);
    snapshot.groups = all_known(groups);
    snapshot.grants = all_known(grants);
    snapshot.storage = all_known(storage);
    snapshot.data_stores = all_known(data_stores);
    snapshot.audit_logs = all_known(audit_logs);
    snapshot.backup_plans = all_known(plans);
    snapshot.protected_resources = all_known(protected);
    snapshot.keys = all_known(keys);
    snapshot.tenant_settings = (!tenant.is_empty()).then_some(tenant);
    Ok(snapshot)
}

/// A trail's logs are stored immutably when its destination bucket locks new objects: the
/// bucket's `immutable` (its `get-object-lock-configuration`), the same fact the bucket
/// checks read. Bucket ARNs name no account, so a bucket of another account of the export
/// (an organisation's log-archive account) is found too.
fn link_trails_to_buckets(parts: &mut [Part]) {
    let mut locks: BTreeMap<String, Vec<(String, Option<bool>)>> = BTreeMap::new();
    for p in parts.iter() {
        for s in p.storage.iter().flatten() {
            locks
                .entry(s.id.clone())
                .or_default()
                .push((s.account.clone(), s.immutable));
        }
    }
    for p in parts.iter_mut() {
        for log in p.audit_logs.iter_mut().flatten() {
            let Some(found) = log.destination.as_ref().and_then(|d| locks.get(d)) else {
                continue;
            };
            // The bucket in the trail's own account, else the one other account holding it
            // (bucket names are global, so there is at most one in a real export).
            let same = found.iter().find(|(a, _)| *a == log.account);
            let only = match found.as_slice() {
                [one] => Some(one),
                _ => None,
            };
            log.immutable = same.or(only).and_then(|(_, locked)| *locked);
        }
    }
}

/// One account's part of the export, read through `files`; `listed` is its id when the
/// organisation export lists it (its directory's name).
fn account_part(
    files: &mut Scoped<'_>,
    capture: Option<&Capture>,
    listed: Option<&str>,
    options: &Options,
) -> Result<Part, ImportError> {
    let identity = files
        .answer::<CallerIdentity>("sts/get-caller-identity.json")?
        .ok();
    let mut iam = iam::collect(files)?;
    let account_id = match (listed, identity) {
        (Some(id), Some(who)) if who.account != id => {
            return Err(ImportError::Invalid {
                path: files.display("sts/get-caller-identity.json"),
                message: format!(
                    "collected as account {id}, but the credentials used were account {}",
                    who.account
                ),
            });
        }
        (Some(id), _) => id.to_string(),
        (None, Some(who)) => who.account,
        (None, None) => crate::import::common::account_id(
            options,
            iam.account_id.clone(),
            &files.display("sts/get-caller-identity.json"),
            "no sts/get-caller-identity.json and no IAM ARN",
        )?,
    };
    let s3 = s3::collect(files, &account_id)?;
    let keys_and_regions = regional(files, capture, &account_id)?;

    let mut tenant = Vec::new();
    tenant.extend(s3.tenant);
    tenant.extend(keys_and_regions.tenant);
    tenant.extend(iam.tenant.take());
    for p in iam.principals.iter_mut().flatten() {
        p.account.clone_from(&account_id);
    }
    for g in iam.groups.iter_mut().flatten() {
        g.account.clone_from(&account_id);
    }
    for g in iam.grants.iter_mut().flatten() {
        g.account.clone_from(&account_id);
    }
    for t in &mut tenant {
        t.account.clone_from(&account_id);
    }
    Ok(Part {
        account: Account {
            id: account_id,
            provider: "aws".into(),
            name: iam.alias,
        },
        report_generated: iam.report_generated,
        principals: iam.principals,
        groups: iam.groups,
        grants: iam.grants,
        storage: s3.buckets,
        data_stores: keys_and_regions.data_stores,
        audit_logs: keys_and_regions.audit_logs,
        backup_plans: keys_and_regions.backup_plans,
        protected: keys_and_regions.protected,
        keys: keys_and_regions.keys,
        tenant,
    })
}

/// What an account's regional services give, every region together.
struct Regional {
    data_stores: Option<Vec<DataStore>>,
    audit_logs: Option<Vec<AuditLog>>,
    backup_plans: Option<Vec<BackupPlan>>,
    protected: Option<Vec<ProtectedResource>>,
    keys: Option<Vec<Key>>,
    tenant: Vec<TenantSettings>,
}

/// Reads the regional services of every region of an account's part.
fn regional(
    files: &mut Scoped<'_>,
    capture: Option<&Capture>,
    account: &str,
) -> Result<Regional, ImportError> {
    // (sub-directory, region) of each region's answers.
    let regions: Vec<(Option<String>, Option<String>)> =
        match capture.and_then(|c| c.regions.as_ref()) {
            Some(list) => {
                let mut out = Vec::new();
                for r in list {
                    if !safe_component(r) {
                        return Err(ImportError::Invalid {
                            path: files.display(CAPTURE_FILE),
                            message: format!("region `{r}` cannot be a directory name"),
                        });
                    }
                    out.push((Some(format!("regions/{r}")), Some(r.clone())));
                }
                out
            }
            None => vec![(None, capture.and_then(|c| c.region.clone()))],
        };
    let several = regions.len() > 1;
    let (mut stores, mut trails, mut plans, mut protected, mut keys) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut tenant = Vec::new();
    for (dir, region) in &regions {
        let mut sub = match dir {
            Some(d) => files.sub(d),
            None => files.sub_root(),
        };
        let region = region.as_deref();
        trails.push(cloudtrail::collect(&mut sub, account, region)?);
        let b = backup::collect(&mut sub, account, region)?;
        plans.push(b.plans);
        protected.push(b.protected);
        keys.push(kms::collect(&mut sub, account)?);
        let service = match region {
            Some(r) if several => format!("aws-ec2/{r}"),
            _ => "aws-ec2".to_string(),
        };
        let c = compute::collect(&mut sub, account, region, &service)?;
        stores.push(c.data_stores);
        tenant.extend(c.tenant);
    }
    // A multi-region trail is listed in every region: keep one, its home region's listing.
    let audit_logs = all_known(trails).map(|listed| {
        let mut out: Vec<AuditLog> = Vec::new();
        let mut home: Vec<bool> = Vec::new();
        for l in listed {
            match out.iter().position(|o| o.id == l.log.id) {
                Some(i) if l.home && !home[i] => {
                    out[i] = l.log;
                    home[i] = true;
                }
                Some(_) => {}
                None => {
                    out.push(l.log);
                    home.push(l.home);
                }
            }
        }
        out
    });
    Ok(Regional {
        data_stores: all_known(stores),
        audit_logs,
        backup_plans: all_known(plans),
        protected: all_known(protected),
        keys: all_known(keys),
        tenant,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{EntityKind, PasswordPolicy};

    fn export(files: &[(&str, &str)]) -> tempfile::TempDir {
        crate::import::export_dir(files)
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
        assert_eq!(
            b.region, None,
            "not located: not the collecting CLI's region"
        );
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

    /// The CloudTrail answers of one trail `name` writing to bucket `logs`, with log-file
    /// validation off, as `describe-trails` lists it in `region` (`home`: its home region).
    fn trail(dir: &str, name: &str, home: &str, region: &str, kms: bool) -> Vec<(String, String)> {
        let arn = format!("arn:aws:cloudtrail:{home}:111122223333:trail/{name}");
        let kms = if kms {
            r#", "KmsKeyId": "arn:aws:kms:eu-west-1:111122223333:key/k""#
        } else {
            ""
        };
        vec![
            (
                format!("{dir}cloudtrail/describe-trails.json"),
                format!(
                    r#"{{"trailList": [{{"Name": "{name}", "TrailARN": "{arn}", "HomeRegion": "{home}",
                        "S3BucketName": "logs", "IsMultiRegionTrail": true,
                        "LogFileValidationEnabled": false, "HasCustomEventSelectors": false{kms}}}]}}"#
                ),
            ),
            (
                format!("{dir}cloudtrail/trails/{name}/get-trail-status.json"),
                if home == region {
                    r#"{"IsLogging": true}"#.to_string()
                } else {
                    r#"{"Error": {"Code": "TrailNotFoundException"}}"#.to_string()
                },
            ),
        ]
    }

    /// The answers of bucket `logs`: private, no default encryption, Object Lock as `lock`.
    fn log_bucket(dir: &str, lock: &str) -> Vec<(String, String)> {
        let b = format!("{dir}s3api/buckets/logs");
        vec![
            (
                format!("{dir}s3api/list-buckets.json"),
                r#"{"Buckets": [{"Name": "logs"}]}"#.into(),
            ),
            (
                format!("{b}/get-bucket-location.json"),
                r#"{"LocationConstraint": "eu-west-1"}"#.into(),
            ),
            (
                format!("{b}/get-bucket-acl.json"),
                r#"{"Grants": []}"#.into(),
            ),
            (
                format!("{b}/get-bucket-policy.json"),
                r#"{"Error": {"Code": "NoSuchBucketPolicy"}}"#.into(),
            ),
            (
                format!("{b}/get-bucket-encryption.json"),
                r#"{"Error": {"Code": "ServerSideEncryptionConfigurationNotFoundError"}}"#.into(),
            ),
            (
                format!("{b}/get-object-lock-configuration.json"),
                lock.into(),
            ),
        ]
    }

    fn owned(files: &[(&str, &str)]) -> Vec<(String, String)> {
        files
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    fn export_owned(files: &[(String, String)]) -> tempfile::TempDir {
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        export(&refs)
    }

    const NO_LOCK: &str = r#"{"Error": {"Code": "ObjectLockConfigurationNotFoundError"}}"#;

    #[test]
    fn the_log_bucket_states_encryption_and_lock_once_for_every_check() {
        let import_with = |lock: &str, kms: bool| {
            let mut files = owned(&[CAPTURE, IDENTITY]);
            files.extend(trail("", "main", "eu-west-1", "eu-west-1", kms));
            files.extend(log_bucket("", lock));
            let s = import(export_owned(&files).path(), &Options::default()).expect("imports");
            let log = s.audit_logs.expect("trails")[0].clone();
            let bucket = s.storage.expect("buckets")[0].clone();
            (log, bucket)
        };
        // No KMS key on the trail: the trail says nothing about encryption; the bucket says
        // it has no default encryption, and that one fact is what every check reads.
        let (log, bucket) = import_with(NO_LOCK, false);
        assert_eq!(
            log.encrypted, None,
            "not CloudTrail's default, not the trail's to say"
        );
        assert_eq!(bucket.encrypted, Some(false));
        // Validation off and no Object Lock on the bucket: the trail is known not immutable.
        assert_eq!(
            (log.integrity_validation, log.immutable, bucket.immutable),
            (Some(false), Some(false), Some(false))
        );
        assert_eq!(log.destination.as_deref(), Some(bucket.id.as_str()));
        // A KMS key on the trail encrypts its log files.
        let (log, _) = import_with(NO_LOCK, true);
        assert_eq!(log.encrypted, Some(true));
        // Object Lock with a default retention locks the logs; without one it locks nothing.
        let (log, bucket) = import_with(
            r#"{"ObjectLockConfiguration": {"ObjectLockEnabled": "Enabled",
                "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 365}}}}"#,
            false,
        );
        assert_eq!((log.immutable, bucket.immutable), (Some(true), Some(true)));
        let (log, bucket) = import_with(
            r#"{"ObjectLockConfiguration": {"ObjectLockEnabled": "Enabled"}}"#,
            false,
        );
        assert_eq!(
            (log.immutable, bucket.immutable),
            (Some(false), Some(false))
        );
        // The lock answer not collected: unknown on both.
        let (log, bucket) = import_with(r#"{"Error": {"Code": "AccessDenied"}}"#, false);
        assert_eq!((log.immutable, bucket.immutable), (None, None));
    }

    #[test]
    fn protected_resources_are_only_what_was_listed() {
        let protected = |plans: &str, listed: Option<&str>| {
            let mut files = vec![CAPTURE, IDENTITY, ("backup/list-backup-plans.json", plans)];
            if let Some(l) = listed {
                files.push(("backup/list-protected-resources.json", l));
            }
            let s = import(export(&files).path(), &Options::default()).expect("imports");
            s.protected_resources
        };
        let empty = r#"{"BackupPlansList": []}"#;
        assert_eq!(
            protected(empty, None),
            None,
            "on-demand recovery points may exist without a plan"
        );
        assert_eq!(
            protected(empty, Some(r#"{"Error": {"Code": "AccessDenied"}}"#)),
            None
        );
        assert_eq!(
            protected(empty, Some(r#"{"Results": []}"#)),
            Some(Vec::new())
        );
        let one = r#"{"BackupPlansList": [{"BackupPlanId": "p1", "BackupPlanName": "daily"}]}"#;
        assert_eq!(protected(one, None), None, "a plan may protect anything");
        let listed = protected(
            empty,
            Some(r#"{"Results": [{"ResourceArn": "arn:aws:rds:eu-west-1:111122223333:db:d", "ResourceType": "RDS"}]}"#),
        )
        .expect("listed");
        assert_eq!(listed.len(), 1, "on-demand backups are listed as they are");
        assert_eq!(
            protected(r#"{"Error": {"Code": "AccessDenied"}}"#, None),
            None
        );
    }

    #[test]
    fn buckets_are_located_by_their_answers_only() {
        let s = import(
            export(&[
                CAPTURE,
                IDENTITY,
                (
                    "s3api/list-buckets.json",
                    r#"{"Buckets": [{"Name": "a", "BucketRegion": "ap-south-1"}, {"Name": "b"}]}"#,
                ),
                (
                    "s3api/buckets/a/get-bucket-location.json",
                    r#"{"Error": {"Code": "AccessDenied"}}"#,
                ),
                (
                    "s3api/buckets/b/get-bucket-location.json",
                    r#"{"LocationConstraint": null}"#,
                ),
            ])
            .path(),
            &Options::default(),
        )
        .expect("imports");
        let regions: Vec<Option<&str>> = s
            .storage
            .as_ref()
            .expect("buckets")
            .iter()
            .map(|b| b.region.as_deref())
            .collect();
        assert_eq!(regions, vec![Some("ap-south-1"), Some("us-east-1")]);
    }

    const A: &str = "111122223333";
    const B: &str = "444455556666";

    /// An organisation export: account A read in two regions (a multi-region trail homed in
    /// eu-west-1, a volume in each region), account B in one (the log bucket `logs`).
    fn organisation() -> Vec<(String, String)> {
        let a = format!("accounts/{A}/");
        let b = format!("accounts/{B}/");
        let mut files = owned(&[
            (
                CAPTURE_FILE,
                r#"{"captured_at": "2026-11-20T09:00:00Z", "accounts": ["111122223333", "444455556666"],
                    "collector": "posture examples/collect/aws.sh 2"}"#,
            ),
            (
                ORG_ACCOUNTS_FILE,
                r#"{"Accounts": [{"Id": "111122223333", "Name": "management", "Status": "ACTIVE"},
                                 {"Id": "444455556666", "Name": "log-archive", "Status": "ACTIVE"}]}"#,
            ),
        ]);
        files.push((
            format!("{a}{CAPTURE_FILE}"),
            r#"{"captured_at": "2026-11-20T09:00:00Z", "regions": ["us-east-1", "eu-west-1"]}"#
                .into(),
        ));
        files.push((format!("{a}{}", IDENTITY.0), IDENTITY.1.into()));
        files.push((
            format!("{a}s3api/list-buckets.json"),
            r#"{"Buckets": []}"#.into(),
        ));
        files.push((
            format!("{b}{CAPTURE_FILE}"),
            r#"{"captured_at": "2026-11-20T09:00:00Z", "regions": ["eu-west-1"]}"#.into(),
        ));
        files.push((
            format!("{b}sts/get-caller-identity.json"),
            format!(r#"{{"Account": "{B}"}}"#),
        ));
        for region in ["us-east-1", "eu-west-1"] {
            let dir = format!("{a}regions/{region}/");
            files.extend(trail(&dir, "org", "eu-west-1", region, false));
            files.push((
                format!("{dir}ec2/describe-volumes.json"),
                format!(r#"{{"Volumes": [{{"VolumeId": "vol-{region}", "Encrypted": true}}]}}"#),
            ));
            files.push((
                format!("{dir}ec2/get-ebs-encryption-by-default.json"),
                format!(r#"{{"EbsEncryptionByDefault": {}}}"#, region == "eu-west-1"),
            ));
        }
        let dir = format!("{b}regions/eu-west-1/");
        files.push((
            format!("{dir}cloudtrail/describe-trails.json"),
            r#"{"trailList": []}"#.into(),
        ));
        files.push((
            format!("{dir}ec2/describe-volumes.json"),
            r#"{"Volumes": []}"#.into(),
        ));
        files.extend(log_bucket(&b, NO_LOCK));
        files
    }

    #[test]
    fn an_organisation_export_gives_every_account_and_region() {
        let s = import(export_owned(&organisation()).path(), &Options::default()).expect("imports");
        let accounts: Vec<(&str, Option<&str>)> = s
            .accounts
            .iter()
            .map(|a| (a.id.as_str(), a.name.as_deref()))
            .collect();
        assert_eq!(
            accounts,
            vec![(A, Some("management")), (B, Some("log-archive"))]
        );
        // One trail, though listed in both regions: its home region's listing, with its status.
        let logs = s.audit_logs.as_ref().expect("trails");
        assert_eq!(logs.len(), 1, "{logs:?}");
        assert_eq!((logs[0].account.as_str(), logs[0].logging), (A, Some(true)));
        // Its bucket is in the other account: its lock is still the trail's.
        assert_eq!(logs[0].immutable, Some(false));
        let volumes: Vec<(&str, &str, Option<&str>)> = s
            .data_stores
            .as_ref()
            .expect("volumes")
            .iter()
            .map(|d| (d.account.as_str(), d.name.as_str(), d.region.as_deref()))
            .collect();
        assert_eq!(
            volumes,
            vec![
                (A, "vol-us-east-1", Some("us-east-1")),
                (A, "vol-eu-west-1", Some("eu-west-1"))
            ]
        );
        let ebs: Vec<(&str, &str, Option<bool>)> = s
            .tenant_settings
            .as_ref()
            .expect("settings")
            .iter()
            .map(|t| (t.account.as_str(), t.service.as_str(), t.default_encryption))
            .collect();
        assert_eq!(
            ebs,
            vec![
                (A, "aws-ec2/us-east-1", Some(false)),
                (A, "aws-ec2/eu-west-1", Some(true))
            ]
        );
        let bucket = &s.storage.as_ref().expect("buckets")[0];
        assert_eq!(
            (bucket.account.as_str(), bucket.region.as_deref()),
            (B, Some("eu-west-1"))
        );
        // Keys were listed in no account: unknown, not none.
        assert!(s.keys.is_none());
        let paths: Vec<&str> = s
            .provenance
            .as_ref()
            .expect("provenance")
            .files
            .iter()
            .map(|f| f.path.as_str())
            .collect();
        assert!(
            paths.contains(&"accounts/111122223333/regions/eu-west-1/ec2/describe-volumes.json"),
            "{paths:?}"
        );
    }

    #[test]
    fn an_organisation_export_states_a_kind_only_when_every_account_does() {
        let mut files = organisation();
        // Account B's trails could not be listed: "A has a trail, B has none" is not known.
        files
            .retain(|(p, _)| !p.starts_with(&format!("accounts/{B}/regions/eu-west-1/cloudtrail")));
        let s = import(export_owned(&files).path(), &Options::default()).expect("imports");
        assert!(s.audit_logs.is_none());
        assert_eq!(s.data_stores.as_ref().map(Vec::len), Some(2));
    }

    #[test]
    fn an_organisation_export_refuses_an_account_read_with_another_accounts_credentials() {
        let mut files = organisation();
        for (p, body) in &mut files {
            if p == &format!("accounts/{B}/sts/get-caller-identity.json") {
                *body = format!(r#"{{"Account": "{A}"}}"#);
            }
        }
        let e = import(export_owned(&files).path(), &Options::default()).expect_err("mixed up");
        assert!(
            e.to_string().contains("collected as account 444455556666"),
            "{e}"
        );
        let mut files = organisation();
        files[0].1 = r#"{"captured_at": "2026-11-20T09:00:00Z", "accounts": ["../x"]}"#.into();
        let e = import(export_owned(&files).path(), &Options::default()).expect_err("escape");
        assert!(e.to_string().contains("cannot be a directory name"), "{e}");
    }
}
