//! `iam.password-policy`: an account's password rules meet a minimum length, reuse prevention
//! and, when asked, character-type and expiry rules (CIS AWS Foundations 1.8 and 1.9).

use posture_sdk::prelude::*;
use posture_sdk::tenant;

/// Check id.
pub const ID: &str = "iam.password-policy";

/// Providers whose accounts have a password policy of their own; an account of one of these
/// without one in the snapshot is not evaluable.
const WITH_POLICY: &[&str] = &["aws"];

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .providers(WITH_POLICY)
        .title("Password policy is strong enough")
        .description(
            "For each tenant setting that carries a password policy: fails when passwords may be \
             shorter than `min-length`, when fewer than `min-reuse-prevention` previous \
             passwords are remembered, when a character type the parameters require is not \
             required, or, when `max-age-days` is set, when passwords live longer than that or \
             never expire. 0 switches a numeric test off. An AWS account without a collected \
             password policy is not evaluable (an account without a custom policy is imported \
             with AWS's defaults, which fail the default length).",
        )
        .severity(Severity::Medium)
        .rationale(
            "Short and reused passwords fall to guessing and credential stuffing. Length and \
             reuse prevention are what CIS and NIST SP 800-63B ask for; composition rules and \
             forced expiry are off by default because NIST advises against them, and can be \
             switched on where a framework still demands them.",
        )
        .remediation(
            "AWS: IAM → Account settings → Password policy: minimum length 14, prevent reuse of \
             the last 24 passwords (`aws iam update-account-password-policy \
             --minimum-password-length 14 --password-reuse-prevention 24`). Prefer SSO with MFA, \
             so that few IAM users have passwords at all.",
        )
        .soc2("CC6.1")
        .iso27001("A.5.17")
        .param_int("min-length", 14, "shortest password allowed (0: no test)")
        .param_int(
            "min-reuse-prevention",
            24,
            "fewest previous passwords that must be remembered (0: no test)",
        )
        .param_int(
            "max-age-days",
            0,
            "longest a password may live, in days; never-expiring passwords then fail (0: no test)",
        )
        .param_flag(
            "require-uppercase",
            false,
            "an upper-case letter must be required",
        )
        .param_flag(
            "require-lowercase",
            false,
            "a lower-case letter must be required",
        )
        .param_flag("require-numbers", false, "a digit must be required")
        .param_flag("require-symbols", false, "a symbol must be required")
        .reads(&[EntityKind::TenantSettings])
}

/// The parameters, read once.
struct Rules {
    min_length: i64,
    min_reuse: i64,
    max_age: i64,
    types: [(&'static str, bool); 4],
}

impl Rules {
    fn read(cx: &Context) -> Result<Rules, CheckError> {
        Ok(Rules {
            min_length: cx.int("min-length")?,
            min_reuse: cx.int("min-reuse-prevention")?,
            max_age: cx.int("max-age-days")?,
            types: [
                ("an upper-case letter", cx.flag("require-uppercase")?),
                ("a lower-case letter", cx.flag("require-lowercase")?),
                ("a digit", cx.flag("require-numbers")?),
                ("a symbol", cx.flag("require-symbols")?),
            ],
        })
    }

    /// What `p` fails, in words; empty when it meets every rule.
    fn problems(&self, p: &PasswordPolicy) -> Vec<String> {
        let mut out = Vec::new();
        if i64::from(p.min_length) < self.min_length {
            out.push(format!(
                "allows passwords of {} characters (minimum {})",
                p.min_length, self.min_length
            ));
        }
        if i64::from(p.reuse_prevention) < self.min_reuse {
            out.push(format!(
                "remembers {} previous passwords (minimum {})",
                p.reuse_prevention, self.min_reuse
            ));
        }
        if self.max_age > 0 {
            match p.max_age_days {
                None => out.push(format!(
                    "lets passwords live forever (limit {} days)",
                    self.max_age
                )),
                Some(d) if i64::from(d) > self.max_age => out.push(format!(
                    "lets passwords live {d} days (limit {})",
                    self.max_age
                )),
                Some(_) => {}
            }
        }
        let required = [
            p.require_uppercase,
            p.require_lowercase,
            p.require_numbers,
            p.require_symbols,
        ];
        for ((what, wanted), has) in self.types.iter().zip(required) {
            if *wanted && !has {
                out.push(format!("does not require {what}"));
            }
        }
        out
    }
}

fn evaluate(cx: &Context, snap: &Snapshot) -> CheckResult {
    let rules = Rules::read(cx)?;
    let settings = snap.tenant_settings()?;
    let unknown = "the snapshot has no password policy for this account";
    Ok(tenant::per_setting(
        ID,
        cx,
        settings,
        WITH_POLICY,
        unknown,
        |i, t| {
            let policy = t.password_policy.as_ref()?;
            let res = resource::tenant_settings(t);
            let problems = rules.problems(policy);
            let f = if problems.is_empty() {
                Finding::pass(
                    ID,
                    res,
                    format!("{} password policy meets every rule", t.service),
                )
            } else {
                Finding::fail(
                    ID,
                    res,
                    format!("{} password policy {}", t.service, problems.join("; ")),
                )
            };
            let at = |field: &str| {
                path(
                    EntityKind::TenantSettings,
                    i,
                    &format!("password_policy/{field}"),
                )
            };
            Some(
                f.evidence(
                    "min_length",
                    policy.min_length.to_string(),
                    at("min_length"),
                )
                .evidence(
                    "reuse_prevention",
                    policy.reuse_prevention.to_string(),
                    at("reuse_prevention"),
                )
                .evidence(
                    "max_age_days",
                    show(policy.max_age_days),
                    at("max_age_days"),
                ),
            )
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, SnapshotBuilder};

    fn strong() -> PasswordPolicy {
        PasswordPolicy {
            min_length: 14,
            require_uppercase: true,
            require_lowercase: true,
            require_numbers: true,
            require_symbols: true,
            max_age_days: None,
            reuse_prevention: 24,
        }
    }

    fn run(policy: Option<PasswordPolicy>, params: &[(&str, ParamValue)]) -> Vec<Finding> {
        let mut t = testing::tenant_settings("aws-iam");
        t.password_policy = policy;
        let snap = SnapshotBuilder::new().tenant_settings(vec![t]).build();
        testing::run_as(&crate::plugin(), ID, &snap, "aws", params)
    }

    #[test]
    fn defaults_test_length_and_reuse_only() {
        assert_eq!(run(Some(strong()), &[])[0].status, Status::Pass);
        let mut weak = strong();
        weak.min_length = 8;
        weak.reuse_prevention = 0;
        let f = run(Some(weak), &[]);
        assert_eq!(f[0].status, Status::Fail);
        assert!(
            f[0].message.contains("8 characters (minimum 14)"),
            "{}",
            f[0].message
        );
        assert!(f[0].message.contains("remembers 0"), "{}", f[0].message);
        let mut simple = strong();
        simple.require_symbols = false;
        assert_eq!(run(Some(simple), &[])[0].status, Status::Pass);
        let f = run(Some(simple), &[("require-symbols", ParamValue::Flag(true))]);
        assert_eq!(f[0].status, Status::Fail);
        assert!(f[0].message.contains("a symbol"), "{}", f[0].message);
    }

    #[test]
    fn expiry_is_judged_only_when_asked_and_never_expiring_fails_then() {
        let limit = [("max-age-days", ParamValue::Integer(90))];
        assert_eq!(run(Some(strong()), &[])[0].status, Status::Pass);
        assert_eq!(run(Some(strong()), &limit)[0].status, Status::Fail);
        let mut at = strong();
        at.max_age_days = Some(90);
        assert_eq!(run(Some(at), &limit)[0].status, Status::Pass);
        at.max_age_days = Some(91);
        assert_eq!(run(Some(at), &limit)[0].status, Status::Fail);
    }

    #[test]
    fn an_aws_account_without_a_policy_is_not_evaluable() {
        let f = run(None, &[]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::NotEvaluable);
        assert_eq!(f[0].resource.kind, "account");
        let mut t = testing::tenant_settings("github");
        t.password_policy = None;
        let snap = SnapshotBuilder::new().tenant_settings(vec![t]).build();
        assert!(testing::run_as(&crate::plugin(), ID, &snap, "github", &[]).is_empty());
    }
}
