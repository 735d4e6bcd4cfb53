//! The plan of a scan: which checks each plugin runs, with which parameters and limits,
//! decided from the configuration after validating it against the plugins' metadata; then,
//! for one snapshot, which of them apply to it ([`scope`]): a check scoped to providers the
//! snapshot has no account of is set aside as not applicable.

use crate::config::{Config, ConfigError};
use crate::limits::Limits;
use crate::model::CheckRun;
use crate::runtime::LoadedPlugin;
use crate::snapshot::Snapshot;
use std::collections::BTreeSet;
use std::sync::Arc;

/// A plugin with the checks it will run and the limits it runs under.
pub struct Planned {
    /// The plugin.
    pub plugin: Arc<LoadedPlugin>,
    /// Enabled checks with effective parameters.
    pub checks: Vec<CheckRun>,
    /// Enabled checks set aside by [`scope`]: the snapshot covers no account of the providers
    /// they apply to. Empty as [`plan`] makes it.
    pub not_applicable: Vec<String>,
    /// Effective limits.
    pub limits: Limits,
}

/// Builds the plan for `plugins` under `config`, validating the configuration against the
/// plugins' metadata. Disabled plugins and plugins with no enabled check are left out.
pub fn plan(plugins: &[Arc<LoadedPlugin>], config: &Config) -> Result<Vec<Planned>, ConfigError> {
    let names = plugins.iter().map(|p| p.info.name.as_str());
    let ids = plugins
        .iter()
        .flat_map(|p| p.info.checks.iter().map(|c| c.id.as_str()));
    config.validate_names(names, ids)?;
    let mut out = Vec::new();
    for p in plugins {
        if !config.plugin_enabled(&p.info.name) {
            continue;
        }
        let mut checks = Vec::new();
        for c in &p.info.checks {
            if config.check_enabled(&c.id) {
                checks.push(CheckRun {
                    id: c.id.clone(),
                    params: config.params_for(c)?,
                });
            }
        }
        if !checks.is_empty() {
            out.push(Planned {
                plugin: p.clone(),
                checks,
                not_applicable: Vec::new(),
                limits: config.limits_for(&p.info.name),
            });
        }
    }
    Ok(out)
}

/// Sets aside, in every plugin of `planned`, the checks that do not apply to `snapshot`: those
/// scoped to providers of which the snapshot has no account. They move from `checks` to
/// `not_applicable`, keeping their order; a plugin may be left with no check to run.
pub fn scope(planned: &mut [Planned], snapshot: &Snapshot) {
    let providers: BTreeSet<&str> = snapshot
        .accounts
        .iter()
        .map(|a| a.provider.as_str())
        .collect();
    for p in planned {
        let info = &p.plugin.info;
        let (run, set_aside): (Vec<CheckRun>, Vec<CheckRun>) =
            std::mem::take(&mut p.checks).into_iter().partition(|run| {
                info.checks
                    .iter()
                    .find(|c| c.id == run.id)
                    .is_none_or(|c| c.applies_to(providers.iter().copied()))
            });
        p.checks = run;
        p.not_applicable
            .extend(set_aside.into_iter().map(|run| run.id));
    }
}
