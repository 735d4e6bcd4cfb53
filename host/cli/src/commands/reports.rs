//! `posture report` (render a saved JSON report again, optionally with waivers) and `posture
//! diff` (compare two saved reports).

use super::parse_now;
use crate::args::{DiffArgs, DiffFormat, ReportArgs};
use crate::exit::Exit;
use crate::output::write_output;
use anyhow::Result;
use posture::config::Config;

pub(crate) fn report(args: ReportArgs) -> Result<Exit> {
    let mut report = posture::report::read(&args.from)?;
    let config = match &args.config {
        Some(p) => Config::load(p)?,
        None => Config::default(),
    };
    if let Some(p) = &args.waivers {
        let now = parse_now(Some(&report.now))?;
        posture::report::waiver::WaiverFile::load(p)?.apply(&mut report, now);
    }
    args.out.write(&report, &config, None)?;
    Ok(Exit::Success)
}

pub(crate) fn diff(args: DiffArgs) -> Result<Exit> {
    let old = posture::report::read(&args.old)?;
    let new = posture::report::read(&args.new)?;
    let d = posture::report::diff::diff(&old, &new);
    let text = match args.format {
        DiffFormat::Text => d.to_text(),
        DiffFormat::Json => d.to_json(),
        DiffFormat::Markdown => d.to_markdown(),
    };
    write_output(args.output.as_deref(), &text)?;
    Ok(d.verdict(args.fail_on.0).into())
}
