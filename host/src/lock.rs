//! The plugin lock file (`posture.lock`): the sha256 of every plugin component the user has
//! accepted. When a lock file exists, `scan` refuses (before compiling anything) a component
//! whose bytes differ from the pinned digest or that is not pinned at all, until the user
//! runs `posture plugins lock` again. A plugin installed from a registry also records its
//! source: the reference, the manifest digest and the key that signed it.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Default lock file name, looked up in the current directory.
pub const DEFAULT_LOCK_FILE: &str = "posture.lock";

/// One pinned plugin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockEntry {
    /// Component file name (without directory).
    pub file: String,
    /// Plugin name reported by `describe` when locked.
    pub name: String,
    /// Plugin version reported when locked.
    pub version: String,
    /// sha256 of the component bytes, hex.
    pub sha256: String,
    /// Where it was installed from, when `posture plugins add` installed it from a registry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<RegistrySource>,
}

/// Where a locked plugin came from and who signed it (`posture plugins add` and `update`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RegistrySource {
    /// The reference it was added from (`registry/repository:tag` or `…@sha256:…`).
    pub reference: String,
    /// The repository (`registry/repository`), where `plugins update` looks for newer tags.
    pub repository: String,
    /// Digest of the OCI manifest installed (`sha256:…`).
    pub manifest: String,
    /// The trust policy's name of the key whose signature was verified; `None`: accepted
    /// unsigned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
    /// The key id (sha256 of the public key's SPKI DER, hex) of that key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer_key: Option<String>,
}

/// The lock file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockFile {
    /// Pinned plugins, sorted by file name.
    #[serde(default, rename = "plugin")]
    pub plugins: Vec<LockEntry>,
}

/// Errors reading or writing the lock file.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// I/O failure.
    #[error("{path}: cannot {action} lock file")]
    Io {
        /// The file.
        path: PathBuf,
        /// `read` or `write`.
        action: &'static str,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Not a valid lock file.
    #[error("{path}: invalid lock file: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message.
        message: String,
    },
}

/// Why a component is refused by the lock.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LockViolation {
    /// The bytes changed since they were locked.
    #[error(
        "{file} changed since it was locked (sha256 {found} ≠ locked {locked}); if the change is intended, run `posture plugins lock` to accept it"
    )]
    Changed {
        /// The file name.
        file: String,
        /// Digest found now.
        found: String,
        /// Digest in the lock.
        locked: String,
    },
    /// The component is not in the lock file.
    #[error("{file} is not in the lock file; run `posture plugins lock` to accept it")]
    Unknown {
        /// The file name.
        file: String,
    },
}

impl LockFile {
    /// Reads `path`; `Ok(None)` if it does not exist.
    pub fn load(path: &Path) -> Result<Option<LockFile>, LockError> {
        let text = match crate::input::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(LockError::Io {
                    path: path.to_path_buf(),
                    action: "read",
                    source,
                });
            }
        };
        toml::from_str(&text)
            .map(Some)
            .map_err(|e| LockError::Parse {
                path: path.to_path_buf(),
                message: e.to_string().trim_end().to_string(),
            })
    }

    /// Writes the lock file (entries sorted by file name), atomically.
    pub fn save(&self, path: &Path) -> Result<(), LockError> {
        let mut sorted = self.clone();
        sorted.plugins.sort_by(|a, b| a.file.cmp(&b.file));
        let body = toml::to_string_pretty(&sorted).map_err(|e| LockError::Parse {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let text = format!(
            "# posture plugin lock file: sha256 of each accepted plugin component.\n\
             # Regenerate with `posture plugins lock` after reviewing a plugin update.\n\n{body}"
        );
        // Written beside and renamed into place: a reader never sees half a lock file.
        let partial = path.with_extension("lock.partial");
        std::fs::write(&partial, text)
            .and_then(|()| std::fs::rename(&partial, path))
            .map_err(|source| LockError::Io {
                path: path.to_path_buf(),
                action: "write",
                source,
            })
    }

    /// The entry of plugin `name`, if locked.
    pub fn by_name(&self, name: &str) -> Option<&LockEntry> {
        self.plugins.iter().find(|e| e.name == name)
    }

    /// Adds `entry`, replacing any entry with its file name or plugin name.
    pub fn upsert(&mut self, entry: LockEntry) {
        self.plugins
            .retain(|e| e.file != entry.file && e.name != entry.name);
        self.plugins.push(entry);
    }

    /// Checks the component `file` (base name) with digest `sha256` against the lock.
    pub fn check(&self, file: &str, sha256: &str) -> Result<(), LockViolation> {
        match self.plugins.iter().find(|e| e.file == file) {
            Some(e) if e.sha256 == sha256 => Ok(()),
            Some(e) => Err(LockViolation::Changed {
                file: file.to_string(),
                found: sha256.to_string(),
                locked: e.sha256.clone(),
            }),
            None => Err(LockViolation::Unknown {
                file: file.to_string(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(file: &str, sha: &str) -> LockEntry {
        LockEntry {
            file: file.into(),
            name: "p".into(),
            version: "1.0.0".into(),
            sha256: sha.into(),
            source: None,
        }
    }

    #[test]
    fn round_trip_and_check() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join(DEFAULT_LOCK_FILE);
        assert_eq!(LockFile::load(&path).expect("missing is fine"), None);
        let lock = LockFile {
            plugins: vec![entry("b.wasm", "bb"), entry("a.wasm", "aa")],
        };
        lock.save(&path).expect("save");
        let back = LockFile::load(&path).expect("load").expect("present");
        assert_eq!(back.plugins[0].file, "a.wasm", "sorted");
        assert_eq!(back.check("a.wasm", "aa"), Ok(()));
        assert!(matches!(
            back.check("a.wasm", "zz"),
            Err(LockViolation::Changed { .. })
        ));
        assert!(matches!(
            back.check("c.wasm", "aa"),
            Err(LockViolation::Unknown { .. })
        ));
    }

    #[test]
    fn a_registry_source_round_trips_and_upsert_replaces_by_name() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join(DEFAULT_LOCK_FILE);
        let mut lock = LockFile {
            plugins: vec![entry("a.wasm", "aa")],
        };
        let mut added = entry("p.wasm", "bb");
        added.source = Some(RegistrySource {
            reference: "127.0.0.1:5000/acme/p:1.0.0".into(),
            repository: "127.0.0.1:5000/acme/p".into(),
            manifest: "sha256:cc".into(),
            signer: Some("acme".into()),
            signer_key: Some("dd".into()),
        });
        lock.upsert(added.clone());
        assert_eq!(lock.plugins.len(), 1, "same plugin name `p`: replaced");
        lock.save(&path).expect("save");
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.contains("[plugin.source]\nreference = "), "{text}");
        assert!(text.contains("signer-key = \"dd\""), "{text}");
        let back = LockFile::load(&path).expect("load").expect("present");
        assert_eq!(back.by_name("p"), Some(&added));
        assert_eq!(back.by_name("q"), None);
    }

    #[test]
    fn garbage_lock_file_is_a_clear_error() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("posture.lock");
        std::fs::write(&path, "[[plugin]]\nfile = 3\n").expect("write");
        let e = LockFile::load(&path).expect_err("invalid");
        assert!(e.to_string().contains("invalid lock file"), "{e}");
    }
}
