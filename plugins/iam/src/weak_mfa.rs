//! `iam.weak-mfa-methods`: SaaS tenants do not let users sign in with second factors that can
//! be intercepted or redirected (SMS, voice calls, email one-time codes).

use posture_sdk::prelude::*;
use posture_sdk::tenant;

/// Check id.
pub const ID: &str = "iam.weak-mfa-methods";

/// Providers whose tenants say which second factors are allowed.
const WITH_METHODS: &[&str] = &["m365"];

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .providers(WITH_METHODS)
        .title("Weak second factors are switched off")
        .description(
            "For each Microsoft 365 account: fails when its tenant settings say users may still \
             use SMS, voice-call or email one-time codes as a second factor (except those \
             listed in `allowed`), passes when none is on, not evaluable when the snapshot \
             says nothing.",
        )
        .severity(Severity::Medium)
        .rationale(
            "Codes sent by SMS or voice are stolen by SIM swapping and real-time phishing, and \
             email codes are only as safe as the mailbox; NIST SP 800-63B restricts them. Users \
             keep using the weakest method allowed, so it has to be switched off.",
        )
        .remediation(
            "Microsoft Entra admin center → Protection → Authentication methods → Policies: \
             disable SMS, Voice call and Email OTP once users have registered the Authenticator \
             app, passkeys or security keys (finish the authentication methods migration \
             first).",
        )
        .soc2("CC6.1")
        .iso27001("A.5.17")
        .iso27001("A.8.5")
        .param_text_list("allowed", &[], "weak methods tolerated: sms, voice, email")
        .reads(&[EntityKind::TenantSettings])
}

fn evaluate(cx: &Context, snap: &Snapshot) -> CheckResult {
    let allowed = cx.text_list("allowed")?;
    let settings = snap.tenant_settings()?;
    let unknown = "no tenant setting of this account says which second factors are allowed";
    Ok(tenant::per_setting(
        ID,
        cx,
        settings,
        WITH_METHODS,
        unknown,
        |i, t| {
            let methods = t.weak_mfa_methods.as_ref()?;
            let on: Vec<&str> = methods
                .iter()
                .map(String::as_str)
                .filter(|m| !allowed.iter().any(|a| a == m))
                .collect();
            let res = resource::tenant_settings(t);
            let f = if on.is_empty() {
                Finding::pass(
                    ID,
                    res,
                    format!("{} allows no weak second factor", t.service),
                )
            } else {
                Finding::fail(
                    ID,
                    res,
                    format!(
                        "{} still allows {} as a second factor",
                        t.service,
                        on.join(", ")
                    ),
                )
            };
            let shown = if methods.is_empty() {
                "none".into()
            } else {
                methods.join(", ")
            };
            Some(f.evidence(
                "weak_mfa_methods",
                shown,
                path(EntityKind::TenantSettings, i, "weak_mfa_methods"),
            ))
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, SnapshotBuilder};

    fn run(methods: Option<&[&str]>, params: &[(&str, ParamValue)]) -> Vec<Finding> {
        let mut t = testing::tenant_settings("m365");
        t.weak_mfa_methods = methods.map(|m| m.iter().map(|s| s.to_string()).collect());
        let snap = SnapshotBuilder::new().tenant_settings(vec![t]).build();
        testing::run_as(&crate::plugin(), ID, &snap, "m365", params)
    }

    #[test]
    fn any_weak_method_fails_unless_allowed() {
        assert_eq!(run(Some(&[]), &[])[0].status, Status::Pass);
        let f = run(Some(&["sms", "voice"]), &[]);
        assert_eq!(f[0].status, Status::Fail);
        assert!(f[0].message.contains("sms, voice"), "{}", f[0].message);
        let email_ok = [("allowed", ParamValue::TextList(vec!["email".into()]))];
        assert_eq!(run(Some(&["email"]), &email_ok)[0].status, Status::Pass);
        assert_eq!(run(None, &[])[0].status, Status::NotEvaluable);
    }
}
