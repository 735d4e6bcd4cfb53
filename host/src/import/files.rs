//! Reading an export's files: each through one cap-std directory handle (no name reaches outside
//! the export), UTF-8 with or without a byte-order mark, parsed with serde while the JSON path is
//! tracked, and recorded with its sha256 for the snapshot's provenance.

use super::common::ImportError;
use crate::snapshot::{ProvenanceFile, json_pointer, strip_json_position};
use cap_std::ambient_authority;
use cap_std::fs::Dir;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// The answer an export file holds for one API call.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer<T> {
    /// The call succeeded; its parsed response.
    Ok(T),
    /// The call failed with a service error code (e.g. `NoSuchBucketPolicy`,
    /// `AccessDenied`), recorded as `{"Error": {"Code": …, "Message": …}}`.
    Error {
        /// The service's error code.
        code: String,
    },
    /// No file: the call was not made (or not collected).
    Missing,
}

impl<T> Answer<T> {
    /// The response, if the call succeeded.
    pub fn ok(self) -> Option<T> {
        match self {
            Answer::Ok(v) => Some(v),
            _ => None,
        }
    }

    /// Maps the successful response.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Answer<U> {
        match self {
            Answer::Ok(v) => Answer::Ok(f(v)),
            Answer::Error { code } => Answer::Error { code },
            Answer::Missing => Answer::Missing,
        }
    }

    /// `Some(value)` on success, `Some(absent)` when the call failed with one of the error
    /// codes that mean "this setting is not configured", `None` (unknown) otherwise.
    pub fn or_unset(self, not_configured: &[&str], absent: T) -> Option<T> {
        match self {
            Answer::Ok(v) => Some(v),
            Answer::Error { code } if not_configured.contains(&code.as_str()) => Some(absent),
            _ => None,
        }
    }
}

/// The code of a recorded error answer: a document whose only member is
/// `"Error": {"Code": "…", …}`.
fn error_code(value: &serde_json::Value) -> Option<String> {
    let object = value.as_object().filter(|o| o.len() == 1)?;
    let code = object.get("Error")?.get("Code")?.as_str()?;
    Some(code.to_string())
}

/// An export on disk (a directory or a single file), and the files read from it so far.
pub struct ExportFiles {
    dir: Dir,
    root: PathBuf,
    read: Vec<ProvenanceFile>,
}

impl ExportFiles {
    /// Opens the export directory `root`.
    pub fn open_dir(root: &Path) -> Result<ExportFiles, ImportError> {
        let dir = Dir::open_ambient_dir(root, ambient_authority()).map_err(|source| {
            ImportError::Read {
                path: root.display().to_string(),
                source,
            }
        })?;
        Ok(ExportFiles {
            dir,
            root: root.to_path_buf(),
            read: Vec::new(),
        })
    }

    /// Opens the directory holding the export file `file`; returns it and the file's name.
    pub fn open_file(file: &Path) -> Result<(ExportFiles, String), ImportError> {
        let (dir, name) = crate::input::dir_of(file).map_err(|source| ImportError::Read {
            path: file.display().to_string(),
            source,
        })?;
        let root = file.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok((
            ExportFiles {
                dir,
                root,
                read: Vec::new(),
            },
            name.to_string_lossy().into_owned(),
        ))
    }

    /// The display path of `rel` (as the user would type it).
    pub fn display(&self, rel: &str) -> String {
        self.root.join(rel).display().to_string()
    }

    /// Reads `rel`'s bytes, or `None` when it does not exist; records its digest.
    pub fn bytes(&mut self, rel: &str) -> Result<Option<Vec<u8>>, ImportError> {
        let mut file = match self.dir.open(rel) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(ImportError::Read {
                    path: self.display(rel),
                    source,
                });
            }
        };
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .map_err(|source| ImportError::Read {
                path: self.display(rel),
                source,
            })?;
        self.read.push(ProvenanceFile {
            path: rel.to_string(),
            sha256: hex::encode(Sha256::digest(&bytes)),
        });
        Ok(Some(bytes))
    }

    /// Reads `rel` as text (UTF-8, a leading byte-order mark dropped), or `None` when it does
    /// not exist; records its digest.
    pub fn text(&mut self, rel: &str) -> Result<Option<String>, ImportError> {
        match self.bytes(rel)? {
            Some(bytes) => decode(&bytes, &self.display(rel)).map(|t| Some(t.to_string())),
            None => Ok(None),
        }
    }

    /// Parses `rel` as the JSON answer of one call: its response, a recorded error, or missing.
    /// A response of the wrong shape is an error naming the file and the JSON pointer.
    pub fn answer<T: DeserializeOwned>(&mut self, rel: &str) -> Result<Answer<T>, ImportError> {
        let Some(text) = self.text(rel)? else {
            return Ok(Answer::Missing);
        };
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| self.json_error(rel, "/".into(), e))?;
        if let Some(code) = error_code(&value) {
            return Ok(Answer::Error { code });
        }
        parse_value(value)
            .map(Answer::Ok)
            .map_err(|(pointer, e)| self.json_error(rel, pointer, e))
    }

    /// Parses `rel` as one JSON document of type `T`, or `None` when it does not exist.
    pub fn document<T: DeserializeOwned>(&mut self, rel: &str) -> Result<Option<T>, ImportError> {
        match self.bytes(rel)? {
            Some(bytes) => parse_document(&bytes, &self.display(rel)).map(Some),
            None => Ok(None),
        }
    }

    /// The files read so far, with their digests, in reading order.
    pub fn into_read(self) -> Vec<ProvenanceFile> {
        self.read
    }

    fn json_error(&self, rel: &str, pointer: String, e: serde_json::Error) -> ImportError {
        ImportError::Json {
            path: self.display(rel),
            pointer,
            message: strip_json_position(&e.to_string()),
        }
    }
}

/// UTF-8 text of `bytes`, a leading byte-order mark dropped; errors name `path`.
pub fn decode<'a>(bytes: &'a [u8], path: &str) -> Result<&'a str, ImportError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(body).map_err(|e| ImportError::Invalid {
        path: path.to_string(),
        message: format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.valid_up_to() + (bytes.len() - body.len())
        ),
    })
}

/// Parses `bytes` (UTF-8, byte-order mark tolerated) as one JSON document of type `T`; a
/// malformed document or a wrong-typed value names `path` and the JSON pointer.
pub fn parse_document<T: DeserializeOwned>(bytes: &[u8], path: &str) -> Result<T, ImportError> {
    let text = decode(bytes, path)?;
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed: T = serde_path_to_error::deserialize(&mut de).map_err(|e| ImportError::Json {
        path: path.to_string(),
        pointer: json_pointer(e.path()),
        message: strip_json_position(&e.inner().to_string()),
    })?;
    de.end().map_err(|e| ImportError::Json {
        path: path.to_string(),
        pointer: "/".into(),
        message: strip_json_position(&e.to_string()),
    })?;
    Ok(parsed)
}

/// The provenance entry of bytes read by the caller.
pub fn provenance_of(path: &str, bytes: &[u8]) -> ProvenanceFile {
    ProvenanceFile {
        path: path.to_string(),
        sha256: hex::encode(Sha256::digest(bytes)),
    }
}

/// Deserialises a parsed value, tracking the JSON pointer of a wrong-typed value.
pub fn parse_value<T: DeserializeOwned>(
    value: serde_json::Value,
) -> Result<T, (String, serde_json::Error)> {
    serde_path_to_error::deserialize(value).map_err(|e| (json_pointer(e.path()), e.into_inner()))
}

/// A path component safe to join under the export root (a bucket, trail or key name).
pub fn safe_component(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\', '\0'])
}
