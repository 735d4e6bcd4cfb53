//! The plan of a scan: which checks each plugin runs, with which parameters and limits,
//! decided from the configuration after validating it against the plugins' metadata.

use crate::config::{Config, ConfigError};
use crate::limits::Limits;
use crate::model::CheckRun;
use crate::runtime::LoadedPlugin;
use std::sync::Arc;

/// A plugin with the checks it will run and the limits it runs under.
pub struct Planned {
    /// The plugin.
    pub plugin: Arc<LoadedPlugin>,
    /// Enabled checks with effective parameters.
    pub checks: Vec<CheckRun>,
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
                limits: config.limits_for(&p.info.name),
            });
        }
    }
    Ok(out)
}
