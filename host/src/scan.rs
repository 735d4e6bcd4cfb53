//! One scan: decide which checks each plugin runs with which parameters (from the
//! configuration), evaluate the plugins concurrently on tokio's blocking pool bounded by
//! `jobs`, and aggregate everything into a [`Report`]. The snapshot is parsed once by the
//! caller and shared by every plugin.

use crate::config::{Config, ConfigError};
use crate::limits::Limits;
use crate::model::{Finding, Severity};
use crate::report::{PluginError, PluginRun, Report};
use crate::runtime::{CheckRun, LoadedPlugin};
use crate::snapshot::Snapshot;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// A plugin with the checks it will run and the limits it runs under.
pub struct Planned {
    /// The plugin.
    pub plugin: Arc<LoadedPlugin>,
    /// Enabled checks with effective parameters.
    pub checks: Vec<CheckRun>,
    /// Effective limits.
    pub limits: Limits,
}

/// Builds the plan for `plugins` under `config`, validating the configuration against the
/// plugins' metadata. Disabled plugins and plugins with no enabled check are left out.
pub fn plan(plugins: &[Arc<LoadedPlugin>], config: &Config) -> Result<Vec<Planned>, ConfigError> {
    let names = plugins.iter().map(|p| p.info.name.as_str());
    let ids = plugins
        .iter()
        .flat_map(|p| p.info.checks.iter().map(|c| c.id.as_str()));
    config.validate_names(names, ids)?;
    let mut out = Vec::new();
    for p in plugins {
        if !config.plugin_enabled(&p.info.name) {
            continue;
        }
        let mut checks = Vec::new();
        for c in &p.info.checks {
            if config.check_enabled(&c.id) {
                checks.push(CheckRun {
                    id: c.id.clone(),
                    params: config.params_for(c)?,
                });
            }
        }
        if !checks.is_empty() {
            out.push(Planned {
                plugin: p.clone(),
                checks,
                limits: config.limits_for(&p.info.name),
            });
        }
    }
    Ok(out)
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

/// Evaluates every planned plugin and aggregates the findings into a report.
pub async fn run(
    planned: Vec<Planned>,
    snapshot: Arc<Snapshot>,
    origin: String,
    config: &Config,
    opts: ScanOptions,
    progress: Option<Progress>,
) -> Report {
    run_timed(planned, snapshot, origin, config, opts, progress)
        .await
        .0
}

/// Where a scan's time went: kept out of the report, which must be deterministic.
#[derive(Debug, Clone, Default)]
pub struct ScanTimings {
    /// Each plugin that ran, with the phases of its evaluation.
    pub plugins: Vec<(String, crate::runtime::EvalTimings)>,
    /// Building the report from the plugins' findings: severities, ordering, summaries.
    pub aggregate: std::time::Duration,
}

/// [`run`], also returning where the time went.
pub async fn run_timed(
    planned: Vec<Planned>,
    snapshot: Arc<Snapshot>,
    origin: String,
    config: &Config,
    opts: ScanOptions,
    progress: Option<Progress>,
) -> (Report, ScanTimings) {
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
    let mut runs = Vec::with_capacity(total);
    let mut findings: Vec<Finding> = Vec::new();
    for (p, task) in planned.into_iter().zip(tasks) {
        // Either join error is a host bug, but it is still reported against the plugin
        // whose results are missing, never dropped silently.
        let result = task.await.and_then(std::convert::identity);
        let info = &p.plugin.info;
        let mut run = PluginRun {
            name: info.name.clone(),
            version: info.version.clone(),
            vendor: info.vendor.clone(),
            digest: p.plugin.digest.clone(),
            checks: p.checks.iter().map(|c| c.id.clone()).collect(),
            findings: 0,
            error: None,
        };
        match result {
            Ok(Ok(out)) => {
                timings.plugins.push((info.name.clone(), out.timings));
                run.findings = out.findings.len();
                for f in out.findings {
                    let meta = info.checks.iter().find(|c| c.id == f.check_id);
                    let default: Severity = meta.map_or(Severity::Medium, |m| m.default_severity);
                    let severity = f
                        .severity
                        .or_else(|| config.severity_for(&f.check_id))
                        .unwrap_or(default);
                    findings.push(Finding {
                        domain: meta.map_or_else(String::new, |m| m.domain.clone()),
                        plugin: info.name.clone(),
                        check_id: f.check_id,
                        status: f.status,
                        severity,
                        resource: f.resource,
                        message: f.message,
                        evidence: f.evidence,
                        waiver: None,
                    });
                }
            }
            Ok(Err(failure)) => {
                run.error = Some(PluginError {
                    kind: failure.kind,
                    message: failure.message,
                });
            }
            Err(join) => {
                run.error = Some(PluginError {
                    kind: crate::runtime::FailureKind::Trap,
                    message: format!("evaluation thread failed: {join}"),
                });
            }
        }
        runs.push((p, run));
    }
    let started = std::time::Instant::now();
    let report = Report::build(&snapshot, origin, opts.now, config, runs, findings);
    timings.aggregate = started.elapsed();
    (report, timings)
}
