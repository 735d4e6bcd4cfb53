//! The sandbox: a narrow wrapper around wasmtime that compiles plugins once (through the
//! on-disk cache), links them against the snapshot interface only (plus an empty WASI for
//! plugins that import it), and evaluates each in a fresh instance under [`Limits`].

pub mod cache;
pub mod engine;
pub mod error;
mod metadata;
mod output;
mod plugin;
mod state;
mod subject;

pub use cache::{CacheCounts, default_cache_dir};
pub use error::{Conflict, LoadError, ScopeError};
pub use plugin::{EvalOutput, EvalTimings, LoadedPlugin};

use crate::limits::Limits;
use cap_std::ambient_authority;
use cap_std::fs::Dir;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use wasmtime::Engine;
use wasmtime::component::Linker;

/// Errors setting up the runtime itself.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    /// wasmtime could not be configured.
    #[error("cannot initialise the WebAssembly engine: {0}")]
    Engine(String),
    /// The compile cache directory is unusable.
    #[error(transparent)]
    Cache(#[from] cache::CacheError),
    /// The epoch ticker thread could not start.
    #[error("cannot start the deadline timer thread")]
    Ticker(#[source] std::io::Error),
    /// A plugin directory could not be read.
    #[error("cannot read plugin directory {path}")]
    PluginDir {
        /// The directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// The plugin runtime. Create one per process; load plugins with [`Runtime::load_file`] or
/// [`Runtime::load_bytes`] (the scan session finds them with [`Runtime::plugin_files`]).
pub struct Runtime {
    engine: Engine,
    compiler: cache::Compiler,
    linker: Linker<state::PluginState>,
    linker_wasi: Linker<state::PluginState>,
    load_limits: Limits,
    /// Shared with every plugin loaded here: deadlines keep firing while a plugin lives,
    /// even after the runtime that loaded it is dropped.
    ticker: std::sync::Arc<engine::EpochTicker>,
}

impl Runtime {
    /// A runtime caching compiled plugins under `cache_dir` (no cache when `None`).
    pub fn new(cache_dir: Option<&Path>) -> Result<Runtime, RuntimeError> {
        let engine = engine::new_engine().map_err(|e| RuntimeError::Engine(format!("{e:#}")))?;
        let mut linker = Linker::new(&engine);
        crate::contract::host_api::add_to_linker(&mut linker)
            .map_err(|e| RuntimeError::Engine(format!("{e:#}")))?;
        let mut linker_wasi = Linker::new(&engine);
        crate::contract::host_api::add_to_linker(&mut linker_wasi)
            .map_err(|e| RuntimeError::Engine(format!("{e:#}")))?;
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker_wasi)
            .map_err(|e| RuntimeError::Engine(format!("{e:#}")))?;
        state::add_frozen_sleep(&mut linker_wasi)
            .map_err(|e| RuntimeError::Engine(format!("{e:#}")))?;
        let compiler = cache::Compiler::new(engine.clone(), cache_dir)?;
        let ticker = engine::EpochTicker::start(&engine).map_err(RuntimeError::Ticker)?;
        Ok(Runtime {
            engine,
            compiler,
            linker,
            linker_wasi,
            load_limits: Limits::default(),
            ticker: std::sync::Arc::new(ticker),
        })
    }

    /// Limits applied to `describe` at load time (defaults unless changed).
    pub fn set_load_limits(&mut self, limits: Limits) {
        self.load_limits = limits;
    }

    /// Compile-cache counters since this runtime was created.
    pub fn cache_stats(&self) -> CacheCounts {
        self.compiler.stats()
    }

    /// Loads the component at `path`.
    pub fn load_file(&self, path: &Path) -> Result<LoadedPlugin, LoadError> {
        let bytes = crate::input::read(path).map_err(|source| LoadError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        self.load_bytes(path, &bytes)
    }

    /// Loads a component from memory; `path` is used in messages.
    pub fn load_bytes(&self, path: &Path, bytes: &[u8]) -> Result<LoadedPlugin, LoadError> {
        let digest = hex::encode(Sha256::digest(bytes));
        LoadedPlugin::load(self, path, bytes, digest)
    }

    /// Loads every component of `files` (path, bytes) at once, one thread each, and returns
    /// the results in the order of `files`.
    ///
    /// Each `describe` runs under the load limits; loading them in parallel bounds the total
    /// load time by the slowest plugin (its compilation plus the load deadline), not by the
    /// sum: three plugins stalling in `describe` cost one deadline, not three. Host memory
    /// while loading is at most the number of plugins times the load memory limit.
    pub fn load_all(&self, files: &[(PathBuf, Vec<u8>)]) -> Vec<Result<LoadedPlugin, LoadError>> {
        std::thread::scope(|scope| {
            let started: Vec<_> = files
                .iter()
                .map(|(path, bytes)| {
                    let spawned = std::thread::Builder::new()
                        .name("posture-load".into())
                        .spawn_scoped(scope, move || self.load_bytes(path, bytes));
                    (path, bytes, spawned)
                })
                .collect();
            started
                .into_iter()
                .map(|(path, bytes, spawned)| match spawned {
                    Ok(handle) => handle.join().unwrap_or_else(|_| {
                        Err(LoadError::Describe {
                            path: path.clone(),
                            failure: crate::model::PluginFailure {
                                kind: crate::model::FailureKind::Trap,
                                message: "its loading thread failed (a host bug)".into(),
                            },
                        })
                    }),
                    // No thread to spare: load it on this one.
                    Err(_) => self.load_bytes(path, bytes),
                })
                .collect()
        })
    }

    /// Lists the `*.wasm` files directly inside `dir`, sorted by name. The directory is read
    /// through a capability handle, so a listed name can never point outside it.
    pub fn plugin_files(dir: &Path) -> Result<Vec<(PathBuf, Vec<u8>)>, RuntimeError> {
        let err = |source| RuntimeError::PluginDir {
            path: dir.to_path_buf(),
            source,
        };
        let handle = Dir::open_ambient_dir(dir, ambient_authority()).map_err(err)?;
        let mut names = Vec::new();
        for entry in handle.entries().map_err(err)? {
            let entry = entry.map_err(err)?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if name.ends_with(".wasm") && entry.file_type().map_err(err)?.is_file() {
                names.push(name.to_string());
            }
        }
        names.sort();
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            let bytes = handle.read(&name).map_err(err)?;
            out.push((dir.join(&name), bytes));
        }
        Ok(out)
    }
}
