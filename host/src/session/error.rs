//! Why a session could not be opened or a scan could not run.

use crate::config::ConfigError;
use crate::import::ImportError;
use crate::lock::LockError;
use crate::report::ReadError;
use crate::report::waiver::WaiverError;
use crate::runtime::RuntimeError;
use crate::snapshot::SnapshotError;
use std::path::PathBuf;

/// Why a session could not be opened or a scan could not run. A plugin that cannot be
/// loaded or fails is not an error here: it is reported in the outcome.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// A plugin directory could not be read.
    #[error("no plugins: build them with `make plugins` or pass --plugins DIR")]
    PluginDir(#[source] RuntimeError),
    /// The plugin directories hold no component.
    #[error(
        "no plugin components (*.wasm) in {}; build them with `make plugins` or pass --plugins DIR",
        dirs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    )]
    NoPlugins {
        /// The directories searched.
        dirs: Vec<PathBuf>,
    },
    /// The plugin runtime could not start.
    #[error(transparent)]
    Runtime(#[from] RuntimeError),
    /// The lock file could not be read.
    #[error(transparent)]
    Lock(#[from] LockError),
    /// The configuration is unreadable or does not fit the plugins.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The waivers file is unreadable or invalid.
    #[error(transparent)]
    Waivers(#[from] WaiverError),
    /// The snapshot is unreadable or invalid.
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
    /// The export could not be imported.
    #[error(transparent)]
    Import(#[from] ImportError),
    /// The baseline report could not be read.
    #[error(transparent)]
    Baseline(#[from] ReadError),
    /// The async runtime could not start.
    #[error("cannot start the async runtime")]
    Async(#[source] std::io::Error),
}
