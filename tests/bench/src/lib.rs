//! The scale benchmark of posture (issue: performance at enterprise scale): a deterministic
//! snapshot generator ([`generate`]) and three ways to run the same checks on it, measured in
//! one run by the `posture-bench` binary:
//!
//! - (a) posture: the five first-party plugins as Wasm components, through the real scan;
//! - (b) [`native`]: the same check functions compiled natively, run in-process via the SDK;
//! - (c) [`rego`]: regorus evaluating Rego policies written for five of the checks.
//!
//! [`history`] measures the run history (issue 16): a year of daily scans recorded in a store.
//!
//! How to run and the results: `BENCHMARKS.md` at the repository root.

pub mod arms;
pub mod generate;
pub mod history;
pub mod native;
pub mod rego;
pub mod year;
