//! Importers: turn the exports operators already have into a normalised snapshot, recording
//! where it came from (source format and version, capture time, every input file's sha256).
//!
//! Each importer is tolerant of fields it does not know and of missing sections (those entity
//! kinds stay absent, so the checks that need them report not-evaluable) and strict on values
//! of the wrong type (the error names the file and the JSON pointer).

pub mod aws;
mod common;
mod files;
pub mod github;
mod scuba;
pub mod scubagear;
pub mod scubagoggles;

pub use common::{ImportError, Options, Source};
pub use files::{Answer, ExportFiles};

use crate::snapshot::{self, ProvenanceFile, Snapshot};
use std::path::Path;

/// Imports the export at `path` (a directory or a file, depending on `source`).
pub fn import(source: Source, path: &Path, options: &Options) -> Result<Snapshot, ImportError> {
    let snapshot = match source {
        Source::Aws => aws::import(path, options)?,
        Source::Github => github::import(path, options)?,
        Source::Scubagear | Source::Scubagoggles => {
            let (bytes, origin, read) = read_single(path)?;
            single_file(source, &bytes, &origin, options, read)?
        }
    };
    validated(snapshot, path)
}

/// Imports a single-file export held in memory (ScubaGear, ScubaGoggles); `origin` names it in
/// errors and provenance. The AWS export is a directory: use [`import`].
pub fn from_slice(
    source: Source,
    bytes: &[u8],
    origin: &str,
    options: &Options,
) -> Result<Snapshot, ImportError> {
    let snapshot = match source {
        Source::Scubagear | Source::Scubagoggles => single_file(
            source,
            bytes,
            origin,
            options,
            vec![files::provenance_of(origin, bytes)],
        )?,
        Source::Aws => {
            return Err(ImportError::Invalid {
                path: origin.to_string(),
                message: "an AWS export is a directory, not one file".into(),
            });
        }
        Source::Github => {
            return Err(ImportError::Invalid {
                path: origin.to_string(),
                message: "a GitHub export is a directory, not one file".into(),
            });
        }
    };
    validated(snapshot, Path::new(origin))
}

/// Reads a single-file export: its bytes, its display path, the file read.
fn read_single(path: &Path) -> Result<(Vec<u8>, String, Vec<ProvenanceFile>), ImportError> {
    let (mut files, name) = ExportFiles::open_file(path)?;
    let display = path.display().to_string();
    let bytes = files.bytes(&name)?.ok_or_else(|| ImportError::Read {
        path: display.clone(),
        source: std::io::ErrorKind::NotFound.into(),
    })?;
    Ok((bytes, display, files.into_read()))
}

/// Builds the snapshot of a ScubaGear or ScubaGoggles file: the bare provider export or a
/// results file carrying it ([`scuba::parse`]).
fn single_file(
    source: Source,
    bytes: &[u8],
    origin: &str,
    options: &Options,
    read: Vec<ProvenanceFile>,
) -> Result<Snapshot, ImportError> {
    match source {
        Source::Scubagear => {
            let (export, meta) = scuba::parse(bytes, origin, "ScubaGear")?;
            scubagear::build(export, &meta, options, origin, read)
        }
        Source::Scubagoggles => {
            let (export, meta) = scuba::parse(bytes, origin, "ScubaGoggles")?;
            scubagoggles::build(export, &meta, options, origin, read)
        }
        _ => Err(ImportError::Invalid {
            path: origin.to_string(),
            message: format!("a {} export is not a single file", source.as_str()),
        }),
    }
}

/// Runs the snapshot through the same validation as a loaded file (round trip through JSON),
/// so an imported snapshot is exactly what `scan` would read back from `posture import`'s output.
fn validated(snapshot: Snapshot, path: &Path) -> Result<Snapshot, ImportError> {
    let json = serde_json::to_vec(&snapshot).map_err(|e| ImportError::Invalid {
        path: path.display().to_string(),
        message: format!("cannot serialise the snapshot: {e}"),
    })?;
    Ok(snapshot::from_slice(&json, &path.display().to_string())?)
}

/// Imports `text` as the single-file export `file_name` of `source`, as a user's file would
/// be (tests of the single-file importers).
#[cfg(test)]
pub(crate) fn import_text(
    source: Source,
    file_name: &str,
    text: &str,
) -> Result<Snapshot, ImportError> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(file_name);
    std::fs::write(&path, text).expect("write");
    import(source, &path, &Options::default())
}

/// A temporary export directory holding `files` (path inside the export, contents), parent
/// directories created (tests of the directory importers).
#[cfg(test)]
pub(crate) fn export_dir<S: AsRef<[u8]>>(files: &[(&str, S)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (rel, body) in files {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, body).expect("write");
    }
    dir
}
