//! Deterministic synthetic enterprise snapshots at any scale, with realistic proportions of
//! problems: a few percent of administrators, some without MFA, stale and departed accounts,
//! old access keys, public and unencrypted storage, links shared with anyone.
//!
//! The same `(principals, shares, seed)` always gives the same bytes, so results can be
//! compared across runs and machines.

use serde_json::{Value, json};

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    /// Identities (people, services, root and break-glass accounts).
    pub principals: usize,
    /// Sharing grants on files, folders and sites.
    pub shares: usize,
    /// Seed of the pseudo-random choices.
    pub seed: u64,
}

/// The `now` the snapshots are generated for (2026-11-22T12:00:00Z); scans use the same.
pub const NOW: i64 = 1_795_348_800;
const DAY: i64 = 86_400;
const AWS: &str = "100000000001";
const M365: &str = "synthetic.onmicrosoft.com";

/// A small, fast, deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: f64) -> bool {
        (self.next() % 10_000) as f64 / 100.0 < percent
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// A time `0..max_days` days before now.
    fn days_ago(&mut self, max_days: u64) -> String {
        rfc3339(NOW - (self.below(max_days * DAY as u64) as i64))
    }
}

/// RFC 3339 UTC, as snapshots write times.
fn rfc3339(t: i64) -> String {
    posture_sdk::finding::rfc3339(t)
}

fn principal(r: &mut Rng, i: usize) -> Value {
    let aws = i.is_multiple_of(2);
    let account = if aws { AWS } else { M365 };
    let service = r.chance(3.0);
    let admin = !service && r.chance(3.0);
    let kind = if i == 0 {
        "root"
    } else if i == 2 || i == 4 {
        "break-glass"
    } else if service {
        "service"
    } else {
        "user"
    };
    let mut p = json!({
        "id": format!("p{i}"),
        "account": account,
        "kind": kind,
        "name": format!("user{i}"),
        "login": format!("user{i}@synthetic.example"),
        "status": if r.chance(5.0) { "disabled" } else { "enabled" },
        "admin": admin || kind == "root",
        "interactive": !service,
        "created": r.days_ago(5 * 365),
        "credentials": [],
        "identity_source": if aws { "local" } else { "sso" },
        "tags": [{ "key": "team", "value": format!("team{}", i % 40) }],
    });
    // MFA: mostly on, some off, a few unknown (field absent).
    if !r.chance(3.0) {
        p["mfa_enabled"] = json!(!r.chance(12.0));
    }
    // Sign-ins: mostly recent, some stale, a few never recorded.
    if !r.chance(5.0) {
        p["last_sign_in"] = json!(if r.chance(15.0) {
            rfc3339(NOW - (91 + r.below(300) as i64) * DAY)
        } else {
            r.days_ago(60)
        });
    }
    p["employment"] = json!(if r.chance(2.0) {
        "departed"
    } else if r.chance(1.0) {
        "on-leave"
    } else {
        "active"
    });
    if aws && r.chance(40.0) {
        p["credentials"] = json!([{
            "id": format!("AKIA{i:016}"),
            "kind": "access-key",
            "active": !r.chance(10.0),
            "created": r.days_ago(500),
            "last_used": r.days_ago(120),
        }]);
    }
    if !aws && r.chance(5.0) {
        p["guest"] = json!(true);
        if r.chance(60.0) {
            p["access_expires"] = json!(rfc3339(NOW + r.below(90) as i64 * DAY));
        }
    }
    p
}

fn share(r: &mut Rng, i: usize, principals: usize) -> Value {
    let roll = r.below(100);
    let (audience, domains): (&str, Vec<&str>) = match roll {
        0 => ("public", vec![]),
        1..=4 => ("anyone-with-link", vec![]),
        5..=19 => (
            "external-domain",
            if r.chance(50.0) {
                vec!["partner.example"]
            } else {
                vec!["gmail.com"]
            },
        ),
        20..=29 => ("external-user", vec!["contractor.example"]),
        _ => ("internal", vec![]),
    };
    let kind = ["file", "file", "file", "folder", "site"][r.below(5) as usize];
    json!({
        "id": format!("s{i}"),
        "account": M365,
        "item_id": format!("item{i}"),
        "item_name": format!("Document {i}.docx"),
        "item_kind": kind,
        "owner": format!("p{}", r.below(principals as u64) | 1),
        "audience": audience,
        "domains": domains,
        "permission": if r.chance(20.0) { "write" } else { "read" },
        "created": r.days_ago(700),
    })
}

fn storage(r: &mut Rng, i: usize) -> Value {
    let public = r.chance(2.0);
    json!({
        "id": format!("bucket-{i}"),
        "account": AWS,
        "kind": "bucket",
        "name": format!("bucket-{i}"),
        "region": "eu-west-1",
        "public_read": public,
        "public_write": false,
        "public_access_block": {
            "block_public_acls": !public,
            "ignore_public_acls": !public,
            "block_public_policy": !public,
            "restrict_public_buckets": !public,
        },
        "encrypted": !r.chance(10.0),
        "transport_encryption_enforced": !r.chance(30.0),
        "versioning": !r.chance(40.0),
        "immutable": r.chance(10.0),
        "tags": [{ "key": "criticality", "value": if r.chance(20.0) { "high" } else { "low" } }],
    })
}

/// The snapshot as JSON, built in memory.
pub fn snapshot(scale: Scale) -> Value {
    let mut r = Rng(scale.seed);
    let n = scale.principals.max(10);
    let principals: Vec<Value> = (0..n).map(|i| principal(&mut r, i)).collect();
    let groups: Vec<Value> = (0..n / 50 + 1)
        .map(|g| {
            let members: Vec<String> = (0..20).map(|_| format!("p{}", r.below(n as u64))).collect();
            json!({
                "id": format!("g{g}"), "account": AWS, "kind": "group",
                "name": format!("group{g}"), "admin": g % 25 == 0, "members": members,
            })
        })
        .collect();
    let grants: Vec<Value> = (0..n / 20 + 1)
        .map(|g| {
            let direct = r.chance(30.0);
            json!({
                "id": format!("grant{g}"), "account": AWS,
                "subject_kind": if direct { "principal" } else { "group" },
                "subject_id": if direct { format!("p{}", r.below(n as u64)) } else { format!("g{}", r.below((n / 50 + 1) as u64)) },
                "permission": if r.chance(10.0) { "AdministratorAccess" } else { "ReadOnlyAccess" },
                "scope": "*",
                "admin": r.chance(10.0),
            })
        })
        .collect();
    let storage: Vec<Value> = (0..n / 10 + 1).map(|i| storage(&mut r, i)).collect();
    let data_stores: Vec<Value> = (0..n / 100 + 1)
        .map(|i| {
            json!({
                "id": format!("db-{i}"), "account": AWS,
                "kind": if i % 3 == 0 { "volume" } else { "database" },
                "name": format!("db-{i}"), "engine": "postgres", "region": "eu-west-1",
                "encrypted": !r.chance(8.0), "publicly_accessible": r.chance(2.0),
                "backup_retention_days": r.below(35), "tags": [],
            })
        })
        .collect();
    let mut protected = Vec::new();
    for i in 0..n / 100 + 1 {
        if r.chance(80.0) {
            protected.push(json!({
                "resource_id": format!("db-{i}"), "account": AWS, "resource_kind": "database",
                "plan_id": "plan-daily", "last_backup": r.days_ago(3),
            }));
        }
    }
    let keys: Vec<Value> = (0..n / 100 + 1)
        .map(|i| {
            json!({
                "id": format!("key-{i}"), "account": AWS, "name": format!("alias/key-{i}"),
                "manager": "customer", "enabled": true, "rotation_enabled": !r.chance(20.0),
                "rotation_period_days": 365, "created": r.days_ago(1000),
            })
        })
        .collect();
    let shares: Vec<Value> = (0..scale.shares).map(|i| share(&mut r, i, n)).collect();
    json!({
        "schema": "posture.snapshot/v1",
        "captured_at": rfc3339(NOW - DAY),
        "accounts": [
            { "id": AWS, "provider": "aws", "name": "synthetic-prod" },
            { "id": M365, "provider": "m365", "name": "Synthetic Corp" },
        ],
        "provenance": { "tool": "posture-bench generator", "source_format": "posture.snapshot/v1" },
        "principals": principals,
        "groups": groups,
        "grants": grants,
        "storage": storage,
        "data_stores": data_stores,
        "audit_logs": [
            {
                "id": "trail-org", "account": AWS, "name": "org-trail", "service": "cloudtrail",
                "enabled": true, "logging": true, "all_regions": true, "management_events": true,
                "retention_days": 365, "integrity_validation": true, "immutable": false,
                "destination": "bucket-0", "encrypted": true, "last_delivery": rfc3339(NOW - 3600),
            },
            {
                "id": "m365-audit", "account": M365, "name": "unified audit log", "service": "m365-unified-audit",
                "enabled": true, "logging": true, "retention_days": 90, "last_delivery": rfc3339(NOW - 7200),
            },
        ],
        "backup_plans": [{
            "id": "plan-daily", "account": AWS, "name": "daily", "retention_days": 35,
            "frequency_hours": 24, "vault": "vault", "vault_locked": false,
            "cross_region_copy": true, "cross_account_copy": false,
        }],
        "protected_resources": protected,
        "keys": keys,
        "shares": shares,
        "tenant_settings": [
            { "account": AWS, "service": "aws-s3", "public_access_block": {
                "block_public_acls": true, "ignore_public_acls": true,
                "block_public_policy": true, "restrict_public_buckets": false } },
            { "account": M365, "service": "sharepoint", "external_sharing": "anyone",
              "audit_logging_enabled": true, "guest_expiry_enabled": false, "mfa_enforced": true },
        ],
    })
}

/// How many entities of each kind one day changes, per percent of the day's change: calibrated
/// on the generator's proportions so that `percent` is about the share of *findings* that
/// change (a principal carries about a dozen findings, of which a change touches one or two; a
/// share or bucket carries one or two, all of which a change touches).
const PRINCIPALS_PER_PERCENT: f64 = 1.0;
const SHARES_PER_PERCENT: f64 = 1.0;
const STORAGE_PER_PERCENT: f64 = 1.0;

/// The snapshot of day `day` of a synthetic year: `base` (day 0) with the changes of days
/// `1..=day` applied in order. Deterministic: the same base, day and percent always give the
/// same snapshot.
pub fn day_variant(base: &Value, day: u32, percent: f64) -> Value {
    let mut v = base.clone();
    for d in 1..=day {
        advance_day(&mut v, d, percent);
    }
    v
}

/// Applies day `day`'s changes to the previous day's snapshot: about `percent` % of the
/// principals, shares and buckets, chosen and changed pseudo-randomly from the day number,
/// each one flipping MFA, its last sign-in (recent ↔ stale) or employment (principals), its
/// audience (shares: internal ↔ anyone-with-the-link) or encryption (buckets).
pub fn advance_day(snapshot: &mut Value, day: u32, percent: f64) {
    let mut r = Rng(0xDA7_0000_0000 ^ u64::from(day).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let stale_before = rfc3339(NOW - 90 * DAY);
    let pick = |r: &mut Rng, n: usize, per_percent: f64| -> Vec<usize> {
        let k = (n as f64 * percent / 100.0 * per_percent).round() as usize;
        (0..k).map(|_| r.below(n as u64) as usize).collect()
    };
    if let Some(ps) = snapshot["principals"].as_array_mut() {
        for i in pick(&mut r, ps.len(), PRINCIPALS_PER_PERCENT) {
            let p = &mut ps[i];
            match r.below(3) {
                0 => {
                    let on = p["mfa_enabled"].as_bool().unwrap_or(false);
                    p["mfa_enabled"] = json!(!on);
                }
                1 => {
                    let stale = p["last_sign_in"]
                        .as_str()
                        .is_none_or(|t| t < stale_before.as_str());
                    p["last_sign_in"] = json!(if stale {
                        r.days_ago(60)
                    } else {
                        rfc3339(NOW - (91 + r.below(300) as i64) * DAY)
                    });
                }
                _ => {
                    let departed = p["employment"] == "departed";
                    p["employment"] = json!(if departed { "active" } else { "departed" });
                }
            }
        }
    }
    if let Some(shares) = snapshot["shares"].as_array_mut() {
        for i in pick(&mut r, shares.len(), SHARES_PER_PERCENT) {
            let s = &mut shares[i];
            let internal = s["audience"] == "internal";
            s["audience"] = json!(if internal {
                "anyone-with-link"
            } else {
                "internal"
            });
            s["domains"] = json!([]);
        }
    }
    if let Some(storage) = snapshot["storage"].as_array_mut() {
        for i in pick(&mut r, storage.len(), STORAGE_PER_PERCENT) {
            let b = &mut storage[i];
            let on = b["encrypted"].as_bool().unwrap_or(false);
            b["encrypted"] = json!(!on);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic_and_loads_as_a_valid_snapshot() {
        let scale = Scale {
            principals: 200,
            shares: 500,
            seed: 7,
        };
        let a = serde_json::to_vec(&snapshot(scale)).expect("json");
        let b = serde_json::to_vec(&snapshot(scale)).expect("json");
        assert_eq!(a, b);
        let snap = posture::snapshot::from_slice(&a, "synthetic").expect("a valid snapshot");
        assert_eq!(snap.principals.as_ref().map(Vec::len), Some(200));
        assert_eq!(snap.shares.as_ref().map(Vec::len), Some(500));
    }

    /// Every finding of the native build of the plugins, as comparable text.
    fn findings(v: &Value) -> Vec<String> {
        let snap = posture::snapshot::from_slice(&serde_json::to_vec(v).expect("json"), "day")
            .expect("a valid snapshot");
        let sdk = crate::native::snapshot(&snap);
        crate::native::run(&crate::native::plugins(), &snap, &sdk, NOW, &|_| true)
            .expect("native run")
            .iter()
            .map(|f| format!("{f:?}"))
            .collect()
    }

    /// Findings of `new` that are not (as often) in `old`, as a share of `new`'s.
    pub(crate) fn changed_share(old: &[String], new: &[String]) -> f64 {
        let mut counts = std::collections::HashMap::<&str, i64>::new();
        for f in old {
            *counts.entry(f).or_default() += 1;
        }
        let mut changed = 0;
        for f in new {
            let c = counts.entry(f).or_default();
            if *c > 0 {
                *c -= 1;
            } else {
                changed += 1;
            }
        }
        changed as f64 / new.len().max(1) as f64
    }

    #[test]
    fn day_variants_are_deterministic_and_change_about_the_requested_share() {
        let base = snapshot(Scale {
            principals: 1_000,
            shares: 10_000,
            seed: 42,
        });
        let mut day = base.clone();
        let mut previous = findings(&base);
        let mut shares = Vec::new();
        for d in 1..=3 {
            advance_day(&mut day, d, 1.0);
            assert_eq!(
                day,
                day_variant(&base, d, 1.0),
                "day {d} is not deterministic"
            );
            let now = findings(&day);
            shares.push(changed_share(&previous, &now));
            previous = now;
        }
        assert_ne!(day, base);
        let mean = shares.iter().sum::<f64>() / shares.len() as f64;
        eprintln!("changed findings per day: {shares:?}");
        assert!(
            (0.005..=0.02).contains(&mean),
            "1 % requested, {:.2} % of findings changed per day ({shares:?})",
            mean * 100.0
        );
    }
}
