//! Finding and loading plugins for a session: the runtime with its compile cache, every
//! `*.wasm` of the plugin directories, the lock file (a changed or unpinned component is
//! refused before it is compiled), and name or check-id conflicts. A plugin that cannot be
//! loaded is refused, not fatal: it becomes a failed run in the report.

use super::error::SessionError;
use crate::lock::LockFile;
use crate::model::FailureKind;
use crate::report::{PluginError, PluginOutcome, PluginRun};
use crate::runtime::{Conflict, LoadError, LoadedPlugin, Runtime, RuntimeError};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where a session's plugins come from and how they are trusted.
#[derive(Debug, Clone, Default)]
pub struct PluginSource {
    /// Directories of plugin components (`*.wasm`), in the order given.
    pub dirs: Vec<PathBuf>,
    /// Compile-cache directory; `None` compiles every time.
    pub cache_dir: Option<PathBuf>,
    /// Lock file; enforced when it exists. `None`: no lock file.
    pub lock: Option<PathBuf>,
}

/// A plugin that was not loaded, and why.
#[derive(Debug)]
pub struct Refusal {
    /// Its file.
    pub path: PathBuf,
    /// sha256 of its bytes.
    pub digest: String,
    /// Why it was refused.
    pub error: LoadError,
}

impl Refusal {
    /// The refused plugin as a failed run for the report (named after its file).
    pub fn outcome(&self) -> PluginOutcome {
        PluginOutcome {
            run: PluginRun {
                name: self
                    .path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                version: String::new(),
                vendor: String::new(),
                digest: self.digest.clone(),
                checks: Vec::new(),
                findings: 0,
                error: Some(PluginError {
                    kind: FailureKind::Load,
                    message: self.error.message(),
                }),
            },
            checks: Vec::new(),
            findings: Vec::new(),
        }
    }
}

/// The plugins of a session: those loaded, and those refused.
#[derive(Default)]
pub struct Plugins {
    /// Loaded plugins, in load order.
    pub loaded: Vec<Arc<LoadedPlugin>>,
    /// Refused plugins, in load order.
    pub refused: Vec<Refusal>,
}

/// A runtime caching compiled plugins in `cache_dir`; an unusable cache costs compile time,
/// not correctness, so it is warned about and the runtime works without one.
pub fn runtime(cache_dir: Option<&Path>) -> Result<Runtime, RuntimeError> {
    match Runtime::new(cache_dir) {
        Ok(rt) => Ok(rt),
        Err(RuntimeError::Cache(e)) => {
            tracing::warn!("{e}; continuing without the compile cache");
            Runtime::new(None)
        }
        Err(e) => Err(e),
    }
}

/// Loads every plugin of `source`. `enforce_lock = false` is for `plugins lock` itself.
pub fn load(
    rt: &Runtime,
    source: &PluginSource,
    enforce_lock: bool,
) -> Result<Plugins, SessionError> {
    let mut files = Vec::new();
    for dir in &source.dirs {
        files.extend(Runtime::plugin_files(dir).map_err(SessionError::PluginDir)?);
    }
    if files.is_empty() {
        return Err(SessionError::NoPlugins {
            dirs: source.dirs.clone(),
        });
    }
    let lock = match (&source.lock, enforce_lock) {
        (Some(path), true) => {
            let lock = LockFile::load(path)?;
            if lock.is_none() {
                tracing::info!(
                    "no lock file at {}: plugin digests are not pinned (run `posture plugins lock`)",
                    path.display()
                );
            }
            lock
        }
        _ => None,
    };
    let mut plugins = Plugins::default();
    for (path, bytes) in files {
        let file = path
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let digest = hex::encode(Sha256::digest(&bytes));
        let result = match lock.as_ref().map(|l| l.check(&file, &digest)) {
            // Refused before compiling: a changed plugin never runs.
            Some(Err(violation)) => Err(LoadError::Locked(violation)),
            _ => rt
                .load_bytes(&path, &bytes)
                .and_then(|p| check_conflicts(&plugins.loaded, p)),
        };
        match result {
            Ok(p) => plugins.loaded.push(Arc::new(p)),
            Err(error) => {
                tracing::error!("{}", error.message());
                plugins.refused.push(Refusal {
                    path,
                    digest,
                    error,
                });
            }
        }
    }
    let stats = rt.cache_stats();
    tracing::info!(
        "compile cache: {} hit(s), {} compiled, {} rejected",
        stats.hits,
        stats.compiled,
        stats.rejected
    );
    Ok(plugins)
}

/// Refuses `p` if an already loaded plugin has its name or one of its check ids.
fn check_conflicts(
    loaded: &[Arc<LoadedPlugin>],
    p: LoadedPlugin,
) -> Result<LoadedPlugin, LoadError> {
    for other in loaded {
        if other.info.name == p.info.name {
            return Err(LoadError::Conflict {
                path: p.path.clone(),
                conflict: Conflict::PluginName {
                    name: p.info.name.clone(),
                    other: other.path.clone(),
                },
            });
        }
        for c in &p.info.checks {
            if other.info.checks.iter().any(|o| o.id == c.id) {
                return Err(LoadError::Conflict {
                    path: p.path.clone(),
                    conflict: Conflict::CheckId {
                        id: c.id.clone(),
                        other: other.info.name.clone(),
                    },
                });
            }
        }
    }
    Ok(p)
}
