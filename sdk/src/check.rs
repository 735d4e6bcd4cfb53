//! Declaring checks and the plugin: [`Check`] couples a check's metadata (and the providers
//! it applies to) with its function; [`Plugin`] is the one place that lists the plugin's
//! identity and checks.

use crate::bindings::exports::posture::plugin::scope::CheckScope;
use crate::bindings::posture::plugin::types::*;
use crate::context::Context;
use crate::snapshot::{Absent, Snapshot};
use std::fmt;

/// Why a check could not produce findings normally.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckError {
    /// An entity kind the check needs is not in the snapshot: reported as not-evaluable.
    Absent(EntityKind),
    /// A parameter is missing or has the wrong type: reported as an error finding.
    Param(String),
    /// Anything else: reported as an error finding.
    Other(String),
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckError::Absent(kind) => Absent { kind: *kind }.fmt(f),
            CheckError::Param(m) | CheckError::Other(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for CheckError {}

impl From<Absent> for CheckError {
    fn from(a: Absent) -> Self {
        CheckError::Absent(a.kind)
    }
}

/// What a check function returns.
pub type CheckResult = Result<Vec<Finding>, CheckError>;

/// A check function.
pub type CheckFn = fn(&Context, &Snapshot) -> CheckResult;

/// One check: metadata plus the function that evaluates it.
#[derive(Clone)]
pub struct Check {
    /// The metadata reported by `describe`.
    pub metadata: CheckMetadata,
    /// The providers the check applies to, reported by the `scope` export; empty: every
    /// provider.
    pub providers: Vec<String>,
    /// The evaluation.
    pub run: CheckFn,
}

impl fmt::Debug for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Check")
            .field("id", &self.metadata.id)
            .finish()
    }
}

impl Check {
    /// A check with id `id` (`<domain>.<name>`; the domain defaults to the part before the
    /// first dot) evaluated by `run`. Fill in the metadata with the builder methods.
    pub fn new(id: &str, run: CheckFn) -> Check {
        let domain = id.split_once('.').map_or(id, |(d, _)| d).to_string();
        Check {
            metadata: CheckMetadata {
                id: id.to_string(),
                title: String::new(),
                description: String::new(),
                default_severity: Severity::Medium,
                domain,
                rationale: String::new(),
                remediation: String::new(),
                controls: Vec::new(),
                params: Vec::new(),
                reads: Vec::new(),
            },
            providers: Vec::new(),
            run,
        }
    }

    /// Short title stated as the desired state.
    pub fn title(mut self, s: &str) -> Check {
        self.metadata.title = s.to_string();
        self
    }

    /// What it inspects and when it fails.
    pub fn description(mut self, s: &str) -> Check {
        self.metadata.description = s.to_string();
        self
    }

    /// Why it matters.
    pub fn rationale(mut self, s: &str) -> Check {
        self.metadata.rationale = s.to_string();
        self
    }

    /// Steps a person can follow to fix a failure.
    pub fn remediation(mut self, s: &str) -> Check {
        self.metadata.remediation = s.to_string();
        self
    }

    /// Default severity of failures.
    pub fn severity(mut self, s: Severity) -> Check {
        self.metadata.default_severity = s;
        self
    }

    /// Domain, if not the id's prefix.
    pub fn domain(mut self, d: &str) -> Check {
        self.metadata.domain = d.to_string();
        self
    }

    /// A control of any framework.
    pub fn control(mut self, framework: &str, id: &str) -> Check {
        self.metadata.controls.push(Control {
            framework: framework.to_string(),
            id: id.to_string(),
        });
        self
    }

    /// A SOC 2 Trust Services Criterion, e.g. `CC6.1`.
    pub fn soc2(self, id: &str) -> Check {
        self.control("soc2", id)
    }

    /// An ISO/IEC 27001:2022 Annex A control, e.g. `A.8.5`.
    pub fn iso27001(self, id: &str) -> Check {
        self.control("iso27001", id)
    }

    /// Entity kinds the check reads (the host refuses reads of others).
    pub fn reads(mut self, kinds: &[EntityKind]) -> Check {
        for k in kinds {
            if !self.metadata.reads.contains(k) {
                self.metadata.reads.push(*k);
            }
        }
        self
    }

    /// The providers the check applies to, as in `account.provider` (`aws`, `m365`,
    /// `google-workspace`, `github`, …), for a check that only makes sense for some. On a
    /// snapshot with no account of any of them, the host reports the check once as not
    /// applicable instead of running it. Leave it out for a check that applies to every
    /// provider.
    pub fn providers(mut self, providers: &[&str]) -> Check {
        for p in providers {
            if !self.providers.iter().any(|q| q == p) {
                self.providers.push(p.to_string());
            }
        }
        self
    }

    fn param(mut self, name: &str, default: ParamValue, description: &str) -> Check {
        self.metadata.params.push(ParamSpec {
            name: name.to_string(),
            description: description.to_string(),
            default,
        });
        self
    }

    /// An integer parameter with its default.
    pub fn param_int(self, name: &str, default: i64, description: &str) -> Check {
        self.param(name, ParamValue::Integer(default), description)
    }

    /// A number parameter with its default.
    pub fn param_number(self, name: &str, default: f64, description: &str) -> Check {
        self.param(name, ParamValue::Number(default), description)
    }

    /// A text parameter with its default.
    pub fn param_text(self, name: &str, default: &str, description: &str) -> Check {
        self.param(name, ParamValue::Text(default.to_string()), description)
    }

    /// A boolean parameter with its default.
    pub fn param_flag(self, name: &str, default: bool, description: &str) -> Check {
        self.param(name, ParamValue::Flag(default), description)
    }

    /// A list-of-texts parameter with its default.
    pub fn param_text_list(self, name: &str, default: &[&str], description: &str) -> Check {
        let v = default.iter().map(|s| s.to_string()).collect();
        self.param(name, ParamValue::TextList(v), description)
    }

    /// Runs the check, turning a [`CheckError`] into one not-evaluable or error finding so that
    /// the check is never silently missing from the results.
    pub fn evaluate(&self, cx: &Context, snap: &Snapshot) -> Vec<Finding> {
        let id = &self.metadata.id;
        match (self.run)(cx, snap) {
            Ok(findings) => findings,
            Err(CheckError::Absent(kind)) => vec![Absent { kind }.finding(id)],
            Err(e) => vec![Finding {
                check_id: id.clone(),
                status: Status::Error,
                resource: ResourceRef {
                    kind: "check".into(),
                    id: id.clone(),
                    display_name: None,
                    account: None,
                },
                message: e.to_string(),
                severity: None,
                evidence: Vec::new(),
            }],
        }
    }
}

/// A plugin: its identity and its checks.
#[derive(Debug, Clone)]
pub struct Plugin {
    /// Unique name, e.g. `posture-iam`.
    pub name: String,
    /// Version (semver).
    pub version: String,
    /// Who ships it.
    pub vendor: String,
    /// The checks.
    pub checks: Vec<Check>,
}

impl Plugin {
    /// A plugin with no checks yet.
    pub fn new(name: &str, version: &str, vendor: &str) -> Plugin {
        Plugin {
            name: name.to_string(),
            version: version.to_string(),
            vendor: vendor.to_string(),
            checks: Vec::new(),
        }
    }

    /// Adds a check.
    pub fn check(mut self, c: Check) -> Plugin {
        self.checks.push(c);
        self
    }

    /// The self-description returned by `describe`.
    pub fn describe(&self) -> PluginInfo {
        PluginInfo {
            name: self.name.clone(),
            version: self.version.clone(),
            vendor: self.vendor.clone(),
            contract_version: crate::CONTRACT_VERSION.to_string(),
            checks: self.checks.iter().map(|c| c.metadata.clone()).collect(),
        }
    }

    /// The providers of every check that declares some (what the `scope` export returns);
    /// checks that declare none apply to every provider and are left out.
    pub fn scope(&self) -> Vec<CheckScope> {
        self.checks
            .iter()
            .filter(|c| !c.providers.is_empty())
            .map(|c| CheckScope {
                check: c.metadata.id.clone(),
                providers: c.providers.clone(),
            })
            .collect()
    }

    /// Runs the requested checks against `snap` (what `evaluate` does in a component).
    pub fn evaluate(
        &self,
        ctx: EvaluationContext,
        snap: &Snapshot,
    ) -> Result<Vec<Finding>, PluginError> {
        let mut out = Vec::new();
        for req in ctx.checks {
            let Some(check) = self.checks.iter().find(|c| c.metadata.id == req.check_id) else {
                return Err(PluginError {
                    message: format!("plugin {} has no check `{}`", self.name, req.check_id),
                });
            };
            let cx = Context::new(
                ctx.now,
                ctx.captured_at,
                ctx.accounts.clone(),
                req.params,
                check.metadata.params.clone(),
            );
            out.extend(check.evaluate(&cx, snap));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nothing(_: &Context, _: &Snapshot) -> CheckResult {
        Ok(Vec::new())
    }

    #[test]
    fn the_scope_lists_the_checks_that_declare_providers_each_once() {
        let plugin = Plugin::new("p", "1.0.0", "v")
            .check(Check::new("iam.everywhere", nothing))
            .check(
                Check::new("sharing.s3", nothing)
                    .providers(&["aws"])
                    .providers(&["aws"]),
            )
            .check(Check::new("iam.tenant", nothing).providers(&["m365", "google-workspace"]));
        assert_eq!(
            plugin.scope(),
            vec![
                CheckScope {
                    check: "sharing.s3".into(),
                    providers: vec!["aws".into()],
                },
                CheckScope {
                    check: "iam.tenant".into(),
                    providers: vec!["m365".into(), "google-workspace".into()],
                },
            ]
        );
        let unscoped = Plugin::new("p", "1.0.0", "v").check(Check::new("iam.a", nothing));
        assert!(unscoped.scope().is_empty());
    }
}
