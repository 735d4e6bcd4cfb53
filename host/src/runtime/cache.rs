//! The on-disk compile cache: compiled components keyed by the component's sha256, the
//! wasmtime version and the engine's configuration hash.
//!
//! Entries are untrusted input. An entry is only handed to wasmtime's (unsafe)
//! `Component::deserialize` if its embedded digest matches its payload; a corrupt or
//! mismatching entry is recompiled and overwritten, never executed. The directory is created
//! with mode 0700 and accessed through a capability handle (cap-std), so entry names cannot
//! escape it.

use cap_std::ambient_authority;
use cap_std::fs::Dir;
use sha2::{Digest, Sha256};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use wasmtime::Engine;
use wasmtime::component::Component;

/// Magic bytes opening every cache entry.
const MAGIC: &[u8; 8] = b"PSTRCC01";

/// Errors of the compile cache that are worth reporting (most problems just mean "compile").
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// The cache directory could not be created or opened.
    #[error("cannot use compile cache directory {path}")]
    Dir {
        /// The directory.
        path: PathBuf,
        /// What failed.
        #[source]
        source: std::io::Error,
    },
}

/// Hit and miss counters, observable by callers and tests.
#[derive(Debug, Default)]
pub struct CacheStats {
    hits: AtomicU64,
    compiled: AtomicU64,
    rejected: AtomicU64,
}

/// A point-in-time copy of [`CacheStats`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct CacheCounts {
    /// Components loaded from the cache without compiling.
    pub hits: u64,
    /// Components compiled (cache miss, cache off, or entry rejected).
    pub compiled: u64,
    /// Cache entries found corrupt or mismatching and replaced.
    pub rejected: u64,
}

impl CacheStats {
    /// Current counts.
    pub fn counts(&self) -> CacheCounts {
        CacheCounts {
            hits: self.hits.load(Ordering::Relaxed),
            compiled: self.compiled.load(Ordering::Relaxed),
            rejected: self.rejected.load(Ordering::Relaxed),
        }
    }
}

/// Compiles components, going through the on-disk cache when one is configured.
pub struct Compiler {
    engine: Engine,
    dir: Option<Dir>,
    engine_key: String,
    stats: CacheStats,
}

/// The default cache directory: `$POSTURE_CACHE_DIR`, else `$XDG_CACHE_HOME/posture`, else
/// `$HOME/.cache/posture`.
pub fn default_cache_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("POSTURE_CACHE_DIR") {
        return Some(PathBuf::from(d));
    }
    if let Some(d) = std::env::var_os("XDG_CACHE_HOME") {
        return Some(PathBuf::from(d).join("posture"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache").join("posture"))
}

impl Compiler {
    /// A compiler for `engine`, caching under `cache_dir` (no caching when `None`).
    pub fn new(engine: Engine, cache_dir: Option<&Path>) -> Result<Compiler, CacheError> {
        let mut h = DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut h);
        let engine_key = format!("wasmtime-{}-{:016x}", wasmtime_version(), h.finish());
        let dir = match cache_dir {
            Some(path) => Some(open_private_dir(path)?),
            None => None,
        };
        Ok(Compiler {
            engine,
            dir,
            engine_key,
            stats: CacheStats::default(),
        })
    }

    /// Hit and compile counters.
    pub fn stats(&self) -> CacheCounts {
        self.stats.counts()
    }

    /// The component for `bytes` (whose sha256 is `digest`, hex): from the cache when a valid
    /// entry exists, else compiled (and stored).
    pub fn component(&self, bytes: &[u8], digest: &str) -> wasmtime::Result<Component> {
        let name = format!("{digest}-{}.cwasm", self.engine_key);
        if let Some(dir) = &self.dir {
            match read_entry(dir, &name) {
                Ok(Some(payload)) => {
                    // SAFETY: the payload's sha256 matched the digest stored with it, it was
                    // written by `store_entry` of an engine with the same compatibility hash
                    // (part of the name), in a directory only this user can write.
                    match unsafe { Component::deserialize(&self.engine, &payload) } {
                        Ok(c) => {
                            self.stats.hits.fetch_add(1, Ordering::Relaxed);
                            tracing::debug!(entry = %name, "compile cache hit");
                            return Ok(c);
                        }
                        Err(e) => {
                            self.stats.rejected.fetch_add(1, Ordering::Relaxed);
                            tracing::warn!(entry = %name, "compile cache entry rejected by wasmtime, recompiling: {e:#}");
                        }
                    }
                }
                Ok(None) => {}
                Err(reason) => {
                    self.stats.rejected.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(entry = %name, "compile cache entry unusable ({reason}), recompiling");
                }
            }
        }
        let component = Component::new(&self.engine, bytes)?;
        self.stats.compiled.fetch_add(1, Ordering::Relaxed);
        tracing::debug!(entry = %name, "compiled component");
        if let Some(dir) = &self.dir {
            match component.serialize() {
                Ok(payload) => {
                    if let Err(e) = store_entry(dir, &name, &payload) {
                        tracing::warn!(entry = %name, "could not write compile cache entry: {e}");
                    }
                }
                Err(e) => tracing::warn!("could not serialise compiled component: {e:#}"),
            }
        }
        Ok(component)
    }
}

/// The wasmtime version compiled in (part of every cache key).
pub fn wasmtime_version() -> &'static str {
    // Kept in step with the exact pin in the workspace Cargo.toml.
    "48.0.8"
}

fn open_private_dir(path: &Path) -> Result<Dir, CacheError> {
    let err = |source| CacheError::Dir {
        path: path.to_path_buf(),
        source,
    };
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(path).map_err(err)?;
    Dir::open_ambient_dir(path, ambient_authority()).map_err(err)
}

/// Reads and verifies an entry. `Ok(None)`: no entry. `Err`: entry present but unusable.
fn read_entry(dir: &Dir, name: &str) -> Result<Option<Vec<u8>>, String> {
    let data = match dir.read(name) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("read failed: {e}")),
    };
    let header = MAGIC.len() + 32;
    if data.len() < header || &data[..MAGIC.len()] != MAGIC {
        return Err("bad header".into());
    }
    let (stored, payload) = data[MAGIC.len()..].split_at(32);
    if Sha256::digest(payload).as_slice() != stored {
        return Err("digest mismatch".into());
    }
    Ok(Some(payload.to_vec()))
}

fn store_entry(dir: &Dir, name: &str, payload: &[u8]) -> std::io::Result<()> {
    // Unique per writer: two threads of one process compiling the same component (parallel
    // tests, two runtimes) must not write into one temporary file, which would rename a
    // mixture into place (found as a rejected entry and a missed cache hit).
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let tmp = format!(
        "{name}.tmp{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    {
        let mut f = dir.create(&tmp)?;
        f.write_all(MAGIC)?;
        f.write_all(&Sha256::digest(payload))?;
        f.write_all(payload)?;
        f.sync_all()?;
    }
    dir.rename(&tmp, dir, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concurrent_writers_of_one_entry_never_leave_a_mixture() {
        let tmp = tempfile::tempdir().expect("tmp");
        let dir = open_private_dir(tmp.path()).expect("dir");
        for round in 0..20 {
            let name = format!("entry-{round}");
            std::thread::scope(|s| {
                for t in 0..4u8 {
                    let (dir, name) = (&dir, &name);
                    s.spawn(move || {
                        let payload = vec![t; 256 * 1024];
                        store_entry(dir, name, &payload).expect("store");
                    });
                }
            });
            let payload = read_entry(&dir, &name)
                .expect("a whole entry, never a mixture")
                .expect("present");
            assert!(payload.iter().all(|b| *b == payload[0]));
        }
    }

    const WAT: &str = r#"(component (core module (func (export "f"))))"#;

    fn compiler(dir: &Path) -> Compiler {
        let engine = crate::runtime::engine::new_engine().expect("engine");
        Compiler::new(engine, Some(dir)).expect("compiler")
    }

    #[test]
    fn second_load_hits_and_corrupt_entry_is_recompiled() {
        let tmp = tempfile::tempdir().expect("tmp");
        let bytes = wat_bytes();
        let c = compiler(tmp.path());
        c.component(&bytes, "abc").expect("compile");
        assert_eq!(c.stats().compiled, 1);
        c.component(&bytes, "abc").expect("hit");
        assert_eq!(c.stats().hits, 1);

        // Corrupt the entry: flip a payload byte.
        let entry = std::fs::read_dir(tmp.path())
            .expect("dir")
            .filter_map(Result::ok)
            .find(|e| e.file_name().to_string_lossy().ends_with(".cwasm"))
            .expect("entry");
        let mut data = std::fs::read(entry.path()).expect("read");
        let last = data.len() - 1;
        data[last] ^= 0xff;
        std::fs::write(entry.path(), &data).expect("write");

        let c2 = compiler(tmp.path());
        c2.component(&bytes, "abc").expect("recompile");
        assert_eq!(c2.stats().rejected, 1);
        assert_eq!(c2.stats().compiled, 1);
        assert_eq!(c2.stats().hits, 0);
        // And the rewritten entry is good again.
        c2.component(&bytes, "abc").expect("hit");
        assert_eq!(c2.stats().hits, 1);
    }

    #[cfg(unix)]
    #[test]
    fn cache_dir_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().expect("tmp");
        let dir = tmp.path().join("cache");
        compiler(&dir);
        let mode = std::fs::metadata(&dir).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }

    fn wat_bytes() -> Vec<u8> {
        WAT.as_bytes().to_vec()
    }
}
