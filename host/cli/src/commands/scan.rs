//! `posture scan`: reads or imports the snapshot (first: it is the cheapest input to get
//! wrong), opens a session (configuration, waivers, plugins, lock file), runs the scan with a progress bar, prints the report (and what
//! changed since the baseline) and ends with the outcome's verdict.

use super::parse_now;
use crate::args::ScanArgs;
use crate::exit::Exit;
use crate::output::progress_bar;
use anyhow::Result;
use posture::report::Format;
use posture::session::{Gate, Progress, ScanRequest, ScanTarget, Session, SessionSpec};
use std::sync::Arc;

pub(crate) fn scan(args: ScanArgs) -> Result<Exit> {
    let now = parse_now(args.now.as_deref())?;
    let target = match args.from {
        Some(source) => ScanTarget::import(
            source,
            &args.snapshot,
            &super::import::options(args.captured_at.as_deref(), args.account.clone())?,
        )?,
        None => ScanTarget::read(
            &args.snapshot,
            args.max_snapshot_mib.saturating_mul(1 << 20),
        )?,
    };
    let session = Session::open(&SessionSpec {
        plugins: args.source.source(),
        config: args.config.clone(),
        waivers: args.waivers.clone(),
    })?;
    let baseline = args
        .baseline
        .as_deref()
        .map(posture::report::read)
        .transpose()?;
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
        .max(1);
    let planned = session.plan()?.len();
    let bar = progress_bar(planned);
    let progress = bar.clone().map(|b| {
        Arc::new(move |name: &str, done: usize, _total: usize| {
            b.set_position(done as u64);
            b.set_message(name.to_string());
        }) as Progress
    });
    let outcome = session.scan(
        ScanRequest {
            target,
            now,
            jobs,
            baseline,
            gate: Gate {
                fail_on: args.fail_on.0,
                new_only: args.fail_on_new,
            },
        },
        progress,
    )?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let comparison = match &outcome.baseline {
        Some(d)
            if args.out.format == Format::Text
                && args.out.framework.is_none()
                && !args.out.quiet =>
        {
            Some(format!("\n{}", d.to_text()))
        }
        _ => None,
    };
    args.out
        .write(&outcome.report, session.config(), comparison.as_deref())?;
    if args.record {
        let location = args.history.location(args.config.as_deref());
        match super::history::record(&location, &outcome, args.sign_key.as_deref()) {
            Ok(r) => super::history::print_recorded(&location, &r),
            Err(e) => {
                // The report above stands; the run is simply not in the history.
                eprintln!("error: the run was NOT recorded in {location}: {e:#}");
                return Ok(Exit::NotRecorded);
            }
        }
    }
    Ok(outcome.verdict.into())
}
