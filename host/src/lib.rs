//! posture: a policy-as-code host.
//!
//! Check plugins are WebAssembly components built against the WIT contract in `wit/`. The
//! host parses a normalised snapshot once ([`snapshot`]), loads plugins into a sandbox
//! ([`runtime`]), runs them concurrently under limits ([`scan`]), and aggregates their
//! findings into reports ([`report`]).
//!
//! Module map:
//! - [`snapshot`]: snapshot schema v1, loading with JSON-path errors, JSON Schema.
//! - [`runtime`]: wasmtime engine, compile cache, linking, limits, evaluation.
//! - [`config`]: the user's configuration file (check parameters, severities, limits).
//! - [`scan`]: one scan: which checks run with which parameters, concurrency, aggregation.
//! - [`report`]: the report model and its renderings (text, JSON, SARIF, JUnit, CSV, Markdown,
//!   OCSF, HTML, action plan).
//! - [`compliance`]: roll-up of a report against SOC 2 or ISO 27001, with honest coverage.
//! - [`actions`]: the action plan: priorities, owners, due dates.
//! - [`diff`]: baseline comparison of two reports, with the privilege delta.
//! - [`model`]: plain types for metadata and findings shared by all of the above.
//! - [`build`]: building a plugin crate into a component.
//! - [`limits`]: resource limits and their defaults.
//! - [`scaffold`]: `posture plugin new`: a new plugin from the templates in `host/templates/`.
//! - [`testkit`]: declarative plugin test cases (`posture test`), for any plugin language.
//! - [`input`]: reading user-named files through cap-std directory handles.
//! - [`waiver`]: accepted risks applied to a report.
//! - [`lock`]: the plugin lock file pinning component digests.

pub mod actions;
pub mod build;
pub mod compliance;
pub mod config;
pub mod diff;
pub mod import;
pub mod input;
pub mod limits;
pub mod lock;
pub mod model;
pub mod report;
pub mod runtime;
pub mod scaffold;
pub mod scan;
pub mod snapshot;
pub mod testkit;
pub mod waiver;
