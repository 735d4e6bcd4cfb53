//! Evaluating a plan: the planned plugins run concurrently on tokio's blocking pool, at
//! most `jobs` at once, each in a fresh sandboxed instance over the one shared snapshot;
//! every plugin's result (findings or failure) becomes a [`PluginOutcome`] for the report.
//!
//! A watchdog bounds each plugin's wall-clock time whatever happens inside it: the sandbox
//! stops guest code at the deadline, and should a host call ever block past it, the plugin is
//! reported as over its deadline after [`watchdog`] and abandoned, so that a scan always ends
//! and always produces a report.

use super::plan::Planned;
use crate::model::FailureKind;
use crate::report::{PluginError, PluginOutcome, PluginRun};
use crate::snapshot::Snapshot;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Extra time a plugin gets past its deadline before the watchdog gives up on it: lifting,
/// validating and converting a large result happens after the guest returns.
const WATCHDOG_GRACE: Duration = Duration::from_secs(10);

/// How long the scan waits for a plugin with `deadline` before reporting it as stalled:
/// twice its deadline plus [`WATCHDOG_GRACE`].
pub fn watchdog(deadline: Duration) -> Duration {
    deadline.saturating_mul(2).saturating_add(WATCHDOG_GRACE)
}

/// Options of a scan.
#[derive(Debug, Clone, Copy)]
pub struct ScanOptions {
    /// Plugins evaluated at once (at least 1).
    pub jobs: usize,
    /// The evaluation's "now", Unix seconds.
    pub now: i64,
}

/// Called as each plugin finishes: (plugin name, finished so far, total).
pub type Progress = Arc<dyn Fn(&str, usize, usize) + Send + Sync>;

/// Where a scan's time went: kept out of the report, which must be deterministic.
#[derive(Debug, Clone, Default)]
pub struct ScanTimings {
    /// Each plugin that ran, with the phases of its evaluation.
    pub plugins: Vec<(String, crate::runtime::EvalTimings)>,
    /// Building the report from the plugins' findings: severities, ordering, summaries.
    pub aggregate: std::time::Duration,
}

/// Evaluates every planned plugin; returns their outcomes in plan order and where the time
/// went.
pub async fn evaluate(
    planned: Vec<Planned>,
    snapshot: Arc<Snapshot>,
    opts: ScanOptions,
    progress: Option<Progress>,
) -> (Vec<PluginOutcome>, ScanTimings) {
    let mut timings = ScanTimings::default();
    let total = planned.len();
    let permits = Arc::new(Semaphore::new(opts.jobs.max(1)));
    let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::with_capacity(total);
    for p in &planned {
        let permits = permits.clone();
        let snapshot = snapshot.clone();
        let progress = progress.clone();
        let done = done.clone();
        let plugin = p.plugin.clone();
        let checks = p.checks.clone();
        let limits = p.limits;
        tasks.push(tokio::spawn(async move {
            // Every check of the plugin was set aside as not applicable: nothing to run.
            if checks.is_empty() {
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                if let Some(cb) = &progress {
                    cb(&plugin.info.name, n, total);
                }
                return Ok(Ok(crate::runtime::EvalOutput {
                    findings: Vec::new(),
                    host_calls: 0,
                    timings: Default::default(),
                }));
            }
            // The semaphore is never closed, so acquiring only fails if it were.
            let _permit = permits.acquire_owned().await.ok();
            let name = plugin.info.name.clone();
            let evaluation = tokio::task::spawn_blocking(move || {
                plugin.evaluate(snapshot, opts.now, &checks, &limits)
            });
            let bound = watchdog(limits.deadline);
            let result = match tokio::time::timeout(bound, evaluation).await {
                Ok(joined) => joined,
                // Abandoned: its thread cannot be stopped from outside, but the scan goes on.
                Err(_) => Ok(Err(crate::model::PluginFailure {
                    kind: FailureKind::Deadline,
                    message: format!(
                        "did not return within {} s (deadline {} ms) and was abandoned",
                        bound.as_secs(),
                        limits.deadline.as_millis()
                    ),
                })),
            };
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            if let Some(cb) = &progress {
                cb(&name, n, total);
            }
            result
        }));
    }
    let mut outcomes = Vec::with_capacity(total);
    for (p, task) in planned.into_iter().zip(tasks) {
        // Either join error is a host bug, but it is still reported against the plugin
        // whose results are missing, never dropped silently.
        let result = task.await.and_then(std::convert::identity);
        let info = &p.plugin.info;
        let mut outcome = PluginOutcome {
            run: PluginRun {
                name: info.name.clone(),
                version: info.version.clone(),
                vendor: info.vendor.clone(),
                digest: p.plugin.digest.clone(),
                checks: p.checks.iter().map(|c| c.id.clone()).collect(),
                findings: 0,
                error: None,
            },
            checks: info.checks.clone(),
            findings: Vec::new(),
            not_applicable: p.not_applicable.clone(),
        };
        match result {
            Ok(Ok(out)) => {
                timings.plugins.push((info.name.clone(), out.timings));
                outcome.findings = out.findings;
            }
            Ok(Err(failure)) => {
                outcome.run.error = Some(PluginError {
                    kind: failure.kind,
                    message: failure.message,
                });
            }
            Err(join) => {
                outcome.run.error = Some(PluginError {
                    kind: FailureKind::Trap,
                    message: format!("evaluation thread failed: {join}"),
                });
            }
        }
        outcomes.push(outcome);
    }
    (outcomes, timings)
}
