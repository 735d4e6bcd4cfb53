//! Building a plugin into a WebAssembly component (`posture plugin build`), whatever its
//! language. One file per language; this module owns what they share: options, errors, the
//! manifest of non-Rust plugins, the contract's WIT (compiled in) and componentisation.
//!
//! - **Rust** ([`rust`], a directory with `Cargo.toml`): cargo for `wasm32-unknown-unknown`,
//!   then wit-component (the library behind `wasm-tools component new`). Imports only the
//!   contract.
//! - **Other languages** (a directory with `posture-plugin.toml` naming `language`), each
//!   against the compiled-in contract: Python ([`python`], componentize-py, WASI stubbed out),
//!   JavaScript ([`javascript`], componentize-js, WASI disabled), C ([`c`], bindings generated
//!   here with wit-bindgen's C generator, clang for wasm32-wasi) and Go ([`go`], bindings from
//!   wit-bindgen's Go generator, Go's wasip1 port, WASI through the preview1 adapter, which the
//!   host then provides with nothing granted).

use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::Command;

mod bindings;
mod c;
mod go;
mod javascript;
mod python;
mod rust;

pub use go::{GO_RUNTIME_CRATE, go_runtime_dir};
pub use javascript::{COMPONENTIZE_JS, js_toolchain_dir};
pub use rust::build_rust_plugin;

/// The guest target plugins are built for: no WASI, no I/O at all.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The alternative target for plugins that need Rust's std I/O paths (they then import WASI,
/// which the host provides empty). Chosen with `[package.metadata.posture] target`.
pub const WASI_TARGET: &str = "wasm32-wasip2";

/// Why a build failed.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// Neither `Cargo.toml` nor `posture-plugin.toml` in the plugin directory.
    #[error(
        "{0}: no Cargo.toml (Rust) or posture-plugin.toml (other languages) here; is this a plugin directory?"
    )]
    NoManifest(PathBuf),
    /// A language toolchain is missing.
    #[error("cannot run `{tool}`: {hint}")]
    Tool {
        /// The program.
        tool: String,
        /// How to install it.
        hint: String,
        /// Why it could not start.
        #[source]
        source: std::io::Error,
    },
    /// A language toolchain failed (its diagnostics went to stderr).
    #[error("`{tool}` failed for {dir} (exit status {status})")]
    ToolFailed {
        /// The program.
        tool: String,
        /// The plugin directory.
        dir: PathBuf,
        /// Its exit status.
        status: String,
    },
    /// The plugin's Cargo.toml is unreadable or has a bad `[package.metadata.posture]`.
    #[error("{path}: {message}")]
    Manifest {
        /// The manifest.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// cargo could not be started.
    #[error("cannot run `{cargo}`")]
    Spawn {
        /// The command.
        cargo: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// cargo failed (its diagnostics went to stderr).
    #[error(
        "cargo build failed for {manifest} (exit status {status}); if the error mentions `{WASM_TARGET}`, run `rustup target add {WASM_TARGET}` or `make toolchain`"
    )]
    Cargo {
        /// The manifest built.
        manifest: PathBuf,
        /// cargo's exit status.
        status: String,
    },
    /// Guest bindings could not be generated from the contract.
    #[error("{dir}: cannot generate bindings: {message}")]
    Bindings {
        /// Where they were to be written.
        dir: PathBuf,
        /// The generator's explanation.
        message: String,
    },
    /// cargo produced no `.wasm` cdylib.
    #[error(
        "{0}: the build produced no .wasm library; is `crate-type = [\"cdylib\"]` set in [lib]?"
    )]
    NoArtifact(PathBuf),
    /// The core module could not be turned into a component.
    #[error("{path}: cannot make a component: {message}")]
    Componentize {
        /// The core module.
        path: PathBuf,
        /// wit-component's explanation.
        message: String,
    },
    /// Reading or writing a file failed.
    #[error("{path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// How to build. The environment may select a fallback guest toolchain:
/// `POSTURE_WASM_CARGO` (cargo binary), `POSTURE_WASM_CARGO_FLAGS` (extra flags, e.g.
/// `-Zbuild-std=std,panic_abort`), `POSTURE_WASM_RUSTC` (rustc, run with `RUSTC_BOOTSTRAP=1`)
/// and `POSTURE_WASM_LINKER` (wasm linker).
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Directory of the plugin crate (holding `Cargo.toml`).
    pub crate_dir: PathBuf,
    /// Where the component is written, as `<crate-name>.wasm`.
    pub out_dir: PathBuf,
    /// cargo's target directory for the guest build; default: cargo's own choice.
    pub target_dir: Option<PathBuf>,
    /// Suppress cargo's progress output.
    pub quiet: bool,
}

/// The manifest of a plugin not written in Rust (`posture-plugin.toml`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PluginManifest {
    /// Output file name, `<name>.wasm`: lowercase letters, digits and dashes.
    pub name: String,
    /// `python`, `javascript`, `c` or `go`.
    pub language: String,
    /// Python: the module defining the `Plugin` class (default `app`). JavaScript: the ES
    /// module exporting `plugin` (default `app.js`).
    #[serde(default)]
    pub module: Option<String>,
    /// C and Go: the source files, relative to the plugin directory (default: every `.c` /
    /// `.go` file directly in it).
    #[serde(default)]
    pub sources: Option<Vec<String>>,
}

impl PluginManifest {
    /// The source files with extension `ext`: those listed in `sources`, or every such file
    /// directly in `dir`, sorted.
    fn source_files(&self, dir: &Path, ext: &str) -> Result<Vec<PathBuf>, BuildError> {
        if let Some(list) = &self.sources {
            return Ok(list.iter().map(|s| dir.join(s)).collect());
        }
        let io = |source| BuildError::Io {
            path: dir.to_path_buf(),
            source,
        };
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let path = entry.map_err(io)?.path();
            if path.is_file() && path.extension().is_some_and(|e| e == ext) {
                out.push(path);
            }
        }
        out.sort();
        if out.is_empty() {
            return Err(BuildError::Manifest {
                path: dir.join("posture-plugin.toml"),
                message: format!("no .{ext} source files in {}", dir.display()),
            });
        }
        Ok(out)
    }
}

/// The contract, compiled in, so that any plugin can be built against it.
const WIT_FILES: [(&str, &str); 2] = [
    ("types.wit", include_str!("../../../../wit/types.wit")),
    ("world.wit", include_str!("../../../../wit/world.wit")),
];

/// The WIT world every plugin targets.
pub const WORLD: &str = "check-plugin";

/// Writes the contract's WIT files into `dir` and returns it.
pub fn write_wit(dir: &Path) -> Result<PathBuf, BuildError> {
    let io = |source| BuildError::Io {
        path: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    for (name, text) in WIT_FILES {
        std::fs::write(dir.join(name), text).map_err(io)?;
    }
    Ok(dir.to_path_buf())
}

/// Builds the plugin in `opts.crate_dir`, whatever its language, and returns the path of the
/// component written.
pub fn build_plugin(opts: &BuildOptions) -> Result<PathBuf, BuildError> {
    let manifest = opts.crate_dir.join("posture-plugin.toml");
    if opts.crate_dir.join("Cargo.toml").is_file() || !manifest.is_file() {
        return build_rust_plugin(opts);
    }
    let text = std::fs::read_to_string(&manifest).map_err(|source| BuildError::Io {
        path: manifest.clone(),
        source,
    })?;
    let m: PluginManifest = toml::from_str(&text).map_err(|e| BuildError::Manifest {
        path: manifest.clone(),
        message: e.to_string(),
    })?;
    if m.name.is_empty()
        || !m
            .name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(BuildError::Manifest {
            path: manifest,
            message: format!(
                "name `{}` must be lowercase letters, digits and dashes (it names the output file)",
                m.name
            ),
        });
    }
    match m.language.as_str() {
        "python" => python::build(opts, &m),
        "javascript" => javascript::build(opts, &m),
        "c" => c::build(opts, &m),
        "go" => go::build(opts, &m),
        other => Err(BuildError::Manifest {
            path: manifest,
            message: format!(
                "language `{other}` is not supported (supported: python, javascript, c, go; Rust plugins use Cargo.toml)"
            ),
        }),
    }
}

/// Runs a toolchain program; `hint` says how to install it when it cannot start.
fn run_tool(cmd: &mut Command, tool: &str, hint: &str, dir: &Path) -> Result<(), BuildError> {
    let status = cmd.status().map_err(|source| BuildError::Tool {
        tool: tool.into(),
        hint: hint.into(),
        source,
    })?;
    if status.success() {
        Ok(())
    } else {
        Err(BuildError::ToolFailed {
            tool: tool.into(),
            dir: dir.to_path_buf(),
            status: status.to_string(),
        })
    }
}

/// The value of environment variable `name`, if set and not empty (make exports unset
/// variables as empty strings).
fn env_set(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The first of `names` found as an executable on PATH.
fn find_program(names: &[&str]) -> Option<String> {
    let path = std::env::var_os("PATH")?;
    names
        .iter()
        .find(|n| std::env::split_paths(&path).any(|d| d.join(n).is_file()))
        .map(|n| n.to_string())
}

/// Whether `bytes` is a component (rather than a core module), from its header.
pub fn is_component(bytes: &[u8]) -> bool {
    bytes.len() >= 8 && &bytes[..4] == b"\0asm" && bytes[6..8] == [1, 0]
}

/// Wraps a core module carrying wit-bindgen's component-type section into a component. A
/// module that imports WASI preview 1 (C's libc, Go's runtime) gets the preview1-to-preview2
/// adapter of the wasmtime release the host runs, so its component imports `wasi:*`
/// interfaces, which the host provides with nothing granted.
pub fn componentize(core: &[u8]) -> Result<Vec<u8>, String> {
    use wasi_preview1_component_adapter_provider::{
        WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME, WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER,
    };
    let mut encoder = wit_component::ComponentEncoder::default();
    encoder.module(core).map_err(|e| format!("{e:#}"))?;
    encoder.validate(true);
    if imports_module(core, WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME) {
        encoder
            .adapter(
                WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME,
                WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER,
            )
            .map_err(|e| format!("{e:#}"))?;
    }
    encoder.encode().map_err(|e| format!("{e:#}"))
}

/// Whether the core module imports anything from module `name`.
fn imports_module(core: &[u8], name: &str) -> bool {
    wasmparser::Parser::new(0).parse_all(core).any(|payload| {
        let Ok(wasmparser::Payload::ImportSection(imports)) = payload else {
            return false;
        };
        imports
            .into_imports()
            .any(|i| i.is_ok_and(|i| i.module == name))
    })
}

/// The directory for intermediate files of a non-Rust build: `<target-dir>/<lang>/<name>`, or
/// `.posture-build/<lang>/<name>` in the output directory.
fn work_dir(opts: &BuildOptions, lang: &str, name: &str) -> Result<PathBuf, BuildError> {
    let dir = opts
        .target_dir
        .clone()
        .unwrap_or_else(|| opts.out_dir.join(".posture-build"))
        .join(lang)
        .join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(|source| BuildError::Io {
            path: dir.clone(),
            source,
        })?;
    }
    let io = |source| BuildError::Io {
        path: dir.clone(),
        source,
    };
    std::fs::create_dir_all(&dir).map_err(io)?;
    // Absolute: toolchains run with it as their working directory.
    dir.canonicalize().map_err(io)
}

/// Componentises `core` (read from `core_path`) and writes `<out-dir>/<name>.wasm`.
fn finish(opts: &BuildOptions, name: &str, core_path: &Path) -> Result<PathBuf, BuildError> {
    let core = std::fs::read(core_path).map_err(|source| BuildError::Io {
        path: core_path.to_path_buf(),
        source,
    })?;
    let component = componentize(&core).map_err(|message| BuildError::Componentize {
        path: core_path.to_path_buf(),
        message,
    })?;
    std::fs::create_dir_all(&opts.out_dir).map_err(|source| BuildError::Io {
        path: opts.out_dir.clone(),
        source,
    })?;
    let out = opts.out_dir.join(format!("{name}.wasm"));
    write_atomically(&out, &component)?;
    Ok(out)
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), BuildError> {
    let tmp = path.with_extension("wasm.tmp");
    let io = |source| BuildError::Io {
        path: path.to_path_buf(),
        source,
    };
    std::fs::write(&tmp, bytes).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(dir: &Path) -> BuildOptions {
        BuildOptions {
            crate_dir: dir.to_path_buf(),
            out_dir: dir.join("out"),
            target_dir: None,
            quiet: true,
        }
    }

    fn manifest_error(toml: &str) -> String {
        let tmp = tempfile::tempdir().expect("tmp");
        std::fs::write(tmp.path().join("posture-plugin.toml"), toml).expect("write");
        match build_plugin(&opts(tmp.path())) {
            Err(e @ BuildError::Manifest { .. }) => e.to_string(),
            other => panic!("expected a manifest error, got {other:?}"),
        }
    }

    #[test]
    fn bad_manifests_are_refused_with_the_reason() {
        assert!(manifest_error("name = \"x\"\nlanguage = \"cobol\"\n").contains("cobol"));
        assert!(manifest_error("name = \"../x\"\nlanguage = \"c\"\n").contains("`../x`"));
        assert!(
            manifest_error("name = \"x\"\nlanguage = \"c\"\nflavour = 1\n").contains("flavour")
        );
        // No sources: said so before any toolchain runs.
        assert!(manifest_error("name = \"x\"\nlanguage = \"c\"\n").contains("no .c source files"));
    }

    #[test]
    fn a_module_importing_wasi_preview1_is_recognised() {
        let wasi = wat::parse_str(
            r#"(module (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32))))"#,
        )
        .expect("wat");
        let plain = wat::parse_str("(module)").expect("wat");
        assert!(imports_module(&wasi, "wasi_snapshot_preview1"));
        assert!(!imports_module(&plain, "wasi_snapshot_preview1"));
    }
}
