//! The trust policy for plugins installed from a registry (`[trust]` in the configuration):
//! which signing keys are trusted, which plugin names and check-id prefixes each key may
//! publish, and whether unsigned plugins may be installed.
//!
//! ```toml
//! [trust]
//! allow-unsigned = false                 # the default: `plugins add` refuses unsigned plugins
//!
//! [trust.keys.posture]                   # a key's name: how messages and the lock name it
//! public-key = "keys/posture.pub"        # SPKI PEM (`posture keygen`), relative to this file
//! check-prefixes = ["iam.", "logging."]  # owned: only this key may publish these checks
//!
//! [trust.keys.acme]
//! public-key = "keys/acme.pub"
//! plugins = ["acme-*"]                   # plugin names it may publish (`*` ends a prefix)
//! check-prefixes = ["acme."]
//! ```
//!
//! The rules, in the order they are applied:
//! 1. A key with `plugins` may publish only plugins whose names match one of them.
//! 2. A check-id prefix listed by any key is **owned** by the keys that list it. A check is
//!    governed by the longest owned prefix it starts with; only that prefix's owners may
//!    publish it (so an unsigned plugin, or another vendor's key, can never publish `iam.*`
//!    once a key owns `iam.`).
//! 3. A key with `check-prefixes` may publish only checks under them.
//!
//! The policy is checked when the configuration is read ([`TrustPolicy::validate`]), so that
//! a pattern which would quietly own too much, or match nothing, is an error instead:
//! - a check prefix (after reading `x.*` as `x.`) must be non-empty, end with `.`, and contain
//!   no other `*` and no whitespace: `iam` would also own `iamx.*`, and `""` or `"*"` every
//!   check;
//! - a plugin-name pattern must be non-empty, with `*` only as its last character (`acme-*`;
//!   `*` alone is any name): `*-checks` would match nothing;
//! - `public-key` must not be empty.
//!
//! Pure policy: signatures are verified by `posture-distribution`, which asks this module
//! whether the verified signer may install a plugin with the checks it declares.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The `[trust]` section.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TrustPolicy {
    /// Whether plugins without a signature by a trusted key may be installed (default false:
    /// `plugins add --allow-unsigned` accepts one explicitly).
    #[serde(default)]
    pub allow_unsigned: bool,
    /// Trusted keys by name.
    #[serde(default)]
    pub keys: BTreeMap<String, TrustedKey>,
}

/// One trusted signing key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TrustedKey {
    /// The Ed25519 public key (SPKI PEM), relative to the configuration file's directory.
    pub public_key: PathBuf,
    /// Plugin names the key may publish; a trailing `*` matches any suffix. Empty: any name.
    #[serde(default)]
    pub plugins: Vec<String>,
    /// Check-id prefixes the key may publish (and owns); `iam.*` is read as `iam.`. Empty:
    /// any check not owned by another key.
    #[serde(default)]
    pub check_prefixes: Vec<String>,
}

/// Why the policy refuses a plugin.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TrustViolation {
    /// The key may not publish a plugin of this name.
    #[error("key `{key}` may publish only plugins named {allowed}, not `{plugin}`")]
    PluginName {
        /// The signer.
        key: String,
        /// The plugin's name.
        plugin: String,
        /// The patterns allowed, joined.
        allowed: String,
    },
    /// A check falls under a prefix owned by other keys.
    #[error(
        "check `{check}` is under `{prefix}`, which only {owners} may publish; {signer} does not own it"
    )]
    OwnedByOthers {
        /// The signer (`key \`name\`` or `an unsigned plugin`).
        signer: String,
        /// The check id.
        check: String,
        /// The owned prefix.
        prefix: String,
        /// The owners, joined.
        owners: String,
    },
    /// A check outside the signer's prefixes.
    #[error("key `{key}` may publish only checks under {prefixes}, not `{check}`")]
    OutsidePrefixes {
        /// The signer.
        key: String,
        /// The check id.
        check: String,
        /// Its prefixes, joined.
        prefixes: String,
    },
}

/// `iam.*` and `iam.` are the same prefix.
fn prefix(p: &str) -> &str {
    p.strip_suffix('*').unwrap_or(p)
}

fn name_matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => pattern == name,
    }
}

fn quoted(items: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    items
        .into_iter()
        .map(|s| format!("`{}`", s.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How `[trust.keys.<name>]` is written in TOML: bare when it can be, else quoted.
fn key_table(name: &str) -> String {
    let bare = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if bare {
        format!("[trust.keys.{name}]")
    } else {
        format!("[trust.keys.{}]", toml::Value::String(name.to_owned()))
    }
}

/// Why check prefix `raw` is refused, if it is.
fn prefix_problem(raw: &str) -> Option<String> {
    let p = prefix(raw);
    if p.is_empty() {
        Some(format!(
            "`{raw}` is empty, so it would own every check; name a prefix ending with `.`, as in `iam.`"
        ))
    } else if p.contains('*') {
        Some(format!(
            "`{raw}` may contain `*` only after its final `.` (as in `iam.*`), it is not a wildcard elsewhere"
        ))
    } else if p.chars().any(char::is_whitespace) {
        Some(format!(
            "`{raw}` contains whitespace, which no check id does"
        ))
    } else if !p.ends_with('.') {
        Some(format!(
            "`{raw}` must end with `.` (as in `{p}.`), so that it cannot also own `{p}x.*`"
        ))
    } else {
        None
    }
}

/// Why plugin-name pattern `raw` is refused, if it is.
fn pattern_problem(raw: &str) -> Option<String> {
    if raw.is_empty() {
        Some("`` is empty and matches no plugin name; use `*` for any name".to_owned())
    } else if raw.strip_suffix('*').unwrap_or(raw).contains('*') {
        Some(format!(
            "`{raw}` may contain `*` only as its last character (as in `acme-*`); elsewhere it would match nothing"
        ))
    } else {
        None
    }
}

impl TrustPolicy {
    /// Refuses patterns that would own more than they say or match nothing (the rules are in
    /// the module documentation): the message names the key, the setting and the bad value,
    /// e.g. ``[trust.keys.acme] check-prefixes: `iam` must end with `.` (as in `iam.`), so that
    /// it cannot also own `iamx.*` ``. The first problem found, in key-name order.
    pub fn validate(&self) -> Result<(), String> {
        for (name, key) in &self.keys {
            let table = key_table(name);
            if key.public_key.as_os_str().is_empty() {
                return Err(format!(
                    "{table} public-key: the path is empty; name the key's SPKI PEM file"
                ));
            }
            if let Some(problem) = key.plugins.iter().find_map(|p| pattern_problem(p)) {
                return Err(format!("{table} plugins: {problem}"));
            }
            if let Some(problem) = key.check_prefixes.iter().find_map(|p| prefix_problem(p)) {
                return Err(format!("{table} check-prefixes: {problem}"));
            }
        }
        Ok(())
    }

    /// The longest owned prefix `check` starts with, and its owners (sorted key names).
    pub fn owner_of(&self, check: &str) -> Option<(&str, Vec<&str>)> {
        let longest = self
            .keys
            .values()
            .flat_map(|k| k.check_prefixes.iter().map(|p| prefix(p)))
            .filter(|p| check.starts_with(p))
            .max_by_key(|p| p.len())?;
        let owners = self
            .keys
            .iter()
            .filter(|(_, k)| k.check_prefixes.iter().any(|p| prefix(p) == longest))
            .map(|(name, _)| name.as_str())
            .collect();
        Some((longest, owners))
    }

    /// Whether a plugin named `plugin` declaring `checks` may be installed when signed by the
    /// trusted key `signer` (`None`: unsigned, accepted explicitly). Whether unsigned plugins
    /// are allowed at all is the caller's question ([`TrustPolicy::allow_unsigned`]).
    pub fn admit<'c>(
        &self,
        signer: Option<&str>,
        plugin: &str,
        checks: impl IntoIterator<Item = &'c str>,
    ) -> Result<(), TrustViolation> {
        let key = signer.and_then(|s| self.keys.get(s).map(|k| (s, k)));
        if let Some((name, k)) = key
            && !k.plugins.is_empty()
            && !k.plugins.iter().any(|p| name_matches(p, plugin))
        {
            return Err(TrustViolation::PluginName {
                key: name.to_owned(),
                plugin: plugin.to_owned(),
                allowed: quoted(&k.plugins),
            });
        }
        for check in checks {
            if let Some((owned, owners)) = self.owner_of(check)
                && !signer.is_some_and(|s| owners.contains(&s))
            {
                return Err(TrustViolation::OwnedByOthers {
                    signer: match signer {
                        Some(s) => format!("key `{s}`"),
                        None => "an unsigned plugin".to_owned(),
                    },
                    check: check.to_owned(),
                    prefix: owned.to_owned(),
                    owners: quoted(owners),
                });
            }
            if let Some((name, k)) = key
                && !k.check_prefixes.is_empty()
                && !k
                    .check_prefixes
                    .iter()
                    .any(|p| check.starts_with(prefix(p)))
            {
                return Err(TrustViolation::OutsidePrefixes {
                    key: name.to_owned(),
                    check: check.to_owned(),
                    prefixes: quoted(&k.check_prefixes),
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> TrustPolicy {
        toml::from_str(
            r#"
            [keys.posture]
            public-key = "posture.pub"
            check-prefixes = ["iam.*", "logging."]
            [keys.acme]
            public-key = "acme.pub"
            plugins = ["acme-*"]
            check-prefixes = ["acme.", "iam.acme."]
            [keys.community]
            public-key = "community.pub"
            "#,
        )
        .expect("valid policy")
    }

    #[test]
    fn parses_with_defaults_and_refuses_unknown_keys() {
        let p = policy();
        assert!(!p.allow_unsigned);
        assert_eq!(p.keys.len(), 3);
        assert!(toml::from_str::<TrustPolicy>("allow-unsigend = true").is_err());
        let e = toml::from_str::<TrustPolicy>("[keys.x]\nplugins = []\n").expect_err("no key");
        assert!(e.to_string().contains("public-key"), "{e}");
    }

    #[test]
    fn owned_prefixes_go_to_their_owners_only_and_the_longest_wins() {
        let p = policy();
        assert_eq!(p.owner_of("iam.admin-mfa"), Some(("iam.", vec!["posture"])));
        assert_eq!(p.owner_of("iam.acme.x"), Some(("iam.acme.", vec!["acme"])));
        assert_eq!(p.owner_of("sharing.x"), None);
        assert_eq!(
            p.admit(Some("posture"), "posture-iam", ["iam.admin-mfa"]),
            Ok(())
        );
        assert!(matches!(
            p.admit(Some("community"), "iam-extra", ["iam.admin-mfa"]),
            Err(TrustViolation::OwnedByOthers { .. })
        ));
        let e = p.admit(None, "x", ["logging.trails"]).expect_err("owned");
        assert_eq!(
            e.to_string(),
            "check `logging.trails` is under `logging.`, which only `posture` may publish; an unsigned plugin does not own it"
        );
        assert_eq!(p.admit(Some("acme"), "acme-x", ["iam.acme.sso"]), Ok(()));
        assert!(p.admit(Some("posture"), "p", ["iam.acme.sso"]).is_err());
        assert_eq!(p.admit(Some("community"), "c", ["sharing.x"]), Ok(()));
        assert_eq!(p.admit(None, "c", ["sharing.x"]), Ok(()));
    }

    /// The policy with one key `acme` whose table holds `settings` (TOML lines).
    fn acme(settings: &str) -> TrustPolicy {
        toml::from_str(&format!(
            "[keys.acme]\npublic-key = \"acme.pub\"\n{settings}\n"
        ))
        .expect("parses")
    }

    #[test]
    fn the_example_policies_validate() {
        assert_eq!(policy().validate(), Ok(()));
        assert_eq!(TrustPolicy::default().validate(), Ok(()));
        // The module documentation's example.
        let doc: String = include_str!("trust.rs")
            .lines()
            .filter_map(|l| l.strip_prefix("//!"))
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .skip_while(|l| *l != "```toml")
            .skip(1)
            .take_while(|l| *l != "```")
            .collect::<Vec<_>>()
            .join("\n");
        let table: toml::Table = toml::from_str(&doc).expect("the example parses");
        let example: TrustPolicy = table["trust"].clone().try_into().expect("a policy");
        assert_eq!(example.keys.len(), 2);
        assert_eq!(example.validate(), Ok(()));
        assert_eq!(
            acme(
                "plugins = [\"*\", \"acme-checks\"]\ncheck-prefixes = [\"acme.*\", \"iam.acme.\"]"
            )
            .validate(),
            Ok(())
        );
    }

    #[test]
    fn a_check_prefix_without_a_final_dot_is_refused() {
        assert_eq!(
            acme("check-prefixes = [\"acme.\", \"iam\"]").validate(),
            Err("[trust.keys.acme] check-prefixes: `iam` must end with `.` (as in `iam.`), so that it cannot also own `iamx.*`".to_owned())
        );
        let e = acme("check-prefixes = [\"iam*\"]")
            .validate()
            .expect_err("iam*");
        assert!(
            e.starts_with("[trust.keys.acme] check-prefixes: `iam*` must end with `.`"),
            "{e}"
        );
    }

    #[test]
    fn a_check_prefix_owning_every_check_is_refused() {
        for raw in ["", "*"] {
            let e = acme(&format!("check-prefixes = [\"{raw}\"]"))
                .validate()
                .expect_err(raw);
            assert!(
                e.starts_with(&format!(
                    "[trust.keys.acme] check-prefixes: `{raw}` is empty, so it would own every check"
                )),
                "{e}"
            );
        }
    }

    #[test]
    fn a_check_prefix_with_an_inner_star_or_whitespace_is_refused() {
        for raw in ["iam.*.", "*.iam.", "i*m.*"] {
            let e = acme(&format!("check-prefixes = [\"{raw}\"]"))
                .validate()
                .expect_err(raw);
            assert!(
                e.starts_with(&format!(
                    "[trust.keys.acme] check-prefixes: `{raw}` may contain `*` only after its final `.`"
                )),
                "{e}"
            );
        }
        for raw in ["iam. ", " iam.", "i am."] {
            let e = acme(&format!("check-prefixes = [\"{raw}\"]"))
                .validate()
                .expect_err(raw);
            assert_eq!(
                e,
                format!(
                    "[trust.keys.acme] check-prefixes: `{raw}` contains whitespace, which no check id does"
                )
            );
        }
    }

    #[test]
    fn a_plugin_pattern_that_matches_nothing_is_refused() {
        let e = acme("plugins = [\"acme-*\", \"\"]")
            .validate()
            .expect_err("empty");
        assert!(
            e.starts_with("[trust.keys.acme] plugins: `` is empty"),
            "{e}"
        );
        for raw in ["*-checks", "acme-*-x", "acme-**"] {
            let e = acme(&format!("plugins = [\"{raw}\"]"))
                .validate()
                .expect_err(raw);
            assert!(
                e.starts_with(&format!(
                    "[trust.keys.acme] plugins: `{raw}` may contain `*` only as its last character"
                )),
                "{e}"
            );
        }
    }

    #[test]
    fn an_empty_public_key_path_is_refused_and_odd_key_names_are_quoted() {
        let p: TrustPolicy =
            toml::from_str("[keys.\"acme corp\"]\npublic-key = \"\"\n").expect("parses");
        let e = p.validate().expect_err("empty path");
        assert!(
            e.starts_with("[trust.keys.\"acme corp\"] public-key: the path is empty"),
            "{e}"
        );
    }

    #[test]
    fn a_key_keeps_to_its_names_and_prefixes() {
        let p = policy();
        let e = p
            .admit(Some("acme"), "posture-iam", ["acme.x"])
            .expect_err("name");
        assert_eq!(
            e.to_string(),
            "key `acme` may publish only plugins named `acme-*`, not `posture-iam`"
        );
        let e = p
            .admit(Some("acme"), "acme-x", ["sharing.x"])
            .expect_err("prefix");
        assert!(matches!(e, TrustViolation::OutsidePrefixes { .. }), "{e}");
        assert_eq!(
            p.admit(Some("acme"), "acme-x", ["acme.a", "acme.b"]),
            Ok(())
        );
    }
}
