//! Importers: turn the exports operators already have into a normalised snapshot, recording
//! where it came from (source format and version, capture time, every input file's sha256).
//!
//! Each importer is tolerant of fields it does not know and of missing sections (those entity
//! kinds stay absent, so the checks that need them report not-evaluable) and strict on values
//! of the wrong type (the error names the file and the JSON pointer).

pub mod aws;
mod files;
pub mod scubagear;
pub mod scubagoggles;

pub use files::{Answer, ExportFiles};

use crate::snapshot::{
    self, Account, Provenance, ProvenanceFile, SCHEMA_V1, Snapshot, SnapshotError,
};
use std::path::Path;

/// The export formats posture reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Source {
    /// A directory of AWS CLI `--output json` answers in the layout `examples/collect/aws.sh`
    /// writes (docs/import-aws.md).
    Aws,
    /// CISA ScubaGear's Microsoft 365 provider export (`ProviderSettingsExport.json`).
    Scubagear,
    /// CISA ScubaGoggles' Google Workspace provider export.
    Scubagoggles,
}

impl Source {
    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Aws => "aws",
            Source::Scubagear => "scubagear",
            Source::Scubagoggles => "scubagoggles",
        }
    }
}

/// Options common to every importer.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Capture time (Unix seconds) overriding the one the export records.
    pub captured_at: Option<i64>,
    /// Account id (tenant domain, customer id) for exports that do not name their account.
    pub account: Option<String>,
}

/// Why an export could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// A file or directory could not be read.
    #[error("{path}: cannot read: {source}")]
    Read {
        /// The file.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A file is not JSON, or a value has the wrong type.
    #[error("{path}: {pointer}: {message}")]
    Json {
        /// The file.
        path: String,
        /// JSON pointer of the offending value (`/` for the document).
        pointer: String,
        /// What is wrong.
        message: String,
    },
    /// A file parsed but cannot be used (wrong encoding, a CSV that is not a credential
    /// report, …), or a file the export cannot do without is missing.
    #[error("{path}: {message}")]
    Invalid {
        /// The file or directory.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The snapshot built from the export breaks a rule of the schema (an importer bug, or
    /// an export with duplicate ids).
    #[error("the imported snapshot is invalid")]
    Snapshot(#[from] SnapshotError),
}

/// Imports the export at `path` (a directory or a file, depending on `source`).
pub fn import(source: Source, path: &Path, options: &Options) -> Result<Snapshot, ImportError> {
    let snapshot = match source {
        Source::Aws => aws::import(path, options)?,
        Source::Scubagear => {
            let (export, origin, read) = read_single(path)?;
            scubagear::build(export, options, &origin, read)?
        }
        Source::Scubagoggles => {
            let (export, origin, read) = read_single(path)?;
            scubagoggles::build(export, options, &origin, read)?
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
        Source::Scubagear => {
            let export = files::parse_document(bytes, origin)?;
            scubagear::build(
                export,
                options,
                origin,
                vec![files::provenance_of(origin, bytes)],
            )?
        }
        Source::Scubagoggles => {
            let export = files::parse_document(bytes, origin)?;
            scubagoggles::build(
                export,
                options,
                origin,
                vec![files::provenance_of(origin, bytes)],
            )?
        }
        Source::Aws => {
            return Err(ImportError::Invalid {
                path: origin.to_string(),
                message: "an AWS export is a directory, not one file".into(),
            });
        }
    };
    validated(snapshot, Path::new(origin))
}

/// Reads and parses a single-file export: the document, its display path, the file read.
fn read_single<T: serde::de::DeserializeOwned>(
    path: &Path,
) -> Result<(T, String, Vec<ProvenanceFile>), ImportError> {
    let (mut files, name) = ExportFiles::open_file(path)?;
    let display = path.display().to_string();
    let bytes = files.bytes(&name)?.ok_or_else(|| ImportError::Read {
        path: display.clone(),
        source: std::io::ErrorKind::NotFound.into(),
    })?;
    let export = files::parse_document(&bytes, &display)?;
    Ok((export, display, files.into_read()))
}

/// The account id: `--account` if given, else what the export says; an error naming `path`
/// and what was looked for otherwise.
fn account_id(
    options: &Options,
    found: Option<String>,
    path: &str,
    looked_for: &str,
) -> Result<String, ImportError> {
    options
        .account
        .clone()
        .or(found)
        .ok_or_else(|| ImportError::Invalid {
            path: path.to_string(),
            message: format!("the export names no account ({looked_for}): pass --account"),
        })
}

/// The capture time: `--captured-at` if given, else what the export records.
fn captured_at(
    options: &Options,
    found: Option<i64>,
    path: &str,
    looked_for: &str,
) -> Result<i64, ImportError> {
    options
        .captured_at
        .or(found)
        .ok_or_else(|| ImportError::Invalid {
            path: path.to_string(),
            message: format!(
                "the export records no capture time ({looked_for}): pass --captured-at"
            ),
        })
}

/// An empty snapshot of one account with the importer's provenance; the importer fills in
/// the entity kinds it read.
fn snapshot_of(
    source: Source,
    account: Account,
    captured_at: i64,
    source_format: &str,
    source_version: Option<String>,
    files: Vec<ProvenanceFile>,
) -> Snapshot {
    let mut snapshot = Snapshot::empty();
    snapshot.schema = SCHEMA_V1.into();
    snapshot.captured_at = captured_at;
    snapshot.accounts = vec![account];
    snapshot.provenance = Some(Provenance {
        tool: Some(format!(
            "posture import {} {}",
            source.as_str(),
            env!("CARGO_PKG_VERSION")
        )),
        source_format: Some(source_format.into()),
        source_version,
        files,
    });
    snapshot
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
