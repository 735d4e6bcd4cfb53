//! `iam.cloud-only-admins`: administrators of SaaS tenants are cloud-only accounts, not
//! accounts synchronised from an on-premises directory nor signing in through an external
//! identity provider.

use crate::common::{SAAS, is_enabled};
use posture_sdk::prelude::*;

/// Check id.
pub const ID: &str = "iam.cloud-only-admins";

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .providers(SAAS)
        .title("SaaS administrators are cloud-only accounts")
        .description(
            "For each enabled administrator of a Microsoft 365 or Google Workspace account: \
             fails when its identity source is one of `synced-sources` (accounts synchronised \
             from an on-premises directory, or sent to an external identity provider to sign \
             in), passes for any other known source, not evaluable when the source is unknown.",
        )
        .severity(Severity::High)
        .rationale(
            "An administrator synchronised from on-premises Active Directory can be taken over \
             by whoever compromises the domain controllers or the sync server, and one that \
             signs in through an external identity provider by whoever compromises that \
             provider, so a breach elsewhere becomes a breach of the tenant. Cloud-only \
             administrator accounts break that path.",
        )
        .remediation(
            "Create a separate cloud-only account (user@tenant.onmicrosoft.com) for each \
             administrator, assign the roles to it, and remove them from the synchronised \
             account. Google Workspace: put super administrators in an organisational unit (or \
             group) whose SSO profile assignment is 'None', so they sign in with Google.",
        )
        .soc2("CC6.1")
        .soc2("CC6.3")
        .iso27001("A.5.15")
        .iso27001("A.8.2")
        .param_text_list(
            "synced-sources",
            &["on-premises-ad", "external-idp"],
            "identity sources that mean synchronised from on-premises or signing in elsewhere",
        )
        .reads(&[EntityKind::Principals])
}

fn evaluate(cx: &Context, snap: &Snapshot) -> CheckResult {
    let synced = cx.text_list("synced-sources")?;
    let mut out = Vec::new();
    for (i, p) in snap.principals()?.iter().enumerate() {
        let saas = cx
            .provider_of(&p.account)
            .is_some_and(|provider| SAAS.contains(&provider));
        if !saas || p.admin != Some(true) || !is_enabled(p) {
            continue;
        }
        let res = resource::principal(p);
        let f = match &p.identity_source {
            None => Finding::not_evaluable(
                ID,
                res,
                format!("the identity source of administrator {} is unknown", p.name),
            ),
            Some(src) if synced.iter().any(|s| s == src) => Finding::fail(
                ID,
                res,
                if src == "external-idp" {
                    format!(
                        "administrator {} signs in through an external identity provider",
                        p.name
                    )
                } else {
                    format!("administrator {} is synchronised from {src}", p.name)
                },
            ),
            Some(src) => Finding::pass(
                ID,
                res,
                format!("administrator {} is a cloud account ({src})", p.name),
            ),
        };
        out.push(f.evidence(
            "identity_source",
            show(p.identity_source.as_deref()),
            path(EntityKind::Principals, i, "identity_source"),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, SnapshotBuilder};

    fn admin(id: &str, src: Option<&str>) -> Principal {
        let mut p = testing::principal(id, id);
        p.admin = Some(true);
        p.identity_source = src.map(str::to_string);
        p
    }

    #[test]
    fn synced_administrators_fail_cloud_ones_pass() {
        let mut user = admin("user", Some("on-premises-ad"));
        user.admin = Some(false);
        let snap = SnapshotBuilder::new()
            .principals(vec![
                admin("synced", Some("on-premises-ad")),
                admin("cloud", Some("entra-id")),
                admin("unknown", None),
                admin("saml", Some("external-idp")),
                user,
            ])
            .build();
        let got = testing::outcomes(testing::run_as(&crate::plugin(), ID, &snap, "m365", &[]));
        assert_eq!(
            got,
            vec![
                ("synced".into(), Status::Fail),
                ("cloud".into(), Status::Pass),
                ("unknown".into(), Status::NotEvaluable),
                ("saml".into(), Status::Fail),
            ]
        );
        assert!(testing::run_as(&crate::plugin(), ID, &snap, "aws", &[]).is_empty());
    }
}
