//! The scan session: the one API every caller of a scan goes through (the CLI, `posture
//! test`, the end-to-end tests, the conformance runner, the benchmark, `scan --record`).
//!
//! A [`Session`] owns the plugins ([`load`]: discovery, the lock file, conflicts, refusals),
//! the configuration and the waivers. [`Session::scan`] takes one [`ScanRequest`] (the
//! snapshot, `now`, concurrency, an optional baseline and the failure gate), plans the scan
//! ([`plan`]; checks scoped to providers the snapshot has no account of are set aside as not
//! applicable), evaluates it ([`run`]), builds the report and returns one [`ScanOutcome`]: the
//! report (which names the run's inputs with their digests), the snapshot's provenance, the
//! comparison with the baseline and the [`Verdict`] from which the exit code derives.

mod error;
pub mod load;
pub mod plan;
pub mod run;

pub use error::SessionError;
pub use load::{PluginSource, Plugins, Refusal};
pub use plan::{Planned, plan};
pub use run::{Progress, ScanOptions, ScanTimings};

use crate::config::Config;
use crate::import::{Options as ImportOptions, Source as ImportSource};
use crate::model::{Severity, Verdict};
use crate::report::diff::Diff;
use crate::report::waiver::WaiverFile;
use crate::report::{Report, ReportInput, SeverityOverrides};
use crate::runtime::LoadedPlugin;
use crate::snapshot::Snapshot;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a session is opened from: the plugins' source and the user's files.
#[derive(Debug, Clone, Default)]
pub struct SessionSpec {
    /// Where the plugins come from.
    pub plugins: PluginSource,
    /// Configuration file (TOML); defaults when `None`.
    pub config: Option<PathBuf>,
    /// Waivers file (TOML).
    pub waivers: Option<PathBuf>,
}

/// The snapshot a scan reads, with where it came from.
#[derive(Debug, Clone)]
pub struct ScanTarget {
    /// The parsed, validated snapshot, shared by every plugin.
    pub snapshot: Arc<Snapshot>,
    /// Where it was read from, as shown in reports.
    pub origin: String,
    /// sha256 (hex) of the snapshot file's bytes, or of the imported snapshot's JSON.
    pub sha256: Option<String>,
}

impl ScanTarget {
    /// A snapshot already in memory (no digest).
    pub fn new(snapshot: Snapshot, origin: impl Into<String>) -> ScanTarget {
        ScanTarget {
            snapshot: Arc::new(snapshot),
            origin: origin.into(),
            sha256: None,
        }
    }

    /// Reads and validates the snapshot file at `path`, refusing files over `max_bytes`.
    pub fn read(path: &Path, max_bytes: u64) -> Result<ScanTarget, SessionError> {
        let bytes = crate::snapshot::read_capped(path, max_bytes)?;
        let origin = path.display().to_string();
        let snapshot = crate::snapshot::from_slice(&bytes, &origin)?;
        Ok(ScanTarget {
            sha256: Some(hex::encode(Sha256::digest(&bytes))),
            snapshot: Arc::new(snapshot),
            origin,
        })
    }

    /// Imports the export at `path` in memory; the digest is that of the snapshot's JSON.
    pub fn import(
        source: ImportSource,
        path: &Path,
        options: &ImportOptions,
    ) -> Result<ScanTarget, SessionError> {
        let snapshot = crate::import::import(source, path, options)?;
        let sha256 = serde_json::to_vec(&snapshot)
            .ok()
            .map(|json| hex::encode(Sha256::digest(json)));
        Ok(ScanTarget {
            snapshot: Arc::new(snapshot),
            origin: path.display().to_string(),
            sha256,
        })
    }
}

/// When a scan fails: `--fail-on` and `--fail-on-new`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Gate {
    /// Fail on a failing finding (not waived) of this severity or higher; `None` never fails.
    pub fail_on: Option<Severity>,
    /// With a baseline: only failures that are new since the baseline count.
    pub new_only: bool,
}

/// One scan to run.
#[derive(Debug, Clone)]
pub struct ScanRequest {
    /// The snapshot.
    pub target: ScanTarget,
    /// The evaluation's "now", Unix seconds.
    pub now: i64,
    /// Plugins evaluated at once (at least 1).
    pub jobs: usize,
    /// An earlier report to compare with.
    pub baseline: Option<Report>,
    /// When the scan fails.
    pub gate: Gate,
}

/// What one scan established.
#[derive(Debug, Clone)]
pub struct ScanOutcome {
    /// The report. Besides the findings it names what the run read: `now`, the snapshot's
    /// origin, every plugin's digest, and the snapshot's, configuration's and waivers'
    /// digests (`report.inputs`).
    pub report: Report,
    /// Where the snapshot came from, which the report does not carry: its accounts, capture
    /// time and provenance (importer, source format and version, input files with their
    /// digests), as JSON, for a record of the run.
    pub provenance: serde_json::Value,
    /// The comparison with the baseline, when one was given.
    pub baseline: Option<Diff>,
    /// The scan's verdict under the request's gate.
    pub verdict: Verdict,
    /// Where the time went (never part of the report).
    pub timings: ScanTimings,
}

/// An open session: plugins loaded (or refused), configuration and waivers read.
pub struct Session {
    plugins: Plugins,
    config: Config,
    waivers: Option<WaiverFile>,
}

impl Session {
    /// Loads the plugins of `spec` (enforcing the lock file when it exists) and reads its
    /// configuration and waivers.
    pub fn open(spec: &SessionSpec) -> Result<Session, SessionError> {
        let config = match &spec.config {
            Some(p) => Config::load(p)?,
            None => Config::default(),
        };
        let waivers = spec.waivers.as_deref().map(WaiverFile::load).transpose()?;
        let rt = load::runtime(spec.plugins.cache_dir.as_deref())?;
        let plugins = load::load(&rt, &spec.plugins, true)?;
        Ok(Session {
            plugins,
            config,
            waivers,
        })
    }

    /// A session over plugins loaded by the caller.
    pub fn new(loaded: Vec<Arc<LoadedPlugin>>, config: Config) -> Session {
        Session {
            plugins: Plugins {
                loaded,
                refused: Vec::new(),
            },
            config,
            waivers: None,
        }
    }

    /// Applies `waivers` to this session's scans.
    pub fn with_waivers(mut self, waivers: WaiverFile) -> Session {
        self.waivers = Some(waivers);
        self
    }

    /// The plugins, loaded and refused.
    pub fn plugins(&self) -> &Plugins {
        &self.plugins
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The plan: which checks each plugin runs, validated against the configuration.
    pub fn plan(&self) -> Result<Vec<Planned>, SessionError> {
        Ok(plan::plan(&self.plugins.loaded, &self.config)?)
    }

    /// Runs `request` on a runtime of its own and returns its outcome.
    pub fn scan(
        &self,
        request: ScanRequest,
        progress: Option<Progress>,
    ) -> Result<ScanOutcome, SessionError> {
        let tokio = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .max_blocking_threads(request.jobs.max(1))
            .enable_all()
            .build()
            .map_err(SessionError::Async)?;
        let outcome = tokio.block_on(self.scan_async(request, progress));
        // Never wait for a plugin thread the watchdog abandoned.
        tokio.shutdown_background();
        outcome
    }

    /// Runs `request` on the caller's tokio runtime, which must have its time driver enabled
    /// (`enable_time` or `enable_all`): every evaluation is watched by a timer.
    pub async fn scan_async(
        &self,
        request: ScanRequest,
        progress: Option<Progress>,
    ) -> Result<ScanOutcome, SessionError> {
        let mut planned = self.plan()?;
        let target = request.target;
        plan::scope(&mut planned, &target.snapshot);
        let opts = ScanOptions {
            jobs: request.jobs.max(1),
            now: request.now,
        };
        let (mut outcomes, mut timings) =
            run::evaluate(planned, target.snapshot.clone(), opts, progress).await;
        // Refused plugins come after the loaded ones: the report's stable sort by name
        // keeps that order between plugins of the same name.
        outcomes.extend(self.plugins.refused.iter().map(Refusal::outcome));
        let started = std::time::Instant::now();
        let severities: SeverityOverrides = self.config.severity_overrides();
        let mut report = Report::build(
            ReportInput {
                snapshot: &target.snapshot,
                origin: &target.origin,
                now: request.now,
                severities: &severities,
                waivers: self.waivers.as_ref(),
            },
            outcomes,
        );
        report.inputs = crate::report::InputDigests {
            snapshot_sha256: target.sha256.clone(),
            config_sha256: self.config.sha256.clone(),
            waivers_sha256: self.waivers.as_ref().and_then(|w| w.sha256.clone()),
        };
        timings.aggregate = started.elapsed();
        let baseline = request
            .baseline
            .as_ref()
            .map(|old| crate::report::diff::diff(old, &report));
        let verdict = verdict(&report, baseline.as_ref(), request.gate);
        Ok(ScanOutcome {
            provenance: serde_json::json!({
                "captured_at": crate::report::rfc3339(target.snapshot.captured_at),
                "accounts": target.snapshot.accounts,
                "provenance": target.snapshot.provenance,
            }),
            report,
            baseline,
            verdict,
            timings,
        })
    }
}

/// The verdict of `report` under `gate`: with `new_only` and a baseline, errors first, then
/// only new failures count.
fn verdict(report: &Report, baseline: Option<&Diff>, gate: Gate) -> Verdict {
    match baseline {
        Some(d) if gate.new_only => match report.verdict(None) {
            Verdict::Pass => d.verdict(gate.fail_on),
            errors => errors,
        },
        _ => report.verdict(gate.fail_on),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::report::build::test_support::{admin_mfa_finding as finding, report_of};
    use crate::report::diff::diff;

    fn gate(fail_on: Severity, new_only: bool) -> Gate {
        Gate {
            fail_on: Some(fail_on),
            new_only,
        }
    }

    /// The baseline fails on `old` (high); the new report still fails on it and newly on
    /// `new` (low).
    fn old_and_new() -> (Report, Report) {
        let old = report_of(vec![finding(Status::Fail, Severity::High, "old")]);
        let new = report_of(vec![
            finding(Status::Fail, Severity::High, "old"),
            finding(Status::Fail, Severity::Low, "new"),
        ]);
        (old, new)
    }

    #[test]
    fn with_new_only_only_new_failures_count() {
        let (old, new) = old_and_new();
        let d = diff(&old, &new);
        assert_eq!(
            verdict(&new, Some(&d), gate(Severity::High, true)),
            Verdict::Pass
        );
        assert_eq!(
            verdict(&new, Some(&d), gate(Severity::Low, true)),
            Verdict::Fail
        );
        // Without `new_only`, the baseline changes nothing: the old failure counts.
        assert_eq!(
            verdict(&new, Some(&d), gate(Severity::High, false)),
            Verdict::Fail
        );
    }

    #[test]
    fn errors_win_over_new_only() {
        let (old, _) = old_and_new();
        let new = report_of(vec![
            finding(Status::Fail, Severity::High, "old"),
            finding(Status::Error, Severity::Info, "broken"),
        ]);
        let d = diff(&old, &new);
        assert!(d.new_failures.is_empty());
        assert_eq!(
            verdict(&new, Some(&d), gate(Severity::Critical, true)),
            Verdict::Error
        );
    }

    #[test]
    fn without_a_baseline_the_report_decides() {
        let (_, new) = old_and_new();
        assert_eq!(
            verdict(&new, None, gate(Severity::High, true)),
            Verdict::Fail
        );
        assert_eq!(
            verdict(&new, None, gate(Severity::Critical, true)),
            Verdict::Pass
        );
        assert_eq!(verdict(&new, None, Gate::default()), Verdict::Pass);
    }
}
