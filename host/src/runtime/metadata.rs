//! What a plugin may say about itself: the checks of its `describe` result (ids well formed
//! and unique, contract version compatible, each entity kind read once), the providers its
//! optional `scope` export gives its checks, and the size caps on every field, so that metadata, which renderers repeat per finding (OCSF), amplifies a
//! report by a bounded amount: at most 5 OCSF events per finding, each with ~2.4 KiB of
//! metadata.

use super::error::ScopeError;
use crate::contract::contract_compatible;
use crate::model::{CheckInfo, CheckScope, ParamValue, PluginInfo};
use std::collections::HashSet;

/// Size caps on a plugin's self-description, in bytes unless said otherwise. The first-party
/// plugins use at most a quarter of each (longest title 51, description 314, remediation 311).
pub mod caps {
    /// Plugin name and check ids.
    pub const ID: usize = 128;
    /// Version and vendor.
    pub const LABEL: usize = 128;
    /// A check's title.
    pub const TITLE: usize = 200;
    /// A check's domain.
    pub const DOMAIN: usize = 64;
    /// A check's description, rationale and remediation, each.
    pub const PROSE: usize = 2048;
    /// Controls a check maps to.
    pub const CONTROLS: usize = 64;
    /// A control's framework or id.
    pub const CONTROL: usize = 64;
    /// Distinct frameworks a check's controls name (OCSF writes one event per framework).
    pub const FRAMEWORKS: usize = 4;
    /// Parameters of a check.
    pub const PARAMS: usize = 32;
    /// A parameter's description, and each text of its default.
    pub const PARAM_TEXT: usize = 1024;
    /// Texts in a list parameter's default.
    pub const PARAM_LIST: usize = 64;
    /// Checks of one plugin.
    pub const CHECKS: usize = 1024;
    /// Providers one check is scoped to.
    pub const PROVIDERS: usize = 32;
    /// A provider's name.
    pub const PROVIDER: usize = 64;
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= caps::ID
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

/// Checks the self-description: names and ids well formed and unique, contract version
/// compatible, parameters unique, every field within [`caps`].
pub(super) fn validate_info(info: &PluginInfo) -> Result<(), String> {
    if !is_id(&info.name) {
        return Err(format!(
            "plugin name `{}` must be non-empty lowercase letters, digits, `-`, `_` or `.`",
            info.name
        ));
    }
    let declared = semver::Version::parse(&info.contract_version).map_err(|_| {
        format!(
            "contract-version `{}` is not a semantic version",
            info.contract_version
        )
    })?;
    if !contract_compatible(&declared) {
        return Err(format!(
            "declares contract-version {declared}, but this host supports {}",
            crate::contract::supported_contracts()
        ));
    }
    within("version", &info.version, caps::LABEL)?;
    within("vendor", &info.vendor, caps::LABEL)?;
    if info.checks.is_empty() {
        return Err("declares no checks".into());
    }
    if info.checks.len() > caps::CHECKS {
        return Err(format!(
            "declares {} checks, more than {}",
            info.checks.len(),
            caps::CHECKS
        ));
    }
    let mut seen = HashSet::new();
    for c in &info.checks {
        if !is_id(&c.id) {
            return Err(format!(
                "check id `{}` must be non-empty lowercase letters, digits, `-`, `_` or `.`",
                c.id
            ));
        }
        if !seen.insert(c.id.as_str()) {
            return Err(format!("check id `{}` is declared twice", c.id));
        }
        if c.title.trim().is_empty() || c.domain.trim().is_empty() {
            return Err(format!("check `{}` has an empty title or domain", c.id));
        }
        check_sizes(c).map_err(|e| format!("check `{}`: {e}", c.id))?;
        let mut params = HashSet::new();
        for p in &c.params {
            if !params.insert(p.name.as_str()) {
                return Err(format!(
                    "check `{}` declares parameter `{}` twice",
                    c.id, p.name
                ));
            }
        }
    }
    Ok(())
}

/// Gives the checks of `info` (already validated) the providers of `scopes`, the result of
/// the plugin's `scope` export. Refuses an entry that names a check `info` does not declare,
/// a check already scoped, no provider, a provider twice, or a provider that is not an id of
/// at most [`caps::PROVIDER`] bytes; at most [`caps::PROVIDERS`] per check. Providers are
/// kept sorted, so that nothing downstream depends on the order the plugin listed them in.
pub(super) fn apply_scopes(
    info: &mut PluginInfo,
    scopes: Vec<CheckScope>,
) -> Result<(), ScopeError> {
    let mut scoped: HashSet<String> = HashSet::new();
    for scope in scopes {
        let CheckScope {
            check,
            mut providers,
        } = scope;
        if scoped.contains(&check) {
            return Err(ScopeError::DuplicateCheck { check });
        }
        let Some(target) = info.checks.iter_mut().find(|c| c.id == check) else {
            return Err(ScopeError::UnknownCheck { check });
        };
        if providers.is_empty() {
            return Err(ScopeError::NoProviders { check });
        }
        if providers.len() > caps::PROVIDERS {
            return Err(ScopeError::TooManyProviders {
                check,
                count: providers.len(),
                max: caps::PROVIDERS,
            });
        }
        if let Some(bad) = providers
            .iter()
            .find(|p| !is_id(p) || p.len() > caps::PROVIDER)
        {
            return Err(ScopeError::BadProvider {
                provider: bad.clone(),
                check,
                max: caps::PROVIDER,
            });
        }
        providers.sort();
        if let Some(twice) = providers.windows(2).find(|w| w[0] == w[1]) {
            return Err(ScopeError::DuplicateProvider {
                provider: twice[0].clone(),
                check,
            });
        }
        target.providers = providers;
        scoped.insert(check);
    }
    Ok(())
}

/// `Err` naming `field` when `text` is longer than `cap` bytes.
fn within(field: &str, text: &str, cap: usize) -> Result<(), String> {
    if text.len() > cap {
        return Err(format!(
            "{field} is {} bytes long, more than {cap}",
            text.len()
        ));
    }
    Ok(())
}

/// Every field of one check within [`caps`].
fn check_sizes(c: &CheckInfo) -> Result<(), String> {
    within("title", &c.title, caps::TITLE)?;
    within("domain", &c.domain, caps::DOMAIN)?;
    within("description", &c.description, caps::PROSE)?;
    within("rationale", &c.rationale, caps::PROSE)?;
    within("remediation", &c.remediation, caps::PROSE)?;
    if c.controls.len() > caps::CONTROLS {
        return Err(format!(
            "maps to {} controls, more than {}",
            c.controls.len(),
            caps::CONTROLS
        ));
    }
    for control in &c.controls {
        within("a control framework", &control.framework, caps::CONTROL)?;
        within("a control id", &control.id, caps::CONTROL)?;
    }
    let frameworks: HashSet<&str> = c.controls.iter().map(|k| k.framework.as_str()).collect();
    if frameworks.len() > caps::FRAMEWORKS {
        return Err(format!(
            "maps to controls of {} frameworks, more than {}",
            frameworks.len(),
            caps::FRAMEWORKS
        ));
    }
    // Each entity kind once: the host looks kinds up per finding.
    let reads: HashSet<_> = c.reads.iter().collect();
    if reads.len() != c.reads.len() {
        return Err("declares an entity kind twice in `reads`".into());
    }
    if c.params.len() > caps::PARAMS {
        return Err(format!(
            "declares {} parameters, more than {}",
            c.params.len(),
            caps::PARAMS
        ));
    }
    for p in &c.params {
        within("a parameter name", &p.name, caps::ID)?;
        within("a parameter description", &p.description, caps::PARAM_TEXT)?;
        match &p.default {
            ParamValue::Text(t) => within("a parameter default", t, caps::PARAM_TEXT)?,
            ParamValue::TextList(list) => {
                if list.len() > caps::PARAM_LIST {
                    return Err(format!(
                        "parameter `{}` has {} default texts, more than {}",
                        p.name,
                        list.len(),
                        caps::PARAM_LIST
                    ));
                }
                for t in list {
                    within("a parameter default", t, caps::PARAM_TEXT)?;
                }
            }
            ParamValue::Integer(_) | ParamValue::Number(_) | ParamValue::Flag(_) => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::CONTRACT_VERSION;
    use crate::model::{Control, EntityKind, ParamSpec, Severity};

    fn check(id: &str) -> CheckInfo {
        CheckInfo {
            id: id.into(),
            title: "A title".into(),
            description: String::new(),
            default_severity: Severity::High,
            domain: "iam".into(),
            rationale: String::new(),
            remediation: String::new(),
            controls: Vec::new(),
            params: Vec::new(),
            reads: vec![EntityKind::Principals],
            providers: Vec::new(),
        }
    }

    fn info(checks: Vec<CheckInfo>) -> PluginInfo {
        PluginInfo {
            name: "aws-iam".into(),
            version: "1.0.0".into(),
            vendor: "v".into(),
            contract_version: CONTRACT_VERSION.into(),
            checks,
        }
    }

    fn param(name: &str) -> ParamSpec {
        ParamSpec {
            name: name.into(),
            description: String::new(),
            default: ParamValue::Integer(90),
        }
    }

    fn refused(info: &PluginInfo) -> String {
        validate_info(info).expect_err("refused")
    }

    #[test]
    fn a_well_formed_description_is_accepted() {
        let mut c = check("iam.mfa_v2-x");
        c.params = vec![param("max_age"), param("min_age")];
        assert_eq!(validate_info(&info(vec![c, check("iam.root")])), Ok(()));
    }

    #[test]
    fn names_and_check_ids_must_be_lowercase_ids() {
        for bad in ["", "AWS", "aws iam", "aws/iam"] {
            let mut i = info(vec![check("iam.a")]);
            i.name = bad.into();
            assert!(refused(&i).contains("plugin name"), "{bad:?}");
            assert!(
                refused(&info(vec![check(bad)])).contains("check id"),
                "{bad:?}"
            );
        }
        assert!(refused(&info(vec![check(&"a".repeat(129))])).contains("check id"));
        assert_eq!(validate_info(&info(vec![check(&"a".repeat(128))])), Ok(()));
    }

    #[test]
    fn check_ids_and_parameters_are_unique_and_a_plugin_has_checks() {
        let e = refused(&info(vec![check("iam.a"), check("iam.b"), check("iam.a")]));
        assert!(e.contains("`iam.a` is declared twice"), "{e}");
        let mut c = check("iam.a");
        c.params = vec![param("days"), param("days")];
        let e = refused(&info(vec![c]));
        assert!(e.contains("parameter `days` twice"), "{e}");
        assert_eq!(refused(&info(Vec::new())), "declares no checks");
        let mut c = check("iam.a");
        c.domain = " ".into();
        assert!(refused(&info(vec![c])).contains("empty title or domain"));
    }

    #[test]
    fn the_declared_contract_version_must_be_compatible() {
        let ours = semver::Version::parse(CONTRACT_VERSION).expect("ours");
        let mut i = info(vec![check("iam.a")]);
        i.contract_version = format!("{}.{}.99", ours.major, ours.minor);
        assert_eq!(validate_info(&i), Ok(()), "patch versions are compatible");
        i.contract_version = format!("{}.{}.0", ours.major, ours.minor + 1);
        assert!(
            refused(&i).contains("this host supports"),
            "{}",
            refused(&i)
        );
        i.contract_version = "one".into();
        assert!(refused(&i).contains("not a semantic version"));
    }

    #[test]
    fn every_field_is_capped() {
        let long = |n: usize| "x".repeat(n);
        let at_cap = {
            let mut c = check("iam.a");
            c.title = long(caps::TITLE);
            c.description = long(caps::PROSE);
            c.remediation = long(caps::PROSE);
            c.controls = vec![
                Control {
                    framework: "soc2".into(),
                    id: long(caps::CONTROL),
                };
                caps::CONTROLS
            ];
            c
        };
        assert_eq!(validate_info(&info(vec![at_cap.clone()])), Ok(()));
        type Grow = fn(&mut CheckInfo);
        let over: Vec<(Grow, &str)> = vec![
            (|c| c.title.push('x'), "title is 201 bytes long"),
            (
                |c| c.remediation.push('x'),
                "remediation is 2049 bytes long",
            ),
            (
                |c| {
                    for (n, k) in c.controls.iter_mut().enumerate() {
                        k.framework = format!("f{}", n % 5);
                    }
                },
                "controls of 5 frameworks",
            ),
            (
                |c| c.reads = vec![EntityKind::Principals, EntityKind::Principals],
                "entity kind twice",
            ),
            (|c| c.rationale = "x".repeat(caps::PROSE + 1), "rationale"),
            (|c| c.domain = "x".repeat(caps::DOMAIN + 1), "domain"),
            (|c| c.controls[0].id.push('x'), "a control id"),
            (|c| c.controls.push(c.controls[0].clone()), "65 controls"),
            (
                |c| {
                    c.params = vec![ParamSpec {
                        name: "p".into(),
                        description: String::new(),
                        default: ParamValue::TextList(vec![String::new(); caps::PARAM_LIST + 1]),
                    }]
                },
                "65 default texts",
            ),
        ];
        for (grow, expected) in over {
            let mut c = at_cap.clone();
            grow(&mut c);
            let e = refused(&info(vec![c]));
            assert!(e.contains(expected) && e.contains("`iam.a`"), "{e}");
        }
        let mut i = info(vec![check("iam.a")]);
        i.vendor = long(caps::LABEL + 1);
        assert!(refused(&i).contains("vendor"));
        let many = (0..=caps::CHECKS)
            .map(|n| check(&format!("c.{n}")))
            .collect();
        assert!(refused(&info(many)).contains("1025 checks"));
    }
    fn scope(check: &str, providers: &[&str]) -> CheckScope {
        CheckScope {
            check: check.into(),
            providers: providers.iter().map(|p| p.to_string()).collect(),
        }
    }

    #[test]
    fn scopes_give_checks_their_sorted_providers_and_unscoped_checks_apply_everywhere() {
        let mut i = info(vec![
            check("sharing.s3"),
            check("iam.tenant"),
            check("iam.any"),
        ]);
        let scopes = vec![
            scope("iam.tenant", &["m365", "google-workspace"]),
            scope("sharing.s3", &["aws"]),
        ];
        assert_eq!(apply_scopes(&mut i, scopes), Ok(()));
        let providers = |id: &str| {
            let c = i.checks.iter().find(|c| c.id == id).expect("check");
            c.providers.clone()
        };
        assert_eq!(providers("iam.tenant"), ["google-workspace", "m365"]);
        assert_eq!(providers("sharing.s3"), ["aws"]);
        assert!(providers("iam.any").is_empty());
        let s3 = &i.checks[0];
        assert!(s3.applies_to(["m365", "aws"].into_iter()));
        assert!(!s3.applies_to(["m365", "github"].into_iter()));
        assert!(!s3.applies_to(std::iter::empty()));
        assert!(i.checks[2].applies_to(std::iter::empty()), "unscoped");
        // No `scope` export at all: nothing changes.
        let mut plain = info(vec![check("iam.a")]);
        assert_eq!(apply_scopes(&mut plain, Vec::new()), Ok(()));
        assert!(plain.checks[0].providers.is_empty());
    }

    #[test]
    fn a_scope_naming_an_undeclared_check_or_no_provider_is_refused_naming_the_check() {
        let refused = |scopes: Vec<CheckScope>| {
            let mut i = info(vec![check("iam.a"), check("iam.b")]);
            apply_scopes(&mut i, scopes).expect_err("refused")
        };
        let e = refused(vec![scope("iam.a", &["aws"]), scope("iam.zzz", &["aws"])]);
        assert_eq!(
            e,
            ScopeError::UnknownCheck {
                check: "iam.zzz".into()
            }
        );
        assert_eq!(e.check(), "iam.zzz");
        let e = refused(vec![scope("iam.b", &[])]);
        assert_eq!(
            e,
            ScopeError::NoProviders {
                check: "iam.b".into()
            }
        );
        assert!(e.to_string().contains("`iam.b`"), "{e}");
        let e = refused(vec![scope("iam.a", &["aws"]), scope("iam.a", &["m365"])]);
        assert_eq!(e.check(), "iam.a");
        assert!(matches!(e, ScopeError::DuplicateCheck { .. }), "{e:?}");
        for bad in ["", "AWS", "a w s", &"x".repeat(caps::PROVIDER + 1)] {
            let e = refused(vec![scope("iam.a", &[bad])]);
            assert!(
                matches!(e, ScopeError::BadProvider { .. }),
                "{bad:?}: {e:?}"
            );
        }
        let e = refused(vec![scope("iam.a", &["aws", "m365", "aws"])]);
        assert!(e.to_string().contains("provider `aws` twice"), "{e}");
        let many: Vec<String> = (0..=caps::PROVIDERS).map(|n| format!("p{n}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let e = refused(vec![scope("iam.a", &many)]);
        assert!(e.to_string().contains("33 providers"), "{e}");
    }
}
