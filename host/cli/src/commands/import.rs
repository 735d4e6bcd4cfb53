//! `posture import` (an export into a normalised snapshot) and `posture schema` (the JSON
//! Schemas of the snapshot and of the report).

use crate::args::ImportArgs;
use crate::exit::Exit;
use anyhow::{Context, Result};

/// The importers' options from `--captured-at` and `--account` (`import`, `scan --from`).
pub(crate) fn options(
    captured_at: Option<&str>,
    account: Option<String>,
) -> Result<posture::import::Options> {
    let captured_at = captured_at
        .map(posture::snapshot::time::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--captured-at: {e}"))?;
    Ok(posture::import::Options {
        captured_at,
        account,
    })
}

pub(crate) fn import(args: ImportArgs) -> Result<Exit> {
    let options = options(args.captured_at.as_deref(), args.account)?;
    let snapshot = posture::import::import(args.source, &args.path, &options)?;
    let json = serde_json::to_string_pretty(&snapshot)?;
    match &args.output {
        Some(out) => {
            std::fs::write(out, json + "\n")
                .with_context(|| format!("cannot write {}", out.display()))?;
            let kinds = posture::snapshot::EntityKind::ALL
                .iter()
                .filter(|k| snapshot.count(**k).is_some())
                .count();
            eprintln!(
                "imported {} ({} of {} entity kinds collected) into {}",
                args.path.display(),
                kinds,
                posture::snapshot::EntityKind::ALL.len(),
                out.display()
            );
        }
        None => println!("{json}"),
    }
    Ok(Exit::Success)
}

pub(crate) fn schema(report: bool) -> Result<Exit> {
    let schema = if report {
        posture::report::json_schema()
    } else {
        posture::snapshot::json_schema()
    };
    println!("{}", serde_json::to_string_pretty(&schema)?);
    Ok(Exit::Success)
}
