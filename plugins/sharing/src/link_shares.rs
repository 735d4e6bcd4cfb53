//! `sharing.link-shares`: no file, folder or site is shared publicly or with anyone holding
//! the link, and external shares reach only allow-listed domains.

use posture_sdk::prelude::*;

/// Check id.
pub const ID: &str = "sharing.link-shares";

/// The check's declaration.
pub fn check() -> Check {
    Check::new(ID, evaluate)
        .title("Items are not shared publicly or outside allowed domains")
        .description(
            "For each share: fails when the audience is public or anyone-with-the-link, or when an \
             external share reaches a domain that is not in `allowed-domains`; passes for internal \
             shares and for external shares whose domains are all allowed. Not evaluable when an \
             external share does not say which domains it reaches.",
        )
        .severity(Severity::Medium)
        .rationale(
            "Links that need no sign-in and shares with personal or unknown domains move \
             confidential data outside the organisation's control, with no record of who opened it.",
        )
        .remediation(
            "Ask the item's owner to remove the link or the external grantee, or replace it with a \
             share to named, signed-in people with an expiry date. Partners' domains that are \
             expected belong in `allowed-domains`.",
        )
        .soc2("C1.1")
        .soc2("CC6.1")
        .iso27001("A.5.14")
        .iso27001("A.8.3")
        .param_text_list("allowed-domains", &[], "external domains items may be shared with")
        .reads(&[EntityKind::Shares])
}

fn evaluate(cx: &Context, snap: &Snapshot) -> CheckResult {
    let allowed: Vec<String> = cx
        .text_list("allowed-domains")?
        .iter()
        .map(|d| d.to_lowercase())
        .collect();
    let mut out = Vec::new();
    for (i, s) in snap.shares()?.iter().enumerate() {
        let res = resource::share(s);
        let item = format!("{} {}", s.item_kind, s.item_name);
        let f = match s.audience {
            ShareAudience::Public => {
                Finding::fail(ID, res, format!("{item} is public on the internet"))
            }
            ShareAudience::AnyoneWithLink => Finding::fail(
                ID,
                res,
                format!("{item} is shared with anyone who has the link"),
            ),
            ShareAudience::Internal => {
                Finding::pass(ID, res, format!("{item} is shared internally only"))
            }
            ShareAudience::ExternalDomain | ShareAudience::ExternalUser if s.domains.is_empty() => {
                Finding::not_evaluable(
                    ID,
                    res,
                    format!("{item} is shared externally, but the domains reached are unknown"),
                )
            }
            ShareAudience::ExternalDomain | ShareAudience::ExternalUser => {
                let outside: Vec<&String> = s
                    .domains
                    .iter()
                    .filter(|d| !allowed.contains(&d.to_lowercase()))
                    .collect();
                if outside.is_empty() {
                    Finding::pass(
                        ID,
                        res,
                        format!("{item} is shared only with allowed domains"),
                    )
                } else {
                    let names: Vec<&str> = outside.iter().map(|d| d.as_str()).collect();
                    Finding::fail(
                        ID,
                        res,
                        format!(
                            "{item} is shared with domains outside the allow-list: {}",
                            names.join(", ")
                        ),
                    )
                }
            }
        };
        out.push(
            f.evidence(
                "audience",
                wit_name(s.audience),
                path(EntityKind::Shares, i, "audience"),
            )
            .evidence(
                "domains",
                s.domains.join(","),
                path(EntityKind::Shares, i, "domains"),
            ),
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_sdk::testing::{self, SnapshotBuilder};

    fn share(id: &str, audience: ShareAudience, domains: &[&str]) -> Share {
        let mut s = testing::share(id, id, audience);
        s.domains = domains.iter().map(|d| d.to_string()).collect();
        s
    }

    fn run(params: &[(&str, ParamValue)]) -> Vec<(String, Status)> {
        use ShareAudience::*;
        let snap = SnapshotBuilder::new()
            .shares(vec![
                share("link", AnyoneWithLink, &[]),
                share("pub", Public, &[]),
                share("int", Internal, &[]),
                share("partner", ExternalUser, &["Partner.example"]),
                share("gmail", ExternalDomain, &["gmail.com"]),
                share("unk", ExternalUser, &[]),
            ])
            .build();
        testing::outcomes(testing::run(&crate::plugin(), ID, &snap, params))
    }

    #[test]
    fn default_allow_list_is_empty() {
        let got = run(&[]);
        assert_eq!(got[0], ("link".into(), Status::Fail));
        assert_eq!(got[1], ("pub".into(), Status::Fail));
        assert_eq!(got[2], ("int".into(), Status::Pass));
        assert_eq!(got[3], ("partner".into(), Status::Fail));
        assert_eq!(got[4], ("gmail".into(), Status::Fail));
        assert_eq!(got[5], ("unk".into(), Status::NotEvaluable));
    }

    #[test]
    fn allow_list_is_case_insensitive() {
        let got = run(&[(
            "allowed-domains",
            ParamValue::TextList(vec!["partner.EXAMPLE".into()]),
        )]);
        assert_eq!(got[3], ("partner".into(), Status::Pass));
        assert_eq!(got[4], ("gmail".into(), Status::Fail));
    }

    #[test]
    fn some_domains_outside_the_allow_list_fail_with_evidence() {
        let snap = SnapshotBuilder::new()
            .shares(vec![share(
                "mixed",
                ShareAudience::ExternalDomain,
                &["partner.example", "gmail.com"],
            )])
            .build();
        let f = testing::run(
            &crate::plugin(),
            ID,
            &snap,
            &[(
                "allowed-domains",
                ParamValue::TextList(vec!["partner.example".into()]),
            )],
        );
        assert_eq!(f[0].status, Status::Fail);
        assert!(f[0].message.contains("gmail.com"), "{}", f[0].message);
        assert!(
            !f[0].message.contains("partner.example"),
            "{}",
            f[0].message
        );
        let ev: Vec<(&str, &str, &str)> = f[0]
            .evidence
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_str(), e.path.as_str()))
            .collect();
        assert!(
            ev.contains(&("domains", "partner.example,gmail.com", "/shares/0/domains")),
            "{ev:?}"
        );
        assert!(
            ev.contains(&("audience", "external-domain", "/shares/0/audience")),
            "{ev:?}"
        );
    }

    #[test]
    fn absent_shares_are_not_evaluable() {
        let f = testing::run(&crate::plugin(), ID, &SnapshotBuilder::new().build(), &[]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::NotEvaluable);
        assert_eq!(f[0].resource.id, "shares");
    }
}
