//! The user's configuration file (TOML): which checks run, their parameters and severities,
//! and the limits plugins run under. Validated against the loaded plugins' metadata before a
//! scan starts, so that a typo is an error rather than a silently ignored setting.
//!
//! ```toml
//! [limits]                      # all plugins
//! memory-mib = 256
//! deadline-ms = 30000
//!
//! [plugins.posture-iam.limits]  # one plugin
//! deadline-ms = 5000
//!
//! [checks."iam.admin-mfa"]
//! enabled = true
//! severity = "critical"         # replaces the check's default severity
//!
//! [checks."iam.stale-accounts".params]
//! max-days = 60
//!
//! [actions]                     # action plan: owners and due dates (see `actions`)
//! default-owner = "security@acme.example"
//!
//! [trust.keys.acme]             # plugins from registries (see `trust`)
//! public-key = "keys/acme.pub"
//! ```

use crate::limits::{Limits, LimitsOverride};
use crate::model::{CheckInfo, ParamValue, Severity};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Errors reading or validating the configuration.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{path}: cannot read configuration")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML or has unknown keys.
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message, with line and column.
        message: String,
    },
    /// A setting does not match the loaded plugins.
    #[error("{origin}: {message}")]
    Invalid {
        /// The file (or `defaults`).
        origin: String,
        /// What is wrong, naming the key.
        message: String,
    },
}

/// Settings for one check.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckConfig {
    /// Run it (default true).
    pub enabled: Option<bool>,
    /// Replace its default severity.
    pub severity: Option<Severity>,
    /// Parameter overrides.
    #[serde(default)]
    pub params: BTreeMap<String, toml::Value>,
}

/// Settings for one plugin.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PluginConfig {
    /// Load it (default true).
    pub enabled: Option<bool>,
    /// Limit overrides for this plugin.
    #[serde(default)]
    pub limits: LimitsOverride,
}

/// The whole configuration.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Limits for all plugins.
    #[serde(default)]
    pub limits: LimitsOverride,
    /// Per-plugin settings, by plugin name.
    #[serde(default)]
    pub plugins: BTreeMap<String, PluginConfig>,
    /// Per-check settings, by check id.
    #[serde(default)]
    pub checks: BTreeMap<String, CheckConfig>,
    /// Owners and SLAs for the action plan.
    #[serde(default)]
    pub actions: crate::report::actions::ActionPolicy,
    /// How often checks are promised to run (evidence gaps).
    #[serde(default)]
    pub evidence: crate::report::cadence::EvidencePolicy,
    /// Which keys may publish which plugins installed from a registry (`plugins add`).
    #[serde(default)]
    pub trust: crate::trust::TrustPolicy,
    /// Where it came from, for messages.
    #[serde(skip)]
    pub origin: String,
    /// sha256 of the file it was read from (hex), when read from a file.
    #[serde(skip)]
    pub sha256: Option<String>,
}

impl Config {
    /// Reads and parses `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = crate::input::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut c = Config::deserialize(&text).map_err(|message| ConfigError::Parse {
            path: path.to_path_buf(),
            message,
        })?;
        c.origin = path.display().to_string();
        c.trust.validate().map_err(|message| c.invalid(message))?;
        c.sha256 = Some(hex::encode(<sha2::Sha256 as sha2::Digest>::digest(
            text.as_bytes(),
        )));
        Ok(c)
    }

    /// Parses TOML text, and refuses a `[trust]` policy that does not validate
    /// ([`crate::trust::TrustPolicy::validate`]).
    pub fn parse(text: &str) -> Result<Config, String> {
        let c = Config::deserialize(text)?;
        c.trust.validate()?;
        Ok(c)
    }

    fn deserialize(text: &str) -> Result<Config, String> {
        let mut c: Config =
            toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())?;
        c.origin = "configuration".into();
        Ok(c)
    }

    /// Whether plugin `name` should be used.
    pub fn plugin_enabled(&self, name: &str) -> bool {
        self.plugins
            .get(name)
            .and_then(|p| p.enabled)
            .unwrap_or(true)
    }

    /// Effective limits for plugin `name`.
    pub fn limits_for(&self, name: &str) -> Limits {
        let base = Limits::default().with(&self.limits);
        match self.plugins.get(name) {
            Some(p) => base.with(&p.limits),
            None => base,
        }
    }

    /// Whether check `id` should run.
    pub fn check_enabled(&self, id: &str) -> bool {
        self.checks.get(id).and_then(|c| c.enabled).unwrap_or(true)
    }

    /// The severities configured per check id.
    pub fn severity_overrides(&self) -> crate::report::SeverityOverrides {
        self.checks
            .iter()
            .filter_map(|(id, c)| c.severity.map(|s| (id.clone(), s)))
            .collect()
    }

    /// The severity configured for check `id`, if any.
    pub fn severity_for(&self, id: &str) -> Option<Severity> {
        self.checks.get(id).and_then(|c| c.severity)
    }

    /// Effective parameters of `check`: every declared parameter, the configured value where
    /// one is set (type-checked), else the default.
    pub fn params_for(&self, check: &CheckInfo) -> Result<Vec<(String, ParamValue)>, ConfigError> {
        let overrides = self.checks.get(&check.id).map(|c| &c.params);
        if let Some(o) = overrides {
            for name in o.keys() {
                if !check.params.iter().any(|p| &p.name == name) {
                    let known: Vec<&str> = check.params.iter().map(|p| p.name.as_str()).collect();
                    return Err(self.invalid(format!(
                        "checks.\"{}\".params.{name}: unknown parameter (this check has: {})",
                        check.id,
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    )));
                }
            }
        }
        let mut out = Vec::with_capacity(check.params.len());
        for spec in &check.params {
            let value = match overrides.and_then(|o| o.get(&spec.name)) {
                Some(v) => convert_param(v, &spec.default).ok_or_else(|| {
                    self.invalid(format!(
                        "checks.\"{}\".params.{}: expected {}, found {}",
                        check.id,
                        spec.name,
                        spec.default.type_name(),
                        v.type_str()
                    ))
                })?,
                None => spec.default.clone(),
            };
            out.push((spec.name.clone(), value));
        }
        Ok(out)
    }

    /// Fails if the configuration names plugins or checks that none of `known_plugins` /
    /// `known_checks` provide.
    pub fn validate_names<'a>(
        &self,
        known_plugins: impl Iterator<Item = &'a str> + Clone,
        known_checks: impl Iterator<Item = &'a str> + Clone,
    ) -> Result<(), ConfigError> {
        for name in self.plugins.keys() {
            if !known_plugins.clone().any(|p| p == name) {
                return Err(self.invalid(format!("plugins.{name}: no loaded plugin has this name")));
            }
        }
        for id in self.checks.keys() {
            if !known_checks.clone().any(|c| c == id) {
                return Err(self.invalid(format!(
                    "checks.\"{id}\": no loaded plugin provides this check (see `posture plugins list`)"
                )));
            }
        }
        Ok(())
    }

    fn invalid(&self, message: String) -> ConfigError {
        ConfigError::Invalid {
            origin: self.origin.clone(),
            message,
        }
    }
}

/// Converts a TOML value to the type of `default`, or `None` if it does not fit.
fn convert_param(v: &toml::Value, default: &ParamValue) -> Option<ParamValue> {
    Some(match (default, v) {
        (ParamValue::Integer(_), toml::Value::Integer(i)) => ParamValue::Integer(*i),
        (ParamValue::Number(_), toml::Value::Float(f)) => ParamValue::Number(*f),
        (ParamValue::Number(_), toml::Value::Integer(i)) => ParamValue::Number(*i as f64),
        (ParamValue::Text(_), toml::Value::String(s)) => ParamValue::Text(s.clone()),
        (ParamValue::Flag(_), toml::Value::Boolean(b)) => ParamValue::Flag(*b),
        (ParamValue::TextList(_), toml::Value::Array(items)) => ParamValue::TextList(
            items
                .iter()
                .map(|i| i.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()?,
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ParamSpec;

    fn check() -> CheckInfo {
        CheckInfo {
            id: "iam.stale".into(),
            title: "t".into(),
            description: "d".into(),
            default_severity: Severity::Medium,
            domain: "iam".into(),
            rationale: "r".into(),
            remediation: "m".into(),
            controls: vec![],
            params: vec![ParamSpec {
                name: "max-days".into(),
                description: "days".into(),
                default: ParamValue::Integer(90),
            }],
            reads: vec![],
            providers: vec![],
        }
    }

    #[test]
    fn params_default_and_override() {
        let c = Config::default();
        assert_eq!(
            c.params_for(&check()).expect("ok"),
            vec![("max-days".into(), ParamValue::Integer(90))]
        );
        let c = Config::parse("[checks.\"iam.stale\".params]\nmax-days = 30\n").expect("parse");
        assert_eq!(
            c.params_for(&check()).expect("ok"),
            vec![("max-days".into(), ParamValue::Integer(30))]
        );
    }

    #[test]
    fn wrong_param_type_and_unknown_param_are_errors() {
        let c =
            Config::parse("[checks.\"iam.stale\".params]\nmax-days = \"thirty\"\n").expect("parse");
        let e = c.params_for(&check()).expect_err("type").to_string();
        assert!(
            e.contains("max-days") && e.contains("expected integer"),
            "{e}"
        );
        let c = Config::parse("[checks.\"iam.stale\".params]\nmax-dayz = 3\n").expect("parse");
        let e = c.params_for(&check()).expect_err("unknown").to_string();
        assert!(
            e.contains("unknown parameter") && e.contains("max-days"),
            "{e}"
        );
    }

    #[test]
    fn unknown_keys_and_names_are_rejected() {
        assert!(Config::parse("[limits]\nmemory = 3\n").is_err());
        let c = Config::parse("[checks.\"iam.nope\"]\nenabled = false\n").expect("parse");
        let e = c
            .validate_names(["p"].into_iter(), ["iam.stale"].into_iter())
            .expect_err("unknown check")
            .to_string();
        assert!(e.contains("iam.nope"), "{e}");
    }

    #[test]
    fn a_bad_trust_policy_is_a_configuration_error() {
        let text = "[trust.keys.acme]\npublic-key = \"acme.pub\"\ncheck-prefixes = [\"iam\"]\n";
        let message = "[trust.keys.acme] check-prefixes: `iam` must end with `.` (as in `iam.`), so that it cannot also own `iamx.*`";
        assert_eq!(Config::parse(text).expect_err("bad prefix"), message);
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("posture.toml");
        std::fs::write(&path, text).expect("write");
        match Config::load(&path) {
            Err(ConfigError::Invalid { origin, message: m }) => {
                assert_eq!(origin, path.display().to_string());
                assert_eq!(m, message);
            }
            other => panic!("expected ConfigError::Invalid, got {other:?}"),
        }
        std::fs::write(&path, text.replace("\"iam\"", "\"iam.\"")).expect("write");
        assert!(Config::load(&path).is_ok());
    }

    #[test]
    fn limits_layer_global_then_plugin() {
        let c = Config::parse("[limits]\nmemory-mib = 64\n[plugins.p.limits]\ndeadline-ms = 100\n")
            .expect("parse");
        let l = c.limits_for("p");
        assert_eq!(l.memory_bytes, 64 * 1024 * 1024);
        assert_eq!(l.deadline.as_millis(), 100);
        assert_eq!(c.limits_for("q").deadline, Limits::default().deadline);
    }
}
