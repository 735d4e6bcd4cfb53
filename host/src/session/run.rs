//! Evaluating a plan: the planned plugins run concurrently on tokio's blocking pool, at
//! most `jobs` at once, each in a fresh sandboxed instance over the one shared snapshot;
//! every plugin's result (findings or failure) becomes a [`PluginOutcome`] for the report.

use super::plan::Planned;
use crate::model::FailureKind;
use crate::report::{PluginError, PluginOutcome, PluginRun};
use crate::snapshot::Snapshot;
use std::sync::Arc;
use tokio::sync::Semaphore;

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
            // The semaphore is never closed, so acquiring only fails if it were.
            let _permit = permits.acquire_owned().await.ok();
            let name = plugin.info.name.clone();
            let result = tokio::task::spawn_blocking(move || {
                plugin.evaluate(snapshot, opts.now, &checks, &limits)
            })
            .await;
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
