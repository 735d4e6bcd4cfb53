//! posture: a policy-as-code host.
//!
//! Check plugins are WebAssembly components built against the WIT contract in `wit/`. The
//! host parses a normalised snapshot once ([`snapshot`]), loads plugins into a sandbox
//! ([`runtime`]), runs them concurrently under limits ([`session`]), and aggregates their
//! findings into reports ([`report`]).
//!
//! Module map (one scan flows top to bottom; see `docs/architecture.md`):
//! - [`session`]: the scan session, the one API every caller uses: plugin discovery and
//!   loading, the lock file, conflicts, configuration, waivers, baseline → one outcome.
//! - [`runtime`]: the sandbox: wasmtime engine, compile cache, limits, evaluation.
//! - [`contract`]: everything that knows `wit/`: the contract version, bindings, the
//!   snapshot entity types, conversions, the host API plugins call.
//! - [`snapshot`]: the snapshot document, loading with JSON-path errors, JSON Schema.
//! - [`import`]: exports of AWS, Microsoft 365 and Google Workspace into snapshots.
//! - [`config`]: the user's configuration file (check parameters, severities, limits).
//! - [`report`]: the report wing: the report model, its assembly (where a finding is
//!   finished), renderers, compliance roll-up, action plan, diff, waivers.
//! - [`model`]: plain types shared by all of the above (metadata, findings, verdicts).
//! - [`limits`]: resource limits and their defaults.
//! - [`lock`]: the plugin lock file pinning component digests.
//! - [`input`]: reading user-named files through cap-std directory handles.
//!
//! The `posture` binary is the `posture-cli` crate (`host/cli`); the plugin-author tools
//! (builds, scaffold, test kit) are `posture-author` (`host/author`).

pub mod config;
pub mod contract;
pub mod import;
pub mod input;
pub mod limits;
pub mod lock;
pub mod model;
pub mod report;
pub mod runtime;
pub mod session;
pub mod snapshot;
pub mod trust;
