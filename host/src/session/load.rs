//! Finding and loading plugins for a session: the runtime with its compile cache, every
//! `*.wasm` of the plugin directories (loaded in parallel, so stalling plugins cost one load
//! deadline in all), the lock file (a changed or unpinned component is refused before it is
//! compiled), and name or check-id conflicts. A plugin that cannot be
//! loaded is refused, not fatal: it becomes a failed run in the report.
//!
//! Conflicts never depend on load order: when two or more plugins claim the same plugin
//! name or the same check id, **every one of them is refused** (no first-come owner), each
//! reported with the others it collides with, and each of its checks listed as not run
//! because its plugin failed. An operator resolves the conflict by removing a plugin, or
//! prevents it with a lock file (`posture plugins lock`), which refuses any component it does
//! not pin before it is even compiled.

use super::error::SessionError;
use crate::lock::LockFile;
use crate::model::{FailureKind, PluginInfo};
use crate::report::{PluginError, PluginOutcome, PluginRun};
use crate::runtime::{Conflict, LoadError, LoadedPlugin, Runtime, RuntimeError};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
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
    /// What it said about itself, when it got that far (refused for a conflict).
    pub info: Option<PluginInfo>,
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
                // Its checks did not run: listed, so that the report says so per check.
                checks: self
                    .info
                    .iter()
                    .flat_map(|i| i.checks.iter().map(|c| c.id.clone()))
                    .collect(),
                findings: 0,
                error: Some(PluginError {
                    kind: FailureKind::Load,
                    message: self.error.message(),
                }),
            },
            checks: self
                .info
                .as_ref()
                .map(|i| i.checks.clone())
                .unwrap_or_default(),
            findings: Vec::new(),
            not_applicable: Vec::new(),
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
    // The lock is checked first, file by file: a changed plugin is never compiled. The
    // others load in parallel (see `Runtime::load_all`).
    let mut admitted = Vec::new();
    for (path, bytes) in files {
        let file = path
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let digest = hex::encode(Sha256::digest(&bytes));
        match lock.as_ref().map(|l| l.check(&file, &digest)) {
            Some(Err(violation)) => {
                let error = LoadError::Locked(violation);
                plugins.refused.push(refusal(path, digest, error, None));
            }
            _ => admitted.push((path, bytes, digest)),
        }
    }
    let files: Vec<(PathBuf, Vec<u8>)> = admitted
        .iter_mut()
        .map(|(path, bytes, _)| (path.clone(), std::mem::take(bytes)))
        .collect();
    let mut candidates = Vec::new();
    for (result, (path, _, digest)) in rt.load_all(&files).into_iter().zip(admitted) {
        match result {
            Ok(p) => candidates.push(p),
            Err(error) => plugins.refused.push(refusal(path, digest, error, None)),
        }
    }
    let conflicts = conflicts(&candidates);
    for (i, p) in candidates.into_iter().enumerate() {
        match conflicts.get(&i) {
            None => plugins.loaded.push(Arc::new(p)),
            Some(conflict) => {
                let error = LoadError::Conflict {
                    path: p.path.clone(),
                    conflict: conflict.clone(),
                };
                let (path, digest) = (p.path.clone(), p.digest.clone());
                plugins
                    .refused
                    .push(refusal(path, digest, error, Some(p.info)));
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

fn refusal(path: PathBuf, digest: String, error: LoadError, info: Option<PluginInfo>) -> Refusal {
    tracing::error!("{}", error.message());
    Refusal {
        path,
        digest,
        error,
        info,
    }
}

/// The plugins (by index) that share a name or a check id with another one, each with the
/// first collision found: names before check ids, check ids in order, the other plugin the
/// first by path. The same set, whatever order `plugins` is in.
fn conflicts(plugins: &[LoadedPlugin]) -> BTreeMap<usize, Conflict> {
    let mut by_name: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut by_check: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, p) in plugins.iter().enumerate() {
        by_name.entry(&p.info.name).or_default().push(i);
        for c in &p.info.checks {
            by_check.entry(&c.id).or_default().push(i);
        }
    }
    let first_other = |group: &[usize], me: usize| {
        group
            .iter()
            .filter(|&&j| j != me)
            .map(|&j| &plugins[j].path)
            .min()
            .cloned()
            .unwrap_or_default()
    };
    let mut out = BTreeMap::new();
    for (name, group) in by_name.iter().filter(|(_, g)| g.len() > 1) {
        for &i in group {
            out.entry(i).or_insert_with(|| Conflict::PluginName {
                name: (*name).to_string(),
                other: first_other(group, i),
            });
        }
    }
    for (id, group) in by_check.iter().filter(|(_, g)| g.len() > 1) {
        for &i in group {
            out.entry(i).or_insert_with(|| Conflict::CheckId {
                id: (*id).to_string(),
                other: first_other(group, i),
            });
        }
    }
    out
}
