//! Errors of the runtime: why a plugin could not be loaded, one variant per cause (compile, link,
//! describe, contract version, imports, metadata, scope, conflict, lock violation). Why an evaluation
//! failed is [`crate::model::PluginFailure`].

use crate::lock::LockViolation;
use crate::model::PluginFailure;
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
    #[error("{path}: not a valid WebAssembly component")]
    Compile {
        /// The file.
        path: PathBuf,
        /// wasmtime's explanation.
        #[source]
        source: WasmtimeError,
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
        crate::contract::supported_contracts()
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
    #[error("{path}: cannot be linked against this host")]
    Link {
        /// The file.
        path: PathBuf,
        /// wasmtime's explanation.
        #[source]
        source: WasmtimeError,
    },
    /// `describe` failed: it trapped, ran out of time or memory, or broke the contract.
    #[error("{path}: describe() failed: {failure}")]
    Describe {
        /// The file.
        path: PathBuf,
        /// Which limit or fault, and what happened.
        failure: PluginFailure,
    },
    /// `describe` returned unusable metadata.
    #[error("{path}: invalid metadata: {message}")]
    InvalidMetadata {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The plugin's `scope` export scopes its checks in a way the host refuses.
    #[error("{path}: plugin `{plugin}` declares an invalid scope")]
    InvalidScope {
        /// The file.
        path: PathBuf,
        /// The plugin's name, as `describe` gave it.
        plugin: String,
        /// What is wrong, naming the check.
        #[source]
        problem: ScopeError,
    },
    /// Two plugins claim the same name or check id.
    #[error("{path}: {conflict}")]
    Conflict {
        /// The later file.
        path: PathBuf,
        /// What collides.
        conflict: Conflict,
    },
    /// The lock file pins another digest for this file, or does not list it; the plugin was
    /// refused before being compiled.
    #[error(transparent)]
    Locked(#[from] LockViolation),
}

impl LoadError {
    /// The whole explanation: this error and every error behind it, joined by `: `.
    pub fn message(&self) -> String {
        let mut s = self.to_string();
        let mut next = std::error::Error::source(self);
        while let Some(e) = next {
            s.push_str(": ");
            s.push_str(&e.to_string());
            next = e.source();
        }
        s
    }
}

/// An error of wasmtime (compiling or linking a component), kept with its chain of causes.
pub type WasmtimeError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What two plugins both claim.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Conflict {
    /// Both are named alike.
    #[error(
        "plugin name `{name}` is also claimed by {}; every plugin in a conflict is refused",
        other.display()
    )]
    PluginName {
        /// The name.
        name: String,
        /// The file of the plugin that has it.
        other: PathBuf,
    },
    /// Both provide a check with this id.
    #[error(
        "check id `{id}` is also claimed by {}; every plugin in a conflict is refused",
        other.display()
    )]
    CheckId {
        /// The check id.
        id: String,
        /// The file of another plugin that claims it.
        other: PathBuf,
    },
}

/// What is wrong with one entry of a plugin's `scope` export (which says which providers a
/// check applies to). Each variant names the check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    /// The entry names a check the plugin does not declare in `describe`.
    #[error("check `{check}` is scoped but not declared by describe()")]
    UnknownCheck {
        /// The check id of the entry.
        check: String,
    },
    /// Two entries name the same check.
    #[error("check `{check}` is scoped twice")]
    DuplicateCheck {
        /// The check id.
        check: String,
    },
    /// The entry lists no provider (a check that applies everywhere is left out instead).
    #[error(
        "check `{check}` is scoped to no provider; leave it out of applies-to to apply it to every provider"
    )]
    NoProviders {
        /// The check id.
        check: String,
    },
    /// The entry lists more providers than the host accepts.
    #[error("check `{check}` is scoped to {count} providers, more than {max}")]
    TooManyProviders {
        /// The check id.
        check: String,
        /// How many it lists.
        count: usize,
        /// The cap.
        max: usize,
    },
    /// A provider name is empty, too long or not lowercase letters, digits, `-`, `_`, `.`.
    #[error(
        "check `{check}` names provider `{provider}`, which must be 1 to {max} lowercase letters, digits, `-`, `_` or `.`"
    )]
    BadProvider {
        /// The check id.
        check: String,
        /// The provider as given.
        provider: String,
        /// The longest provider name accepted, in bytes.
        max: usize,
    },
    /// The entry names a provider twice.
    #[error("check `{check}` names provider `{provider}` twice")]
    DuplicateProvider {
        /// The check id.
        check: String,
        /// The provider.
        provider: String,
    },
}

impl ScopeError {
    /// The id of the check the problem is about.
    pub fn check(&self) -> &str {
        match self {
            ScopeError::UnknownCheck { check }
            | ScopeError::DuplicateCheck { check }
            | ScopeError::NoProviders { check }
            | ScopeError::TooManyProviders { check, .. }
            | ScopeError::BadProvider { check, .. }
            | ScopeError::DuplicateProvider { check, .. } => check,
        }
    }
}
