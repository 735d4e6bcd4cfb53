//! `posture evidence export`: the evidence pack of a period, read from the run history one
//! run at a time (every figure is built while the runs stream by; the OSCAL results are
//! written as each run is read). A directory, or a `.zip` / `.tar.gz` archive of it when the
//! output's name says so.

use super::evidence::{
    Period, cadence_of, gaps_doc, interval_json, list_runs, privileges_doc, remediation_doc,
};
use crate::args::{PeriodArgs, PromiseArgs};
use crate::exit::Exit;
use anyhow::{Context, Result, bail};
use posture::config::Config;
use posture::report::evidence_page::{self, EvidencePage};
use posture::report::oscal::{self, AssessmentResultsWriter};
use posture::report::privileges::TrendTracker;
use posture::report::remediation::{Interval, Tracker, summarize};
use posture::report::rfc3339;
use posture::report::timeline::TimelineTracker;
use posture_history::RunRef;
use sha2::Digest as _;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// What the output's name asks for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Packing {
    Directory,
    Zip,
    TarGz,
}

fn packing(out: &Path) -> Packing {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if name.ends_with(".zip") {
        Packing::Zip
    } else if name.ends_with(".tar.gz") || name.ends_with(".tgz") {
        Packing::TarGz
    } else {
        Packing::Directory
    }
}

/// The files of the pack, as written (for `SHA256SUMS`).
struct Pack {
    dir: PathBuf,
    files: Vec<String>,
}

impl Pack {
    fn path(&mut self, name: &str) -> Result<PathBuf> {
        let path = self.dir.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        self.files.push(name.to_string());
        Ok(path)
    }

    fn write(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        let path = self.path(name)?;
        fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))
    }

    fn json(&mut self, name: &str, value: &serde_json::Value) -> Result<()> {
        let mut text = serde_json::to_string_pretty(value)?;
        text.push('\n');
        self.write(name, text.as_bytes())
    }

    fn create(&mut self, name: &str) -> Result<BufWriter<File>> {
        let path = self.path(name)?;
        Ok(BufWriter::new(File::create(&path).with_context(|| {
            format!("cannot create {}", path.display())
        })?))
    }
}

pub(crate) fn export(period_args: &PeriodArgs, promise: &PromiseArgs, out: &Path) -> Result<Exit> {
    let config = promise.config.as_deref().map(Config::load).transpose()?;
    let cadence = cadence_of(promise.cadence.as_deref(), config.as_ref())?;
    let policy = config
        .as_ref()
        .map(|c| c.actions.clone())
        .unwrap_or_default();
    let catalog = posture::report::compliance::catalog(promise.framework)?;
    let packing = packing(out);
    let dir = match packing {
        Packing::Directory => {
            if out.exists()
                && fs::read_dir(out)
                    .map(|mut d| d.next().is_some())
                    .unwrap_or(true)
            {
                bail!(
                    "{} exists and is not an empty directory: the pack is written to a new one",
                    out.display()
                );
            }
            out.to_path_buf()
        }
        _ => {
            if out.exists() {
                bail!(
                    "{} exists: the archive is written to a new file",
                    out.display()
                );
            }
            let mut staging = out.as_os_str().to_owned();
            staging.push(format!(".partial-{}", std::process::id()));
            PathBuf::from(staging)
        }
    };
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut pack = Pack {
        dir: dir.clone(),
        files: Vec::new(),
    };
    let result = write_pack(&mut pack, period_args, promise, &catalog, cadence, &policy);
    let summary = match result {
        Ok(s) => s,
        Err(e) => {
            if packing != Packing::Directory {
                let _ = fs::remove_dir_all(&dir);
            }
            return Err(e);
        }
    };
    let archived = match packing {
        Packing::Directory => Ok(()),
        Packing::Zip => archive_zip(&dir, &pack.files, out),
        Packing::TarGz => archive_tar_gz(&dir, &pack.files, out),
    };
    if let Err(e) = archived {
        // neither a half-written archive nor the staging directory is left behind
        let _ = fs::remove_file(out);
        let _ = fs::remove_dir_all(&dir);
        return Err(e);
    }
    if packing != Packing::Directory {
        fs::remove_dir_all(&dir).with_context(|| format!("cannot remove {}", dir.display()))?;
    }
    eprintln!(
        "wrote the evidence pack to {}: {} runs in the period, {} controls ({} covered), {} failing intervals ({} open), {} files",
        out.display(),
        summary.runs,
        summary.controls,
        summary.covered,
        summary.intervals,
        summary.open,
        pack.files.len()
    );
    Ok(Exit::Success)
}

/// What the closing line says.
struct Written {
    runs: usize,
    controls: usize,
    covered: usize,
    intervals: usize,
    open: usize,
}

fn write_pack(
    pack: &mut Pack,
    period_args: &PeriodArgs,
    promise: &PromiseArgs,
    catalog: &posture::report::compliance::Catalog,
    cadence: posture::report::cadence::Cadence,
    policy: &posture::report::actions::ActionPolicy,
) -> Result<Written> {
    let (mut store, period) = list_runs(period_args)?;
    let title = format!(
        "{} evidence, {} to {}",
        catalog.name,
        rfc3339(period.start),
        rfc3339(period.end)
    );
    let identity = format!(
        "{}/{}/{}/{}",
        catalog.id,
        period.start,
        period.end,
        period.run_ids().join(",")
    );
    let mut timeline = TimelineTracker::new(catalog, cadence);
    let mut remediation = Tracker::new(policy);
    let mut privileges = TrendTracker::new();
    let results = pack.create("assessment-results.json")?;
    let mut oscal_results =
        AssessmentResultsWriter::start(results, catalog, &title, &rfc3339(period.end), &identity)?;
    let total = period.runs.len();
    let mut first_in_period = true;
    for (n, (at, seq, run_id, _)) in period.runs.iter().enumerate() {
        let text = store.run_report(RunRef::Seq(*seq))?;
        let report = posture::report::from_slice(text.as_bytes(), Path::new(run_id))?;
        timeline.add(&report)?;
        remediation.add(&report)?;
        privileges.add(&report);
        if *at >= period.start {
            let last = n + 1 == total;
            if first_in_period {
                pack.write("reports/first-run.json", text.as_bytes())?;
            }
            if last {
                pack.write("reports/last-run.json", text.as_bytes())?;
            }
            // every failure is listed at the period's first and last run, changes between
            oscal_results.add(run_id, &report, first_in_period || last)?;
            first_in_period = false;
        }
        if total >= 50 && (n + 1) % 50 == 0 {
            eprintln!("read {} of {total} runs", n + 1);
        }
    }
    oscal_results.finish(&rfc3339(period.start))?.flush()?;
    let runs = period.run_ids();
    let timeline = timeline.finish(period.start, period.end);
    pack.json("timeline.json", &timeline.to_json(&runs, period.in_period))?;
    pack.write("timeline.csv", timeline.to_csv()?.as_bytes())?;
    pack.write("timeline-runs.csv", timeline.runs_csv(&runs)?.as_bytes())?;
    let intervals: Vec<Interval> = remediation
        .finish(period.end)
        .into_iter()
        .filter(|i| i.opened <= period.end && i.fixed.is_none_or(|(_, at, _)| at >= period.start))
        .collect();
    let summary = summarize(&intervals);
    write_findings_history(
        pack.create("findings-history.json")?,
        &period,
        &intervals,
        &summary,
    )?;
    pack.write("findings-history.csv", &intervals_csv(&intervals, &period)?)?;
    let trend = privileges.finish().within(period.start, period.end);
    pack.json("privileges.json", &privileges_doc(&period, &trend))?;
    let gaps = period.gaps(cadence);
    pack.json("gaps.json", &gaps_doc(&period, &gaps, cadence))?;
    let open: Vec<Interval> = intervals
        .iter()
        .filter(|i| i.fixed.is_none())
        .cloned()
        .collect();
    let poam = pack.create("poam.json")?;
    oscal::write_poam(
        poam,
        &open,
        &format!("Plan of action and milestones at {}", rfc3339(period.end)),
        period.end,
        &identity,
    )?
    .flush()?;
    let receipts = {
        let mut buf = Vec::new();
        store.export_receipts(&mut buf)?;
        buf
    };
    pack.write("receipts/receipts.jsonl", &receipts)?;
    let envelopes = {
        let mut buf = Vec::new();
        store.export_envelopes(&mut buf)?;
        buf
    };
    if !envelopes.is_empty() {
        pack.write("receipts/envelopes.jsonl", &envelopes)?;
    }
    pack.write(
        "index.html",
        evidence_page::render(&EvidencePage {
            timeline: &timeline,
            runs: &runs,
            runs_in_period: period.in_period,
            gaps: &gaps,
            remediation: Some((&intervals, &summary)),
            privileges: Some(&trend),
        })
        .as_bytes(),
    )?;
    pack.write(
        "VERIFY.md",
        verify_md(&period, promise, !envelopes.is_empty()).as_bytes(),
    )?;
    write_sums(pack)?;
    Ok(Written {
        runs: period.in_period,
        controls: timeline.controls.len(),
        covered: timeline.covered(),
        intervals: intervals.len(),
        open: open.len(),
    })
}

/// `findings-history.json`: the document of `evidence remediation --format json`, written one
/// interval at a time.
fn write_findings_history(
    mut out: impl Write,
    period: &Period,
    intervals: &[Interval],
    summary: &posture::report::remediation::Summary,
) -> Result<()> {
    let mut head = remediation_doc(period, &[], summary);
    let summary = head
        .as_object_mut()
        .and_then(|o| o.remove("summary"))
        .unwrap_or_default();
    if let Some(o) = head.as_object_mut() {
        o.remove("intervals");
    }
    let head = serde_json::to_string(&head)?;
    let head = head
        .strip_suffix('}')
        .context("the findings history's head is a JSON object")?;
    out.write_all(head.as_bytes())?;
    out.write_all(b",\"intervals\":[")?;
    for (n, i) in intervals.iter().enumerate() {
        out.write_all(if n == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut out, &interval_json(i, &period.runs))?;
    }
    out.write_all(b"\n],\"summary\":")?;
    serde_json::to_writer(&mut out, &summary)?;
    out.write_all(b"}\n")?;
    out.flush()?;
    Ok(())
}

/// The findings history as CSV: one row per failing interval.
fn intervals_csv(intervals: &[Interval], period: &Period) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let columns = [
        "check_id",
        "domain",
        "account",
        "resource_kind",
        "resource_id",
        "severity",
        "owner",
        "first_seen_failing",
        "first_seen_run",
        "deadline",
        "fixed_at",
        "fixed_run",
        "fixed_by",
        "days_to_remediate",
        "outcome",
    ];
    w.write_record(columns)?;
    for i in intervals {
        let doc = interval_json(i, &period.runs);
        let row: Vec<String> = columns
            .iter()
            .map(|c| match &doc[*c] {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => posture::report::sanitize::csv_cell(s).into_owned(),
                other => other.to_string(),
            })
            .collect();
        w.write_record(&row)?;
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("{}", e.error()))
}

/// A fenced block of docs/history.md, found by the HTML comment before it.
fn doc_block(marker: &str) -> &'static str {
    const HISTORY: &str = include_str!("../../../../docs/history.md");
    HISTORY
        .split_once(marker)
        .and_then(|(_, rest)| rest.split_once("```python\n"))
        .and_then(|(_, rest)| rest.split_once("```"))
        .map_or("", |(block, _)| block)
}

fn verify_md(period: &Period, promise: &PromiseArgs, signed: bool) -> String {
    let first = period.runs.iter().find(|r| r.0 >= period.start);
    let last = period.runs.last();
    let name = |r: Option<&(i64, u64, String, Vec<String>)>| {
        r.map_or_else(
            || "none".to_string(),
            |r| format!("{} (sequence {})", r.2, r.1),
        )
    };
    let mut s = format!(
        "# How to verify this evidence pack\n\n\
         Period: {} to {}; framework `{}`; {} runs in the period, from {} to {}.\n\n\
         Every file's sha256 is in `SHA256SUMS` (`sha256sum -c SHA256SUMS`).\n\n\
         ## 1. The chain of receipts\n\n\
         `receipts/receipts.jsonl` holds the receipt of every run recorded in the history, one per\n\
         line, each line exactly its canonical (RFC 8785) bytes; each receipt carries the digest of\n\
         the one before, so no run can be edited, removed or inserted without breaking the chain.\n\
         Save this script as `check.py` and run `python3 check.py receipts/receipts.jsonl`; it\n\
         prints the number of receipts and the head digest. Compare the head digest with one kept\n\
         or received separately (that is what shows the history was not cut short).\n\n\
         ```python\n{}```\n\n\
         ## 2. The first and last reports against their receipts\n\n\
         `reports/first-run.json` and `reports/last-run.json` are the full reports of the first and\n\
         last run of the period. Save this script as `digests.py` and run `python3 digests.py\n\
         reports/first-run.json`: it prints the report's `header_sha256` and `findings_sha256`,\n\
         which must equal those in that run's receipt (the line whose `run` is the report's run).\n\n\
         ```python\n{}```\n\n",
        rfc3339(period.start),
        rfc3339(period.end),
        promise.framework.id(),
        period.in_period,
        name(first),
        name(last),
        doc_block("<!-- auditor-check -->"),
        doc_block("<!-- report-digests -->"),
    );
    if signed {
        s.push_str(
            "## 3. Signatures\n\n\
             `receipts/envelopes.jsonl` holds a DSSE envelope per signed run (Ed25519 over the DSSE\n\
             pre-authentication encoding). With the public key the company published, `posture\n\
             history verify --key KEY.pub` checks them against the history; any DSSE-aware tool can\n\
             check the envelopes alone.\n\n",
        );
    }
    s.push_str(
        "## What the other files are\n\n\
         - `index.html`: the period at a glance (open in any browser; no script, no network).\n\
         - `timeline.json`, `timeline.csv`, `timeline-runs.csv`: every control's state at each run,\n\
           the share of the period it was passing (time-weighted) and its failing intervals.\n\
         - `findings-history.json`, `findings-history.csv`: every failing interval of a check on a\n\
           resource, when it was fixed and whether by the action plan's deadline.\n\
         - `privileges.json`: administrators per account at each run, additions and removals.\n\
         - `gaps.json`: stretches longer than the promised cadence without a run.\n\
         - `assessment-results.json`, `poam.json`: the same evidence as OSCAL 1.1.3 Assessment\n\
           Results and Plan of Action and Milestones (docs/evidence.md gives the mapping).\n\n\
         The figures are derived from the reports the receipts seal: re-running `posture evidence\n\
         export` over the same history gives the same files.\n",
    );
    s
}

fn write_sums(pack: &mut Pack) -> Result<()> {
    let mut sums = String::new();
    let mut names = pack.files.clone();
    names.sort();
    for name in &names {
        let path = pack.dir.join(name);
        let mut file =
            File::open(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let mut hasher = sha2::Sha256::new();
        std::io::copy(&mut file, &mut hasher)?;
        sums.push_str(&format!("{}  {name}\n", hex::encode(hasher.finalize())));
    }
    pack.write("SHA256SUMS", sums.as_bytes())
}

fn archive_zip(dir: &Path, files: &[String], out: &Path) -> Result<()> {
    let file = File::create(out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut zip = zip::ZipWriter::new(BufWriter::new(file));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for name in files {
        zip.start_file(name.as_str(), options)?;
        let mut f = File::open(dir.join(name))?;
        std::io::copy(&mut f, &mut zip)?;
    }
    zip.finish()?.flush()?;
    Ok(())
}

fn archive_tar_gz(dir: &Path, files: &[String], out: &Path) -> Result<()> {
    let file = File::create(out).with_context(|| format!("cannot create {}", out.display()))?;
    let gz = flate2::write::GzEncoder::new(BufWriter::new(file), flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    tar.mode(tar::HeaderMode::Deterministic);
    for name in files {
        tar.append_path_with_name(dir.join(name), name)?;
    }
    tar.into_inner()?.finish()?.flush()?;
    Ok(())
}
