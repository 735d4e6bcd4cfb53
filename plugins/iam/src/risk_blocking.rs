//! `iam.risk-blocking`: Microsoft 365 tenants block sign-ins of users and sessions their
//! identity provider rates as high risk (Entra ID Protection).

use posture_sdk::prelude::*;
use posture_sdk::tenant;

/// Check id.
pub const ID: &str = "iam.risk-blocking";

/// Providers that rate sign-in risk.
const WITH_RISK: &[&str] = &["m365"];

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .providers(WITH_RISK)
        .title("High-risk users and sign-ins are blocked")
        .description(
            "For each Microsoft 365 account: passes when its tenant settings say sign-ins of \
             high-risk users (`users`) and high-risk sign-ins (`sign-ins`) are blocked for \
             everyone with the licence that rates risk in place, fails when one the parameters \
             ask for is not, not evaluable when one is unknown (for example the licences were \
             not exported).",
        )
        .severity(Severity::High)
        .rationale(
            "A user whose password has leaked, or a sign-in from an anonymising network or an \
             impossible location, is most often an attacker; blocking it automatically stops \
             account takeover before anyone reads an alert.",
        )
        .remediation(
            "Microsoft 365 (Entra ID P2): create two conditional access policies for All users \
             and All cloud apps, one with User risk = High and one with Sign-in risk = High, \
             both granting Block access; exclude only documented break-glass accounts.",
        )
        .soc2("CC6.1")
        .soc2("CC6.8")
        .iso27001("A.8.5")
        .iso27001("A.8.16")
        .param_flag("users", true, "sign-ins of high-risk users must be blocked")
        .param_flag("sign-ins", true, "high-risk sign-ins must be blocked")
        .reads(&[EntityKind::TenantSettings])
}

/// A wanted setting: its name in the snapshot, what it blocks, and its value.
type Wanted = (&'static str, &'static str, Option<bool>);

fn evaluate(cx: &Context, snap: &Snapshot) -> CheckResult {
    let users = cx.flag("users")?;
    let sign_ins = cx.flag("sign-ins")?;
    let wanted = |t: &TenantSettings| -> Vec<Wanted> {
        let mut w = Vec::new();
        if users {
            w.push((
                "high_risk_users_blocked",
                "high-risk users",
                t.high_risk_users_blocked,
            ));
        }
        if sign_ins {
            w.push((
                "high_risk_sign_ins_blocked",
                "high-risk sign-ins",
                t.high_risk_sign_ins_blocked,
            ));
        }
        w
    };
    let settings = snap.tenant_settings()?;
    let unknown = "no tenant setting of this account says whether high-risk sign-ins are blocked";
    Ok(tenant::per_setting(
        ID,
        cx,
        settings,
        WITH_RISK,
        unknown,
        |i, t| {
            let w = wanted(t);
            if w.iter().all(|(_, _, v)| v.is_none()) {
                return None;
            }
            let names = |pick: fn(Option<bool>) -> bool| -> Vec<&str> {
                w.iter()
                    .filter(|(_, _, v)| pick(*v))
                    .map(|(_, n, _)| *n)
                    .collect()
            };
            let open = names(|v| v == Some(false));
            let unknown = names(|v| v.is_none());
            let res = resource::tenant_settings(t);
            let mut f = if !open.is_empty() {
                Finding::fail(
                    ID,
                    res,
                    format!("{} does not block {}", t.service, open.join(" or ")),
                )
            } else if !unknown.is_empty() {
                Finding::not_evaluable(
                    ID,
                    res,
                    format!(
                        "whether {} blocks {} is unknown",
                        t.service,
                        unknown.join(" and ")
                    ),
                )
            } else {
                let blocked = names(|v| v == Some(true)).join(" and ");
                Finding::pass(ID, res, format!("{} blocks {blocked}", t.service))
            };
            for (field, _, v) in &w {
                f = f.evidence(field, show(*v), path(EntityKind::TenantSettings, i, field));
            }
            Some(f)
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, SnapshotBuilder};

    fn run(
        users: Option<bool>,
        sign_ins: Option<bool>,
        params: &[(&str, ParamValue)],
    ) -> Vec<Finding> {
        let mut t = testing::tenant_settings("m365");
        t.high_risk_users_blocked = users;
        t.high_risk_sign_ins_blocked = sign_ins;
        let snap = SnapshotBuilder::new().tenant_settings(vec![t]).build();
        testing::run_as(&crate::plugin(), ID, &snap, "m365", params)
    }

    #[test]
    fn both_must_be_blocked_by_default() {
        assert_eq!(run(Some(true), Some(true), &[])[0].status, Status::Pass);
        let f = run(Some(true), Some(false), &[]);
        assert_eq!(f[0].status, Status::Fail);
        assert!(
            f[0].message.contains("high-risk sign-ins"),
            "{}",
            f[0].message
        );
        assert_eq!(run(Some(true), None, &[])[0].status, Status::NotEvaluable);
        let f = run(None, None, &[]);
        assert_eq!(
            (f[0].status, f[0].resource.kind.as_str()),
            (Status::NotEvaluable, "account")
        );
    }

    #[test]
    fn parameters_choose_what_is_required() {
        let users_only = [("sign-ins", ParamValue::Flag(false))];
        assert_eq!(
            run(Some(true), Some(false), &users_only)[0].status,
            Status::Pass
        );
        assert_eq!(run(Some(true), None, &users_only)[0].status, Status::Pass);
        assert_eq!(
            run(Some(false), Some(true), &users_only)[0].status,
            Status::Fail
        );
    }
}
