//! The archive form of a report: `posture.report/v1` JSON, written by `scan --format json`,
//! read back by `report`, `diff` and `--baseline`, and described by a committed JSON Schema.

use super::model::{REPORT_SCHEMA, Report};

/// Why a saved report could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be read.
    #[error("{path}: cannot read report")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Not a posture report of a supported version.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: std::path::PathBuf,
        /// What is wrong (with the JSON path).
        message: String,
    },
}

/// Reads a JSON report written by `scan --format json`.
pub fn read(path: &std::path::Path) -> Result<Report, ReadError> {
    let bytes = crate::input::read(path).map_err(|source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    from_slice(&bytes, path)
}

/// Parses a JSON report; `path` names it in errors.
pub fn from_slice(bytes: &[u8], path: &std::path::Path) -> Result<Report, ReadError> {
    let invalid = |message: String| ReadError::Invalid {
        path: path.to_path_buf(),
        message,
    };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let report: Report = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| invalid(format!("{}: {}", e.path(), e.inner())))?;
    de.end().map_err(|e| invalid(e.to_string()))?;
    if report.schema != REPORT_SCHEMA {
        return Err(invalid(format!(
            "report schema `{}` is not supported (expected `{REPORT_SCHEMA}`)",
            report.schema
        )));
    }
    Ok(report)
}

/// The JSON Schema of [`Report`] (`posture.report/v1`), committed as
/// `host/schema/report-v1.schema.json` and printed by `posture schema --report`.
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Report)).unwrap_or(serde_json::Value::Null)
}

impl Report {
    /// The JSON rendering (pretty, trailing newline).
    pub fn to_json(&self) -> String {
        let mut s =
            serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
        s.push('\n');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_json_schema_is_current() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/report-v1.schema.json");
        let mut current = serde_json::to_string_pretty(&json_schema()).unwrap_or_default();
        current.push('\n');
        if std::env::var_os("POSTURE_BLESS").is_some() {
            std::fs::write(&path, &current).expect("write the schema");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "cannot read {}: {e} (POSTURE_BLESS=1 writes it)",
                path.display()
            )
        });
        assert!(
            committed == current,
            "{} is out of date; regenerate with `POSTURE_BLESS=1 cargo test -p posture --lib report`",
            path.display()
        );
    }
}
