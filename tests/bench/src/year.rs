//! A year of a small company's snapshots with planted events, for the evidence tests and
//! `make demo-history` (issue 17): a clean AWS account in which, over 2026,
//!
//! - an administrator without MFA appears on day 30 and gets MFA on day 45 (the action
//!   plan's 30-day deadline for a high-severity failure: met);
//! - a bucket is made public on day 60 and fixed on day 110 (late);
//! - an employee departs on day 100 and the account is never disabled (open, overdue);
//! - a new administrator is added each quarter (days 91, 182 and 273: privileges rising);
//! - no run is recorded from day 190 to day 251 (an evidence gap of two months).
//!
//! Runs are weekly (days 0, 7, …, 364) plus one on each event day, none in the gap. Every
//! time in a snapshot is relative to its run, so nothing else ages into a failure. The same
//! day always gives the same bytes.

use serde_json::{Value, json};

/// The AWS account of the company.
pub const ACCOUNT: &str = "210987654321";
/// Day 0: 2026-01-05T09:00:00Z (a Monday).
pub const START: i64 = 1_767_603_600;
const DAY: i64 = 86_400;

/// The administrator without MFA (days 30 to 44).
pub const ADMIN_WITHOUT_MFA: &str = "AIDAYEARMALLORY";
/// Day the administrator without MFA appears, and day it is fixed.
pub const ADMIN_WITHOUT_MFA_DAYS: (u32, u32) = (30, 45);
/// The bucket made public (days 60 to 109).
pub const PUBLIC_BUCKET: &str = "year-exports";
/// Day the bucket is made public, and day it is fixed.
pub const PUBLIC_BUCKET_DAYS: (u32, u32) = (60, 110);
/// The employee who departs on [`DEPARTED_DAY`] and is never disabled.
pub const DEPARTED: &str = "AIDAYEARDANA";
/// The day they depart.
pub const DEPARTED_DAY: u32 = 100;
/// Days a new administrator is added, and their ids.
pub const NEW_ADMINS: [(u32, &str); 3] = [
    (91, "AIDAYEARQ2ADMIN"),
    (182, "AIDAYEARQ3ADMIN"),
    (273, "AIDAYEARQ4ADMIN"),
];
/// The stretch without runs: no run on these days (inclusive).
pub const GAP_DAYS: (u32, u32) = (190, 251);
/// Days of the year.
pub const DAYS: u32 = 365;

/// RFC 3339 UTC.
fn at(t: i64) -> String {
    posture_sdk::finding::rfc3339(t)
}

/// The time of `day` (09:00 UTC).
pub fn now_of(day: u32) -> i64 {
    START + i64::from(day) * DAY
}

/// The days a run is recorded, in order.
pub fn run_days() -> Vec<u32> {
    let events = [
        ADMIN_WITHOUT_MFA_DAYS.0,
        ADMIN_WITHOUT_MFA_DAYS.1,
        PUBLIC_BUCKET_DAYS.0,
        PUBLIC_BUCKET_DAYS.1,
        DEPARTED_DAY,
    ];
    let mut days: Vec<u32> = (0..DAYS)
        .filter(|d| d % 7 == 0 || events.contains(d))
        .filter(|d| !(GAP_DAYS.0..=GAP_DAYS.1).contains(d))
        .collect();
    days.dedup();
    days
}

fn person(id: &str, name: &str, now: i64, admin: bool, mfa: bool) -> Value {
    json!({
        "id": id,
        "account": ACCOUNT,
        "kind": "user",
        "name": name,
        "login": name,
        "status": "enabled",
        "admin": admin,
        "interactive": true,
        "mfa_enabled": mfa,
        "mfa_methods": if mfa { json!(["fido2"]) } else { json!([]) },
        "created": "2025-01-06T09:00:00Z",
        "last_sign_in": at(now - 2 * DAY),
        "credentials": [{
            "id": "password", "kind": "password", "active": true,
            "created": at(now - 30 * DAY), "last_used": at(now - 2 * DAY),
        }],
        "identity_source": "local",
        "employment": "active",
        "tags": [],
    })
}

fn bucket(id: &str, public: bool) -> Value {
    json!({
        "id": id,
        "account": ACCOUNT,
        "kind": "bucket",
        "name": id,
        "region": "eu-central-1",
        "public_read": public,
        "public_write": false,
        "public_access_block": {
            "block_public_acls": !public, "ignore_public_acls": !public,
            "block_public_policy": !public, "restrict_public_buckets": !public,
        },
        "encrypted": true,
        "encryption_key": format!("arn:aws:kms:eu-central-1:{ACCOUNT}:key/year-data"),
        "transport_encryption_enforced": true,
        "versioning": true,
        "immutable": false,
        "tags": [],
    })
}

/// The company's snapshot on `day`.
pub fn snapshot(day: u32) -> Value {
    let now = now_of(day);
    let mut admins = vec!["AIDAYEARALICE", "AIDAYEARBOB"];
    let mut principals = vec![
        json!({
            "id": "year-root", "account": ACCOUNT, "kind": "root", "name": "root",
            "login": "aws@year.example", "status": "enabled", "admin": true, "interactive": true,
            "mfa_enabled": true, "mfa_methods": ["fido2"], "created": "2025-01-06T09:00:00Z",
            "last_sign_in": at(now - 40 * DAY),
            "credentials": [{"id": "password", "kind": "password", "active": true, "created": "2025-01-06T09:00:00Z"}],
            "identity_source": "local", "tags": [],
        }),
        person("AIDAYEARALICE", "alice.owner", now, true, true),
        person("AIDAYEARBOB", "bob.ops", now, true, true),
        person("AIDAYEARCARL", "carl.dev", now, false, true),
    ];
    let mut dana = person(DEPARTED, "dana.sales", now, false, true);
    if day >= DEPARTED_DAY {
        // departed, never disabled; her last sign-in stays on her last day
        dana["employment"] = json!("departed");
        let last = at(now_of(DEPARTED_DAY) - DAY);
        dana["last_sign_in"] = json!(last);
        dana["credentials"][0]["last_used"] = json!(last);
    }
    principals.push(dana);
    if (ADMIN_WITHOUT_MFA_DAYS.0..).contains(&day) {
        let fixed = day >= ADMIN_WITHOUT_MFA_DAYS.1;
        principals.push(person(
            ADMIN_WITHOUT_MFA,
            "mallory.contractor",
            now,
            true,
            fixed,
        ));
        admins.push(ADMIN_WITHOUT_MFA);
    }
    for (from, id) in NEW_ADMINS {
        if day >= from {
            principals.push(person(id, &id.to_lowercase(), now, true, true));
            admins.push(id);
        }
    }
    let public = (PUBLIC_BUCKET_DAYS.0..PUBLIC_BUCKET_DAYS.1).contains(&day);
    json!({
        "schema": "posture.snapshot/v1",
        "captured_at": at(now - 3_600),
        "accounts": [{"id": ACCOUNT, "provider": "aws", "name": "year-prod"}],
        "provenance": {"tool": "posture-bench year generator", "source_format": "posture.snapshot/v1"},
        "principals": principals,
        "groups": [
            {"id": "AGPAYEARADMINS", "account": ACCOUNT, "kind": "group", "name": "Admins", "admin": true, "members": admins},
            {"id": "AGPAYEARDEVS", "account": ACCOUNT, "kind": "group", "name": "Developers", "admin": false, "members": ["AIDAYEARCARL", DEPARTED]},
        ],
        "grants": [
            {"id": "g-admins", "account": ACCOUNT, "subject_kind": "group", "subject_id": "AGPAYEARADMINS", "permission": "AdministratorAccess", "scope": "*", "admin": true},
            {"id": "g-devs", "account": ACCOUNT, "subject_kind": "group", "subject_id": "AGPAYEARDEVS", "permission": "PowerUserAccess", "scope": "*", "admin": false},
        ],
        "storage": [bucket("year-prod-data", false), bucket("year-audit-logs", false), bucket(PUBLIC_BUCKET, public)],
        "data_stores": [{
            "id": format!("arn:aws:rds:eu-central-1:{ACCOUNT}:db:year-prod"), "account": ACCOUNT,
            "kind": "database", "name": "year-prod", "engine": "postgres", "region": "eu-central-1",
            "encrypted": true, "encryption_key": format!("arn:aws:kms:eu-central-1:{ACCOUNT}:key/year-data"),
            "publicly_accessible": false, "backup_retention_days": 14, "tags": [],
        }],
        "audit_logs": [{
            "id": format!("arn:aws:cloudtrail:eu-central-1:{ACCOUNT}:trail/org-trail"), "account": ACCOUNT,
            "name": "org-trail", "service": "cloudtrail", "enabled": true, "logging": true,
            "all_regions": true, "management_events": true, "retention_days": 365,
            "integrity_validation": true, "immutable": true, "destination": "year-audit-logs",
            "encrypted": true, "encryption_key": format!("arn:aws:kms:eu-central-1:{ACCOUNT}:key/year-data"),
        }],
        "backup_plans": [{
            "id": "plan-daily", "account": ACCOUNT, "name": "daily-35d", "retention_days": 35,
            "frequency_hours": 24, "vault": "year-vault", "vault_locked": true,
            "cross_region_copy": true, "cross_account_copy": false,
        }],
        "protected_resources": [
            {"resource_id": format!("arn:aws:rds:eu-central-1:{ACCOUNT}:db:year-prod"), "account": ACCOUNT, "resource_kind": "database", "plan_id": "plan-daily", "last_backup": at(now - 10 * 3_600)},
            {"resource_id": "year-prod-data", "account": ACCOUNT, "resource_kind": "storage", "plan_id": "plan-daily", "last_backup": at(now - 10 * 3_600)},
        ],
        "keys": [{
            "id": format!("arn:aws:kms:eu-central-1:{ACCOUNT}:key/year-data"), "account": ACCOUNT,
            "name": "alias/year-data", "manager": "customer", "enabled": true,
            "rotation_enabled": true, "rotation_period_days": 365,
            "last_rotated": at(now - 100 * DAY), "created": "2025-01-06T09:00:00Z",
        }],
        "shares": [],
        "tenant_settings": [
            {"account": ACCOUNT, "service": "aws-s3", "public_access_block": {"block_public_acls": true, "ignore_public_acls": true, "block_public_policy": true, "restrict_public_buckets": true}},
            {"account": ACCOUNT, "service": "aws-ec2", "default_encryption": true},
            {"account": ACCOUNT, "service": "aws-iam", "password_policy": {"min_length": 16, "require_uppercase": true, "require_lowercase": true, "require_numbers": true, "require_symbols": true, "max_age_days": 90, "reuse_prevention": 24}},
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_has_the_gap_and_the_event_days() {
        let days = run_days();
        assert!(days.windows(2).all(|w| w[0] < w[1]));
        assert!(!days.iter().any(|d| (GAP_DAYS.0..=GAP_DAYS.1).contains(d)));
        for d in [30, 45, 60, 110, 100, 91, 182, 273] {
            assert!(days.contains(&d), "day {d}");
        }
        let (before, after) = (189, 252);
        assert!(days.contains(&before) && days.contains(&after));
    }

    #[test]
    fn planted_events_show_in_the_snapshots() {
        let has = |day: u32, id: &str| {
            snapshot(day)["principals"]
                .as_array()
                .is_some_and(|p| p.iter().any(|p| p["id"] == id))
        };
        assert!(!has(29, ADMIN_WITHOUT_MFA) && has(30, ADMIN_WITHOUT_MFA));
        let mallory = |day: u32| {
            snapshot(day)["principals"]
                .as_array()
                .and_then(|p| p.iter().find(|p| p["id"] == ADMIN_WITHOUT_MFA).cloned())
        };
        assert_eq!(
            mallory(44).map(|m| m["mfa_enabled"].clone()),
            Some(json!(false))
        );
        assert_eq!(
            mallory(45).map(|m| m["mfa_enabled"].clone()),
            Some(json!(true))
        );
        assert_eq!(snapshot(60)["storage"][2]["public_read"], true);
        assert_eq!(snapshot(110)["storage"][2]["public_read"], false);
        assert_eq!(
            snapshot(364)["groups"][0]["members"]
                .as_array()
                .map(Vec::len),
            Some(6)
        );
        assert_eq!(snapshot(5), snapshot(5), "deterministic");
    }
}
