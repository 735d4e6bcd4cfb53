//! Errors of the runtime: why a plugin could not be loaded, and why an evaluation failed.

use std::path::PathBuf;

/// Why a plugin file could not be loaded. Each variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("{path}: cannot read plugin")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The bytes are not a valid WebAssembly component.
    #[error("{path}: not a valid WebAssembly component: {message}")]
    Compile {
        /// The file.
        path: PathBuf,
        /// wasmtime's explanation.
        message: String,
    },
    /// The component does not export the plugin interface.
    #[error("{path}: not a posture plugin: it does not export `posture:plugin/plugin@…` (exports: {})", if exports.is_empty() { "none".to_string() } else { exports.join(", ") })]
    NotAPlugin {
        /// The file.
        path: PathBuf,
        /// What it exports instead.
        exports: Vec<String>,
    },
    /// The component was built for a contract version this host does not support.
    #[error(
        "{path}: built for contract posture:plugin@{found}, but this host supports posture:plugin@{} — rebuild the plugin against this contract",
        super::SUPPORTED_CONTRACTS
    )]
    IncompatibleContract {
        /// The file.
        path: PathBuf,
        /// The version found.
        found: String,
    },
    /// The component imports something the host does not provide.
    #[error(
        "{path}: imports `{import}`, which posture does not provide (plugins may import only posture:plugin/* and WASI)"
    )]
    UnsupportedImport {
        /// The file.
        path: PathBuf,
        /// The import name.
        import: String,
    },
    /// The component's imports do not match what the host provides.
    #[error("{path}: cannot be linked against this host: {message}")]
    Link {
        /// The file.
        path: PathBuf,
        /// wasmtime's explanation.
        message: String,
    },
    /// `describe` failed.
    #[error("{path}: describe() failed: {message}")]
    Describe {
        /// The file.
        path: PathBuf,
        /// What happened.
        message: String,
    },
    /// `describe` returned unusable metadata.
    #[error("{path}: invalid metadata: {message}")]
    InvalidMetadata {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Two plugins claim the same name or check id.
    #[error("{path}: {message}")]
    Conflict {
        /// The later file.
        path: PathBuf,
        /// What collides.
        message: String,
    },
}

/// Which limit or fault ended an evaluation.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum FailureKind {
    /// The plugin could not be loaded (invalid, incompatible, conflicting).
    Load,
    /// The wall-clock deadline passed.
    Deadline,
    /// The memory cap was hit.
    MemoryLimit,
    /// Too many findings or bytes returned.
    OutputLimit,
    /// The plugin trapped (panic, stack overflow, …).
    Trap,
    /// The plugin broke the contract (undeclared read, …).
    ContractViolation,
    /// The returned findings are malformed.
    InvalidOutput,
    /// The plugin returned its own error.
    Reported,
}

/// Why an evaluation produced no findings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct PluginFailure {
    /// The category.
    pub kind: FailureKind,
    /// A sentence saying what happened, e.g. which limit was hit.
    pub message: String,
}
