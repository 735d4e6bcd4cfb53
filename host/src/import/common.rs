//! What every importer shares: the export formats, the options (`--account`,
//! `--captured-at`), the error type, and the plumbing that resolves the account and capture
//! time and starts a snapshot with the importer's provenance.

use crate::snapshot::{Account, Provenance, ProvenanceFile, SCHEMA_V1, Snapshot, SnapshotError};

/// The export formats posture reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Source {
    /// A directory of AWS CLI `--output json` answers in the layout `examples/collect/aws.sh`
    /// writes (docs/import.md, section "AWS: the export layout").
    Aws,
    /// CISA ScubaGear's Microsoft 365 provider export (`ProviderSettingsExport.json`), or a
    /// `ScubaResults*.json` carrying it.
    Scubagear,
    /// CISA ScubaGoggles' Google Workspace provider export, or a `ScubaResults*.json`
    /// carrying it.
    Scubagoggles,
    /// A directory of GitHub REST API answers for one organisation in the layout
    /// `examples/collect/github.sh` writes (docs/import.md).
    Github,
}

impl Source {
    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Aws => "aws",
            Source::Scubagear => "scubagear",
            Source::Scubagoggles => "scubagoggles",
            Source::Github => "github",
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

/// The account id: `--account` if given, else what the export says; an error naming `path`
/// and what was looked for otherwise.
pub(crate) fn account_id(
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
pub(crate) fn captured_at(
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

/// A collector's provenance `source_version`: the parts it recorded (collector, CLI or API
/// version), joined with `; `; `None` when it recorded none.
pub(crate) fn joined_version(parts: &[Option<&str>]) -> Option<String> {
    let joined = parts
        .iter()
        .flatten()
        .copied()
        .collect::<Vec<_>>()
        .join("; ");
    (!joined.is_empty()).then_some(joined)
}

/// An empty snapshot of one account with the importer's provenance; the importer fills in
/// the entity kinds it read.
pub(crate) fn snapshot_of(
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
