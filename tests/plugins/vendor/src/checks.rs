//! Every check the Acme Security test vendor has shipped in some version of `acme-vendor`.
//! Each version's `lib.rs` (`posture-test-vendor`, `posture-test-vendor-next`) includes this
//! file and lists the checks that version ships, so the difference between the versions is
//! those two lists.

use posture_sdk::prelude::*;

/// Id of the check that every principal uses MFA (all versions).
pub const MFA_EVERYWHERE: &str = "acme.mfa-everywhere";

/// Id of the check that encryption keys are not stale (1.0.0 only).
pub const NO_STALE_KEYS: &str = "acme.no-stale-keys";

/// Id of the check that accounts have few administrators (added in 1.1.0).
pub const ADMIN_COUNT: &str = "acme.admin-count";

/// Oldest the key material of an enabled key may be, in days.
pub const MAX_KEY_AGE_DAYS: i64 = 365;

/// Most enabled administrators an account may have.
pub const MAX_ADMINS: usize = 3;

/// `acme.mfa-everywhere`: every principal whose MFA state is known uses MFA.
pub fn mfa_everywhere() -> Check {
    Check::new(MFA_EVERYWHERE, eval_mfa_everywhere)
        .title("Every principal uses multi-factor authentication")
        .description(
            "For each principal: passes when MFA is enabled, fails when it is not, not \
             evaluable when the MFA state is unknown.",
        )
        .severity(Severity::High)
        .rationale("A password alone is phished or reused; a second factor stops most takeovers.")
        .remediation("Enforce MFA for every account and ask each listed principal to enrol one.")
        .soc2("CC6.1")
        .iso27001("A.8.5")
        .reads(&[EntityKind::Principals])
}

fn eval_mfa_everywhere(_cx: &Context, snap: &Snapshot) -> CheckResult {
    const ID: &str = MFA_EVERYWHERE;
    let mut out = Vec::new();
    for (i, p) in snap.principals()?.iter().enumerate() {
        let res = resource::principal(p);
        let f = match p.mfa_enabled {
            Some(true) => Finding::pass(ID, res, format!("{} uses MFA", p.name)),
            Some(false) => Finding::fail(ID, res, format!("{} has no MFA", p.name)),
            None => Finding::not_evaluable(ID, res, format!("MFA state of {} is unknown", p.name)),
        };
        let at = path(EntityKind::Principals, i, "mfa_enabled");
        out.push(f.evidence("mfa_enabled", show(p.mfa_enabled), at));
    }
    Ok(out)
}

/// `acme.no-stale-keys`: the material of every enabled key was created or last rotated
/// within [`MAX_KEY_AGE_DAYS`].
pub fn no_stale_keys() -> Check {
    Check::new(NO_STALE_KEYS, eval_no_stale_keys)
        .title("Encryption keys are rotated at least yearly")
        .description(
            "For each enabled key: fails when its material (last rotation, else creation) is \
             more than 365 days old, not evaluable when both dates are unknown.",
        )
        .severity(Severity::Medium)
        .rationale("The longer a key is in use, the more data a single leak of it exposes.")
        .remediation("Rotate the key, and turn on automatic rotation where the provider has it.")
        .soc2("CC6.1")
        .iso27001("A.8.24")
        .reads(&[EntityKind::Keys])
}

fn eval_no_stale_keys(cx: &Context, snap: &Snapshot) -> CheckResult {
    const ID: &str = NO_STALE_KEYS;
    const MAX: i64 = MAX_KEY_AGE_DAYS;
    let mut out = Vec::new();
    for (i, k) in snap.keys()?.iter().enumerate() {
        if k.enabled == Some(false) {
            continue;
        }
        let (name, res) = (k.name.as_deref().unwrap_or(&k.id), resource::key(k));
        let (field, since) = match k.last_rotated {
            Some(t) => ("last_rotated", Some(t)),
            None => ("created", k.created),
        };
        let f = match since {
            Some(t) if cx.more_than_days_since(t, MAX) => {
                let age = cx.days_elapsed(t, MAX);
                Finding::fail(ID, res, format!("key {name} is {age} old (limit {MAX})"))
            }
            Some(t) => Finding::pass(
                ID,
                res,
                format!("key {name} is {} days old", cx.days_since(t)),
            ),
            None => Finding::not_evaluable(ID, res, format!("age of key {name} is unknown")),
        };
        out.push(f.evidence(field, show_time(since), path(EntityKind::Keys, i, field)));
    }
    Ok(out)
}

/// `acme.admin-count`: no account has more than [`MAX_ADMINS`] enabled administrators.
pub fn admin_count() -> Check {
    Check::new(ADMIN_COUNT, eval_admin_count)
        .title("Each account has at most three administrators")
        .description(
            "Counts the enabled principals marked admin in each account: fails above three, not \
             evaluable when some principal's admin state is unknown and the count is within.",
        )
        .severity(Severity::Medium)
        .rationale("Every administrator is a path to full control of the account.")
        .remediation("Move administrators who do not need standing rights to narrower roles.")
        .soc2("CC6.3")
        .iso27001("A.8.2")
        .reads(&[EntityKind::Principals])
}

fn eval_admin_count(cx: &Context, snap: &Snapshot) -> CheckResult {
    const ID: &str = ADMIN_COUNT;
    let principals = snap.principals()?;
    let mut out = Vec::new();
    for a in cx.accounts() {
        let disabled = |p: &Principal| {
            matches!(
                p.status,
                Some(AccountStatus::Disabled | AccountStatus::Suspended)
            )
        };
        let enabled: Vec<&Principal> = (principals.iter())
            .filter(|p| p.account == a.id && !disabled(p))
            .collect();
        if enabled.is_empty() {
            continue;
        }
        let n = enabled.iter().filter(|p| p.admin == Some(true)).count();
        let unknown = enabled.iter().filter(|p| p.admin.is_none()).count();
        let res = resource::account(a);
        let f = if n > MAX_ADMINS {
            Finding::fail(ID, res, format!("{n} administrators; at most {MAX_ADMINS}"))
        } else if unknown > 0 {
            Finding::not_evaluable(
                ID,
                res,
                format!("{n} known administrators, {unknown} unknown"),
            )
        } else {
            Finding::pass(ID, res, format!("{n} administrators"))
        };
        out.push(f.evidence("admin_count", n.to_string(), "/principals".into()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, DAY, NOW, SnapshotBuilder};

    fn every_check() -> Plugin {
        Plugin::new("acme-vendor", "0.0.0", "Acme Security")
            .check(mfa_everywhere())
            .check(no_stale_keys())
            .check(admin_count())
    }

    fn run(id: &str, snap: Snapshot) -> Vec<(String, Status)> {
        testing::outcomes(testing::run(&every_check(), id, &snap, &[]))
    }

    fn principal(id: &str, admin: Option<bool>, mfa: Option<bool>) -> Principal {
        let mut p = testing::principal(id, id);
        (p.admin, p.mfa_enabled) = (admin, mfa);
        p
    }

    #[test]
    fn every_check_is_documented() {
        let problems = testing::metadata_problems(&every_check());
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn mfa_passes_fails_and_is_not_evaluable_when_unknown() {
        let people = ["on", "off", "unknown"]
            .iter()
            .zip([Some(true), Some(false), None])
            .map(|(id, mfa)| principal(id, None, mfa))
            .collect();
        assert_eq!(
            run(
                MFA_EVERYWHERE,
                SnapshotBuilder::new().principals(people).build()
            ),
            vec![
                ("on".into(), Status::Pass),
                ("off".into(), Status::Fail),
                ("unknown".into(), Status::NotEvaluable)
            ]
        );
    }

    #[test]
    fn keys_are_judged_by_last_rotation_else_creation() {
        let key = |id: &str, rotated: Option<i64>, created: Option<i64>| {
            let mut k = testing::key(id);
            k.last_rotated = rotated.map(|d| NOW - d * DAY);
            k.created = created.map(|d| NOW - d * DAY);
            k
        };
        let mut off = key("off", None, Some(900));
        off.enabled = Some(false);
        let keys = vec![
            key("rotated", Some(365), Some(900)),
            key("old", None, Some(366)),
            key("unknown", None, None),
            off,
        ];
        assert_eq!(
            run(NO_STALE_KEYS, SnapshotBuilder::new().keys(keys).build()),
            vec![
                ("rotated".into(), Status::Pass),
                ("old".into(), Status::Fail),
                ("unknown".into(), Status::NotEvaluable)
            ]
        );
    }

    #[test]
    fn admins_are_counted_per_account() {
        let admins = |n: usize, unknown: usize| {
            let mut v: Vec<Principal> = (0..n)
                .map(|i| principal(&format!("a{i}"), Some(true), None))
                .collect();
            v.extend((0..unknown).map(|i| principal(&format!("u{i}"), None, None)));
            run(ADMIN_COUNT, SnapshotBuilder::new().principals(v).build())[0].1
        };
        assert_eq!(admins(3, 0), Status::Pass);
        assert_eq!(admins(4, 0), Status::Fail);
        assert_eq!(admins(2, 1), Status::NotEvaluable);
        assert_eq!(admins(4, 1), Status::Fail);
    }

    #[test]
    fn absent_kinds_are_not_evaluable() {
        let cases = [
            (MFA_EVERYWHERE, "principals"),
            (NO_STALE_KEYS, "keys"),
            (ADMIN_COUNT, "principals"),
        ];
        for (id, kind) in cases {
            let got = run(id, SnapshotBuilder::new().build());
            assert_eq!(got, vec![(kind.into(), Status::NotEvaluable)], "{id}");
        }
    }
}
