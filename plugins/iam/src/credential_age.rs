//! `iam.credential-age`: active long-lived credentials (access keys, tokens, SSH keys) are
//! rotated within `max-age-days` (default 90) and used within `max-unused-days` (default 90).
//! Passwords are out of scope (their rotation is not a control any more: NIST SP 800-63B).
//!
//! Access keys and tokens of root and break-glass accounts are skipped: one problem, one
//! finding, and such a key is `iam.root-access-keys`'s (critical) finding, whose remedy is to
//! delete it, not to rotate it. Their other credentials (SSH keys, certificates) are judged here.

use crate::common::{is_enabled, is_root_access_key};
use posture_sdk::prelude::*;

/// Check id.
pub const ID: &str = "iam.credential-age";

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .title("Long-lived credentials are rotated and in use")
        .description(
            "For each active access key, token or SSH key of an enabled principal: fails when it \
             was created more than `max-age-days` ago, or when it was last used (or, if never \
             used, created) more than `max-unused-days` ago. A limit of 0 switches that test \
             off. Not evaluable when a date a test needs is unknown. Access keys and tokens of \
             root and break-glass accounts are judged by iam.root-access-keys, not here.",
        )
        .severity(Severity::Medium)
        .rationale(
            "Static keys leak through code, CI logs and laptops and are valid until revoked; the \
             older a key, the more places it has been copied to. Unused keys are pure risk.",
        )
        .remediation(
            "1. Unused key: deactivate it, wait a week for complaints, then delete it. 2. Old key in \
             use: create a second key, deploy it where the old one is used, deactivate and delete \
             the old one. 3. Prefer short-lived credentials (roles, workload identity federation) \
             over static keys.",
        )
        .soc2("CC6.1")
        .iso27001("A.5.17")
        .iso27001("A.8.5")
        .param_int("max-age-days", 90, "oldest an active credential may be, in days (0: no limit)")
        .param_int(
            "max-unused-days",
            90,
            "longest an active credential may go unused, in days (0: no limit)",
        )
        .reads(&[EntityKind::Principals])
}

fn evaluate(cx: &Context, snap: &Snapshot) -> CheckResult {
    let max_age = cx.int("max-age-days")?;
    let max_unused = cx.int("max-unused-days")?;
    let mut out = Vec::new();
    for (i, p) in snap.principals()?.iter().enumerate() {
        if !is_enabled(p) {
            continue;
        }
        for (j, c) in p.credentials.iter().enumerate() {
            // Root and break-glass keys are iam.root-access-keys' (one problem, one finding).
            if c.kind == CredentialKind::Password
                || c.active == Some(false)
                || is_root_access_key(p, c)
            {
                continue;
            }
            let base = format!("/principals/{i}/credentials/{j}");
            let res = ResourceRef {
                kind: "credential".into(),
                id: c.id.clone(),
                display_name: Some(format!("{} of {}", wit_name(c.kind), p.name)),
                account: Some(p.account.clone()),
            };
            // A limit of 0 switches that half of the check off; the creation date is needed
            // for the age, and for the idle time of a credential never used.
            // Limits compare exact durations; messages show whole days.
            let age = c.created.map(|t| cx.days_since(t));
            let idle_since = c.last_used.or(c.created);
            let mut problems = Vec::new();
            let mut unknown = Vec::new();
            if max_age > 0 {
                match c.created {
                    Some(t) if cx.more_than_days_since(t, max_age) => problems.push(format!(
                        "is {} old (limit {max_age})",
                        cx.days_elapsed(t, max_age)
                    )),
                    Some(_) => {}
                    None => unknown.push("creation date"),
                }
            }
            if max_unused > 0 {
                match idle_since {
                    Some(t) if cx.more_than_days_since(t, max_unused) => {
                        let days = cx.days_elapsed(t, max_unused);
                        problems.push(match c.last_used {
                            Some(_) => format!("was last used {days} ago (limit {max_unused})"),
                            None => format!("has never been used in {days} (limit {max_unused})"),
                        })
                    }
                    Some(_) => {}
                    None => unknown.push("creation date and last use"),
                }
            }
            let f = if !problems.is_empty() {
                Finding::fail(
                    ID,
                    res,
                    format!("credential {} {}", c.id, problems.join(" and ")),
                )
            } else if let Some(what) = unknown.first() {
                Finding::not_evaluable(ID, res, format!("{what} of credential {} is unknown", c.id))
            } else {
                let age = age.map_or_else(|| "of unknown age".into(), |a| format!("{a} days old"));
                Finding::pass(ID, res, format!("credential {} is {age} and in use", c.id))
            };
            out.push(
                f.evidence("created", show_time(c.created), format!("{base}/created"))
                    .evidence(
                        "last_used",
                        show_time(c.last_used),
                        format!("{base}/last_used"),
                    )
                    .evidence(
                        "age_days",
                        age.map_or_else(|| "unknown".into(), |a| a.to_string()),
                        String::new(),
                    ),
            );
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, DAY, NOW, SnapshotBuilder};

    fn key(id: &str, age: i64, used_days_ago: Option<i64>) -> Credential {
        Credential {
            id: id.into(),
            kind: CredentialKind::AccessKey,
            active: Some(true),
            created: Some(NOW - age * DAY),
            last_used: used_days_ago.map(|d| NOW - d * DAY),
        }
    }

    fn run(creds: Vec<Credential>, params: &[(&str, ParamValue)]) -> Vec<(String, Status)> {
        let mut p = testing::principal("u", "u");
        p.credentials = creds;
        testing::outcomes(testing::run(
            &crate::plugin(),
            ID,
            &SnapshotBuilder::new().principals(vec![p]).build(),
            params,
        ))
    }

    #[test]
    fn age_and_idleness_at_and_over_the_limit() {
        let got = run(
            vec![
                key("at", 90, Some(90)),
                key("old", 91, Some(1)),
                key("idle", 30, Some(91)),
                key("never", 91, None),
            ],
            &[],
        );
        assert_eq!(
            got,
            vec![
                ("at".into(), Status::Pass),
                ("old".into(), Status::Fail),
                ("idle".into(), Status::Fail),
                ("never".into(), Status::Fail)
            ]
        );
    }

    #[test]
    fn inactive_keys_and_passwords_are_skipped_unknown_creation_not_evaluable() {
        let mut off = key("off", 900, None);
        off.active = Some(false);
        let mut pw = key("pw", 900, None);
        pw.kind = CredentialKind::Password;
        let mut unknown = key("unk", 1, None);
        unknown.created = None;
        assert_eq!(
            run(vec![off, pw, unknown], &[]),
            vec![("unk".into(), Status::NotEvaluable)]
        );
    }

    /// One problem, one finding: access keys and tokens of root and break-glass accounts are
    /// `iam.root-access-keys`' (delete them, not rotate them), whatever their age; their other
    /// credentials and everyone else's keys are still judged here.
    #[test]
    fn root_and_break_glass_keys_are_left_to_root_access_keys() {
        let mut root = testing::principal("root", "root");
        root.kind = PrincipalKind::Root;
        let mut token = key("ROOTTOKEN", 900, None);
        token.kind = CredentialKind::Token;
        let mut unknown_state = key("ROOTKEY2", 900, None);
        unknown_state.active = None;
        let mut ssh = key("ROOTSSH", 900, Some(1));
        ssh.kind = CredentialKind::SshKey;
        root.credentials = vec![key("ROOTKEY", 900, None), token, unknown_state, ssh];
        let mut bg = testing::principal("bg", "emergency");
        bg.kind = PrincipalKind::BreakGlass;
        bg.credentials = vec![key("BGKEY", 900, None)];
        let mut user = testing::principal("u", "u");
        user.credentials = vec![key("USERKEY", 900, None)];
        let snap = SnapshotBuilder::new()
            .principals(vec![root, bg, user])
            .build();
        let got = testing::outcomes(testing::run(&crate::plugin(), ID, &snap, &[]));
        assert_eq!(
            got,
            vec![
                ("ROOTSSH".into(), Status::Fail),
                ("USERKEY".into(), Status::Fail)
            ]
        );
        // The owner reports each root-like account's keys, once.
        let owned = testing::outcomes(testing::run(
            &crate::plugin(),
            crate::root_access_keys::ID,
            &snap,
            &[],
        ));
        assert_eq!(
            owned,
            vec![("root".into(), Status::Fail), ("bg".into(), Status::Fail)]
        );
    }

    #[test]
    fn parameters_override() {
        let p = [("max-age-days", ParamValue::Integer(30))];
        assert_eq!(
            run(vec![key("k", 31, Some(0))], &p),
            vec![("k".into(), Status::Fail)]
        );
    }

    #[test]
    fn a_zero_limit_switches_its_test_off() {
        let mut used_today = key("recent", 1, Some(0));
        used_today.created = None;
        let no_age = [("max-age-days", ParamValue::Integer(0))];
        assert_eq!(
            run(vec![used_today.clone(), key("old", 900, Some(1))], &no_age),
            vec![
                ("recent".into(), Status::Pass),
                ("old".into(), Status::Pass)
            ]
        );
        let no_idle = [("max-unused-days", ParamValue::Integer(0))];
        assert_eq!(
            run(vec![key("idle", 10, Some(500)), used_today], &no_idle),
            vec![
                ("idle".into(), Status::Pass),
                ("recent".into(), Status::NotEvaluable)
            ]
        );
    }
}
