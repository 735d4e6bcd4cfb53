//! The subcommands, one module per group: [`scan`] (a scan through the library's session),
//! [`reports`] (`report`, `diff`), [`plugins`] (`plugins list|lock`), [`distribution`]
//! (`plugins publish|add|update`), [`author`] (`plugins new|build`, `test`), [`import`] (`import`, `schema`), [`history`] (`history …`,
//! `keygen`, and recording for `scan --record`), [`evidence`] (`evidence remediation`).

mod author;
mod distribution;
mod evidence;
mod evidence_pack;
mod history;
mod import;
mod plugins;
mod reports;
mod scan;

use crate::args::{Command, PluginSourceArgs, PluginsCommand};
use crate::exit::Exit;
use anyhow::Result;
use posture::session::PluginSource;

/// Runs `command` and returns how `posture` ends.
pub(crate) fn run(command: Command) -> Result<Exit> {
    match command {
        Command::Scan(args) => scan::scan(*args),
        Command::Plugins(PluginsCommand::List { source, format }) => plugins::list(source, format),
        Command::Plugins(PluginsCommand::Lock { source }) => plugins::lock(source),
        Command::Plugins(PluginsCommand::Publish {
            component,
            reference,
            sign_key,
            force,
        }) => distribution::publish(&component, &reference, sign_key.as_deref(), force),
        Command::Plugins(PluginsCommand::Add {
            reference,
            source,
            trust,
        }) => distribution::add(&reference, source, trust),
        Command::Plugins(PluginsCommand::Update {
            name,
            dry_run,
            allow_signer_change,
            source,
            trust,
        }) => distribution::update(
            name.as_deref(),
            posture_distribution::UpdateOptions {
                dry_run,
                allow_signer_change,
            },
            source,
            trust,
        ),
        Command::Plugins(PluginsCommand::New {
            name,
            lang,
            dir,
            sdk,
        }) => author::new(&name, lang, dir, sdk),
        Command::Plugins(PluginsCommand::Build {
            dirs,
            out_dir,
            target_dir,
        }) => author::build(dirs, out_dir, target_dir),
        Command::Report(args) => reports::report(args),
        Command::Diff(args) => reports::diff(args),
        Command::Import(args) => import::import(args),
        Command::Test {
            plugin,
            cases,
            cache_dir,
        } => author::test(&plugin, &cases, cache_dir),
        Command::Schema { report } => import::schema(report),
        Command::History(command) => history::history(command),
        Command::Evidence(command) => evidence::evidence(command),
        Command::Keygen { out } => history::keygen(&out),
    }
}

impl PluginSourceArgs {
    /// The session's plugin source: directories, cache (unless `--no-cache`), lock file.
    pub(crate) fn source(&self) -> PluginSource {
        PluginSource {
            dirs: self.plugins.clone(),
            cache_dir: cache_dir(self.no_cache, self.cache_dir.clone()),
            lock: Some(self.lock.clone()),
        }
    }
}

/// The compile cache: `--cache-dir`, else the default one; none with `--no-cache`.
pub(crate) fn cache_dir(
    no_cache: bool,
    dir: Option<std::path::PathBuf>,
) -> Option<std::path::PathBuf> {
    if no_cache {
        None
    } else {
        dir.or_else(posture::runtime::default_cache_dir)
    }
}

/// `--now`: RFC 3339, or the current time.
pub(crate) fn parse_now(s: Option<&str>) -> Result<i64> {
    use anyhow::Context;
    match s {
        None => Ok(chrono::Utc::now().timestamp()),
        Some(s) => Ok(chrono::DateTime::parse_from_rfc3339(s)
            .with_context(|| {
                format!("--now `{s}` is not an RFC 3339 time like 2026-11-22T12:00:00Z")
            })?
            .timestamp()),
    }
}
