//! The run history: `scan --record` (recording one scan's outcome), `posture history
//! list|show|diff|findings|verify|export-receipts|import` and `posture keygen`, over the
//! posture-history store (SQLite file or PostgreSQL).

use crate::args::{DiffFormat, HistoryArgs, HistoryCommand, ListFormat};
use crate::exit::Exit;
use crate::output::write_output;
use anyhow::{Context, Result, bail};
use posture::config::Config;
use posture::report::Report;
use posture::session::ScanOutcome;
use posture_history::keys::{read_signing_key, read_verifying_key};
use posture_history::{FindingFilter, NewRun, Recorded, RunRef, Store};
use std::path::{Path, PathBuf};

/// The default history file's name.
pub(crate) const DEFAULT_HISTORY: &str = "posture-history.db";

impl HistoryArgs {
    /// The store's location: `--history`/`POSTURE_HISTORY`, else `posture-history.db` beside
    /// `config` (when given), else in the current directory.
    pub(crate) fn location(&self, config: Option<&Path>) -> String {
        if let Some(l) = &self.location {
            return l.clone();
        }
        let dir = config
            .and_then(Path::parent)
            .filter(|d| !d.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        dir.join(DEFAULT_HISTORY).display().to_string()
    }

    /// Opens the store to read it: a store file that does not exist is an error (reading
    /// must not leave an empty store behind, nor read as "no runs" when a path is mistyped).
    pub(crate) fn open(&self) -> Result<Store> {
        let location = self.location(None);
        if !location.contains("://") && !Path::new(&location).exists() {
            anyhow::bail!(
                "no run history at {location}: nothing was recorded there (`posture scan \
                 --record` records a run; --history or POSTURE_HISTORY names another store)"
            );
        }
        self.open_to_write()
    }

    /// Opens the store to record into it, creating an SQLite file when missing.
    pub(crate) fn open_to_write(&self) -> Result<Store> {
        let location = self.location(None);
        Store::open(&location).with_context(|| format!("cannot open the history at {location}"))
    }
}

/// Records `outcome` in the store at `location`, signing with `sign_key`.
pub(crate) fn record(
    location: &str,
    outcome: &ScanOutcome,
    sign_key: Option<&Path>,
) -> Result<Recorded> {
    let key = sign_key.map(read_signing_key).transpose()?;
    let mut store = Store::open(location)?;
    let run = NewRun::from_report(outcome.report.to_json(), outcome.provenance.clone(), false)?;
    Ok(store.record(&run, key.as_ref())?)
}

/// Prints where a run was recorded.
pub(crate) fn print_recorded(location: &str, r: &Recorded) {
    eprintln!(
        "recorded run {} in {location} ({} findings: {} new, {} gone; receipt sha256 {}{})",
        r.run_id,
        r.findings,
        r.new_findings,
        r.gone_findings,
        r.receipt_sha256,
        if r.signed { ", signed" } else { "" }
    );
}

fn run_ref(s: &str) -> Result<RunRef> {
    s.parse::<RunRef>()
        .map_err(|e| anyhow::anyhow!("`{s}` is not a run (r-000042, 42, latest, latest~1): {e}"))
}

fn stored_report(store: &mut Store, run: &str) -> Result<(String, Report)> {
    let text = store.run_report(run_ref(run)?)?;
    let report = posture::report::from_slice(text.as_bytes(), Path::new(run))?;
    Ok((text, report))
}

/// Runs a `posture history` subcommand.
pub(crate) fn history(command: HistoryCommand) -> Result<Exit> {
    match command {
        HistoryCommand::List { history, format } => {
            let runs = history.open()?.list_runs()?;
            let text = match format {
                ListFormat::Json => serde_json::to_string_pretty(&runs)? + "\n",
                ListFormat::Text => {
                    let mut s = String::new();
                    for r in &runs {
                        s.push_str(&format!(
                            "{}  {}  {}  fail {} pass {} not-evaluable {} error {}  receipt {}{}{}\n",
                            r.run_id,
                            r.now,
                            r.accounts.join(","),
                            r.counts.fail,
                            r.counts.pass,
                            r.counts.not_evaluable,
                            r.counts.error,
                            &r.receipt_sha256[..12.min(r.receipt_sha256.len())],
                            if r.signed { "  signed" } else { "" },
                            if r.backfilled { "  backfilled" } else { "" },
                        ));
                    }
                    if runs.is_empty() {
                        s.push_str("no runs recorded\n");
                    }
                    s
                }
            };
            write_output(None, &text)?;
            Ok(Exit::Success)
        }
        HistoryCommand::Show { run, history, out } => {
            let mut store = history.open()?;
            let (text, report) = stored_report(&mut store, &run)?;
            let rendered = if out.format == posture::report::Format::Json && out.framework.is_none()
            {
                text
            } else {
                out.render(&report, &Config::default())?
            };
            write_output(out.output.as_deref(), &rendered)?;
            Ok(Exit::Success)
        }
        HistoryCommand::Diff {
            old,
            new,
            history,
            format,
        } => {
            let mut store = history.open()?;
            let (_, old) = stored_report(&mut store, &old)?;
            let (_, new) = stored_report(&mut store, &new)?;
            let d = posture::report::diff::diff(&old, &new);
            let text = match format {
                DiffFormat::Text => d.to_text(),
                DiffFormat::Json => d.to_json(),
                DiffFormat::Markdown => d.to_markdown(),
            };
            write_output(None, &text)?;
            Ok(Exit::Success)
        }
        HistoryCommand::Findings {
            history,
            status,
            open,
            check,
            format,
        } => {
            let rows = history.open()?.findings_history(&FindingFilter {
                status,
                open,
                check_id: check,
            })?;
            let text = match format {
                ListFormat::Json => serde_json::to_string_pretty(&rows)? + "\n",
                ListFormat::Text => {
                    let mut s = String::new();
                    for r in &rows {
                        s.push_str(&format!(
                            "{}  {}{}  first seen {} ({})  last seen {} ({})\n",
                            r.check_id,
                            r.account
                                .as_deref()
                                .map(|a| format!("{a}/"))
                                .unwrap_or_default(),
                            r.resource_id,
                            r.first_seen,
                            r.first_seen_run,
                            r.last_seen,
                            r.last_seen_run,
                        ));
                    }
                    s
                }
            };
            write_output(None, &text)?;
            Ok(Exit::Success)
        }
        HistoryCommand::Verify { history, keys } => {
            let keys = keys
                .iter()
                .map(|k| read_verifying_key(k))
                .collect::<Result<Vec<_>, _>>()?;
            let location = history.location(None);
            let v = history.open()?.verify(&keys)?;
            match &v.problem {
                None => {
                    println!(
                        "{location}: {} run(s) verified, {} signature(s) checked: intact",
                        v.runs, v.signatures
                    );
                    Ok(Exit::Success)
                }
                Some(p) => {
                    println!("{location}: NOT intact: first difference at {p}");
                    Ok(Exit::Failing)
                }
            }
        }
        HistoryCommand::ExportReceipts {
            history,
            output,
            envelopes,
        } => {
            let mut store = history.open()?;
            let mut buf = Vec::new();
            let n = store.export_receipts(&mut buf)?;
            write_output(output.as_deref(), &String::from_utf8_lossy(&buf))?;
            if let Some(path) = envelopes {
                let mut env = Vec::new();
                store.export_envelopes(&mut env)?;
                std::fs::write(&path, env)
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
            eprintln!("exported {n} receipt(s)");
            Ok(Exit::Success)
        }
        HistoryCommand::Import {
            reports,
            history,
            allow_backfill,
            sign_key,
        } => {
            let key = sign_key.as_deref().map(read_signing_key).transpose()?;
            let location = history.location(None);
            let mut store = history.open_to_write()?;
            for path in &reports {
                let bytes = posture::input::read(path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                let report = posture::report::from_slice(&bytes, path)?;
                let Ok(text) = String::from_utf8(bytes) else {
                    bail!("{}: not UTF-8", path.display());
                };
                let run = NewRun::from_report(text, provenance_of(&report), allow_backfill)?;
                let r = store
                    .record(&run, key.as_ref())
                    .with_context(|| format!("{}: not recorded", path.display()))?;
                print_recorded(&location, &r);
            }
            Ok(Exit::Success)
        }
    }
}

/// What a saved report states of where its snapshot came from (it carries no provenance).
fn provenance_of(report: &Report) -> serde_json::Value {
    serde_json::json!({
        "captured_at": report.snapshot.captured_at,
        "accounts": report.snapshot.accounts,
        "origin": report.snapshot.origin,
    })
}

/// `posture keygen`.
pub(crate) fn keygen(prefix: &Path) -> Result<Exit> {
    let private = PathBuf::from(format!("{}.key", prefix.display()));
    let public = PathBuf::from(format!("{}.pub", prefix.display()));
    let key = posture_history::keys::keygen(&private, &public)?;
    eprintln!(
        "wrote {} (private, keep it secret) and {} (key id {})",
        private.display(),
        public.display(),
        posture_history::keys::key_id(&key)
    );
    Ok(Exit::Success)
}
