//! Trivy's cloud cases (`conformance/trivy_cloud_cases.jsonl`): a test-side adapter from
//! Trivy's normalised AWS state (`{"aws": {"iam": {"users": [{"name": {"value": …}}]}}}`) to our
//! snapshot.
//!
//! Trivy's state is typed with defaults: a field the input leaves out holds its zero value
//! (false, empty, zero time), and the adapter reads it that way. Fields our schema has and
//! Trivy's state does not model are set as documented per entity below and in
//! `tests/conformance/trivy.toml`.

use super::{Case, realdata};
use posture::snapshot::Snapshot;
use serde_json::{Value, json};

/// The time the cases' relative timestamps were computed against (README of realdata).
pub const NOW: &str = "2026-11-22T11:33:00Z";

const ACCOUNT: &str = "000000000000";

/// A Trivy value: `{"value": x}` → x.
fn val<'a>(obj: &'a Value, key: &str) -> Option<&'a Value> {
    obj.get(key).and_then(|v| v.get("value"))
}

fn flag(obj: &Value, key: &str) -> bool {
    val(obj, key).and_then(Value::as_bool).unwrap_or(false)
}

fn text<'a>(obj: &'a Value, key: &str) -> &'a str {
    val(obj, key).and_then(Value::as_str).unwrap_or("")
}

/// A time, or null for Trivy's zero time (year 1) and absence.
fn time(obj: &Value, key: &str) -> Value {
    match val(obj, key).and_then(Value::as_str) {
        Some(t) if !t.starts_with("0001-") => Value::String(t.to_string()),
        _ => Value::Null,
    }
}

fn list<'a>(obj: &'a Value, key: &str) -> &'a [Value] {
    obj.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// IAM users. The root user is the one named `root`. A user with a last access is
/// interactive (Trivy's "logged in"); MFA is on when it has MFA devices.
fn principals(users: &[Value]) -> Value {
    let out: Vec<Value> = users
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let name = text(u, "name");
            let root = name == "root";
            let last = time(u, "lastaccess");
            let keys: Vec<Value> = list(u, "accesskeys")
                .iter()
                .enumerate()
                .map(|(j, k)| {
                    json!({
                        "id": format!("user-{i}-key-{j}"),
                        "kind": "access-key",
                        "active": flag(k, "active"),
                        "created": time(k, "creationdate"),
                        "last_used": time(k, "lastaccess"),
                    })
                })
                .collect();
            json!({
                "id": format!("user-{i}"),
                "kind": if root { "root" } else { "user" },
                "name": if name.is_empty() { format!("user-{i}") } else { name.to_string() },
                "status": "enabled",
                "interactive": root || !last.is_null(),
                "mfa_enabled": !list(u, "mfadevices").is_empty(),
                "last_sign_in": last,
                "credentials": keys,
            })
        })
        .collect();
    Value::Array(out)
}

/// CloudTrail trails: the trail exists, so it is enabled; Trivy does not model event selectors
/// or object lock, so management events are recorded and the logs are not immutable.
fn trails(trails: &[Value]) -> Value {
    Value::Array(
        trails
            .iter()
            .enumerate()
            .map(|(i, t)| {
                json!({
                    "id": format!("trail-{i}"),
                    "name": format!("trail-{i}"),
                    "service": "cloudtrail",
                    "enabled": true,
                    "logging": t.get("islogging").is_none_or(|_| flag(t, "islogging")),
                    "all_regions": flag(t, "ismultiregion"),
                    "management_events": true,
                    "integrity_validation": flag(t, "enablelogfilevalidation"),
                    "immutable": false,
                })
            })
            .collect(),
    )
}

/// KMS keys: Trivy lists the account's customer keys.
fn keys(keys: &[Value]) -> Value {
    Value::Array(
        keys.iter()
            .enumerate()
            .map(|(i, k)| {
                json!({
                    "id": format!("key-{i}"),
                    "manager": "customer",
                    "enabled": true,
                    "rotation_enabled": flag(k, "rotationenabled"),
                    "attributes": { "usage": text(k, "usage") },
                })
            })
            .collect(),
    )
}

/// A nested Trivy flag, e.g. `["encryption", "encryptstorage"]`.
fn nested_flag(obj: &Value, path: &[&str]) -> bool {
    let (last, parents) = path.split_last().expect("a path");
    let mut at = obj;
    for p in parents {
        match at.get(*p) {
            Some(v) => at = v,
            None => return false,
        }
    }
    flag(at, last)
}

/// Where each kind of data store sits in Trivy's state, and the flag saying it is encrypted
/// at rest: (service, list, our kind, encryption flag path).
const STORES: &[(&str, &str, &str, &[&str])] = &[
    (
        "rds",
        "instances",
        "database",
        &["encryption", "encryptstorage"],
    ),
    (
        "rds",
        "clusters",
        "database",
        &["encryption", "encryptstorage"],
    ),
    ("documentdb", "clusters", "database", &["storageencrypted"]),
    ("neptune", "clusters", "database", &["storageencrypted"]),
    (
        "dynamodb",
        "daxclusters",
        "cache",
        &["serversideencryption", "enabled"],
    ),
    (
        "elasticache",
        "replicationgroups",
        "cache",
        &["atrestencryptionenabled"],
    ),
    (
        "elasticsearch",
        "domains",
        "other",
        &["atrestencryption", "enabled"],
    ),
    ("msk", "clusters", "other", &["encryptionatrest", "enabled"]),
    ("ec2", "volumes", "volume", &["encryption", "enabled"]),
    ("efs", "filesystems", "file-system", &["encrypted"]),
];

/// Data stores: databases, caches, search domains, Kafka clusters, volumes (including EC2
/// instances' block devices and WorkSpaces' volumes) and file systems.
fn data_stores(aws: &Value) -> Value {
    let mut out = Vec::new();
    let mut push = |id: String, kind: &str, encrypted: bool, retention: Option<u64>| {
        let mut store = json!({"id": id, "kind": kind, "name": id, "encrypted": encrypted});
        if let Some(days) = retention {
            store["backup_retention_days"] = json!(days);
        }
        out.push(store);
    };
    for (service, key, kind, flag_path) in STORES {
        let Some(section) = aws.get(*service) else {
            continue;
        };
        for (i, item) in list(section, key).iter().enumerate() {
            let retention = (*service == "rds").then(|| {
                val(item, "backupretentionperioddays")
                    .and_then(Value::as_u64)
                    .unwrap_or(0)
            });
            push(
                format!("{service}-{key}-{i}"),
                kind,
                nested_flag(item, flag_path),
                retention,
            );
        }
    }
    if let Some(ec2) = aws.get("ec2") {
        // Instances' volumes, and the volumes every instance a launch configuration starts
        // will get.
        for (key, prefix) in [
            ("instances", "instance"),
            ("launchconfigurations", "launch-config"),
        ] {
            for (i, item) in list(ec2, key).iter().enumerate() {
                let root = item
                    .get("rootblockdevice")
                    .map(|d| (format!("{prefix}-{i}-root"), d));
                let ebs = list(item, "ebsblockdevices")
                    .iter()
                    .enumerate()
                    .map(|(j, d)| (format!("{prefix}-{i}-ebs-{j}"), d));
                for (id, device) in root.into_iter().chain(ebs) {
                    push(id, "volume", flag(device, "encrypted"), None);
                }
            }
        }
    }
    if let Some(athena) = aws.get("athena") {
        // Query results of databases and workgroups: encrypted when a type is set.
        for key in ["databases", "workgroups"] {
            for (i, w) in list(athena, key).iter().enumerate() {
                let encrypted = w
                    .get("encryption")
                    .is_some_and(|e| !text(e, "type").is_empty());
                push(format!("athena-{key}-{i}"), "other", encrypted, None);
            }
        }
    }
    if let Some(codebuild) = aws.get("codebuild") {
        // Build artifacts (the project's and its secondary ones).
        for (i, p) in list(codebuild, "projects").iter().enumerate() {
            let settings = p.get("artifactsettings").into_iter();
            for (j, a) in settings
                .chain(list(p, "secondaryartifactsettings"))
                .enumerate()
            {
                push(
                    format!("codebuild-{i}-artifacts-{j}"),
                    "other",
                    flag(a, "encryptionenabled"),
                    None,
                );
            }
        }
    }
    if let Some(emr) = aws.get("emr") {
        // Security configurations: a JSON document; at-rest encryption is one flag in it.
        for (i, c) in list(emr, "securityconfiguration").iter().enumerate() {
            let doc: Value = serde_json::from_str(text(c, "configuration")).unwrap_or(Value::Null);
            let encrypted = doc["EncryptionConfiguration"]["EnableAtRestEncryption"] == json!(true);
            push(format!("emr-config-{i}"), "other", encrypted, None);
        }
    }
    if let Some(sqs) = aws.get("sqs") {
        // Queues: SQS-managed encryption or a KMS key.
        for (i, q) in list(sqs, "queues").iter().enumerate() {
            let e = q.get("encryption").cloned().unwrap_or(Value::Null);
            let encrypted = flag(&e, "managedencryption") || !text(&e, "kmskeyid").is_empty();
            push(format!("sqs-queue-{i}"), "other", encrypted, None);
        }
    }
    if let Some(ws) = aws.get("workspaces") {
        for (i, w) in list(ws, "workspaces").iter().enumerate() {
            for part in ["rootvolume", "uservolume"] {
                if let Some(v) = w.get(part) {
                    push(
                        format!("workspace-{i}-{part}"),
                        "volume",
                        nested_flag(v, &["encryption", "enabled"]),
                        None,
                    );
                }
            }
        }
    }
    Value::Array(out)
}

/// Canned ACLs that open a bucket to everyone (or every AWS user).
fn acl_public(acl: &str) -> (bool, bool) {
    match acl {
        "public-read" | "website" | "authenticated-read" => (true, false),
        "public-read-write" => (true, true),
        _ => (false, false),
    }
}

fn buckets(buckets: &[Value]) -> Value {
    Value::Array(
        buckets
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let pab = b.get("publicaccessblock");
                let ignore_acls = pab.is_some_and(|p| flag(p, "ignorepublicacls"));
                let (read, write) = if ignore_acls {
                    (false, false)
                } else {
                    acl_public(text(b, "acl"))
                };
                let enc = b.get("encryption").cloned().unwrap_or(Value::Null);
                // Trivy's zero value: a bucket without a block has every setting off.
                let none = Value::Null;
                let p = pab.unwrap_or(&none);
                let block = json!({
                    "block_public_acls": flag(p, "blockpublicacls"),
                    "ignore_public_acls": flag(p, "ignorepublicacls"),
                    "block_public_policy": flag(p, "blockpublicpolicy"),
                    "restrict_public_buckets": flag(p, "restrictpublicbuckets"),
                });
                json!({
                    "id": format!("bucket-{i}"),
                    "kind": "bucket",
                    "name": text(b, "name"),
                    "public_read": read,
                    "public_write": write,
                    "public_access_block": block,
                    "encrypted": flag(&enc, "enabled"),
                    "versioning": b.get("versioning").is_some_and(|v| flag(v, "enabled")),
                })
            })
            .collect(),
    )
}

/// The account's IAM password policy (`aws.iam.passwordpolicy`), when the state has one.
/// Trivy's zero values: 0 length, no requirement, a max age of 0 (no expiry), no reuse
/// prevention.
fn tenant_settings(iam: Option<&Value>) -> Value {
    let Some(p) = iam.and_then(|i| i.get("passwordpolicy")) else {
        return json!([]);
    };
    let num = |key: &str| val(p, key).and_then(Value::as_u64).unwrap_or(0);
    let max_age = num("maxagedays");
    json!([{
        "service": "aws-iam",
        "password_policy": {
            "min_length": num("minimumlength"),
            "require_uppercase": flag(p, "requireuppercase"),
            "require_lowercase": flag(p, "requirelowercase"),
            "require_numbers": flag(p, "requirenumbers"),
            "require_symbols": flag(p, "requiresymbols"),
            "max_age_days": if max_age == 0 { Value::Null } else { json!(max_age) },
            "reuse_prevention": num("reusepreventioncount"),
        },
    }])
}

/// Converts one case's input into a snapshot.
pub fn snapshot(input: &Value) -> Result<Snapshot, String> {
    let aws = input.get("aws").ok_or("not an AWS case")?;
    let mut doc = json!({
        "schema": "posture.snapshot/v1",
        "captured_at": NOW,
        "accounts": [{"id": ACCOUNT, "provider": "aws"}],
    });
    // Trivy's state is complete: a service the input leaves out has no resources.
    let of = |service: &str, key: &str| aws.get(service).map(|s| list(s, key)).unwrap_or(&[]);
    doc["principals"] = principals(of("iam", "users"));
    doc["audit_logs"] = trails(of("cloudtrail", "trails"));
    doc["keys"] = keys(of("kms", "keys"));
    doc["data_stores"] = data_stores(aws);
    doc["storage"] = buckets(of("s3", "buckets"));
    doc["tenant_settings"] = tenant_settings(aws.get("iam"));
    let bytes = serde_json::to_vec(&doc).map_err(|e| e.to_string())?;
    posture::snapshot::from_slice(&bytes, "trivy case").map_err(|e| e.to_string())
}

/// Every case of the suite (AWS and others; non-AWS controls are simply not covered).
pub fn cases() -> Vec<Case> {
    let path = realdata().join("conformance/trivy_cloud_cases.jsonl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let now = posture::snapshot::time::parse(NOW).expect("NOW parses");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let case: Value = serde_json::from_str(line).expect("a JSON case per line");
            let control = case["check_id"].as_str().unwrap_or("?").to_string();
            Case {
                name: case["test"].as_str().unwrap_or("?").to_string(),
                snapshot: snapshot(&case["input"]),
                now,
                peer_fails: case["expected_deny"]
                    .as_array()
                    .is_some_and(|d| !d.is_empty()),
                control,
                resource: None,
            }
        })
        .collect()
}
