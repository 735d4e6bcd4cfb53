//! Building a plugin into a WebAssembly component (`posture plugin build`).
//!
//! - **Rust** (a directory with `Cargo.toml`): `cargo build` for `wasm32-unknown-unknown`, then
//!   wrapping the core module into a component with wit-component (the library behind
//!   `wasm-tools component new`). The result imports only the posture contract.
//! - **Other languages** (a directory with `posture-plugin.toml` naming `language`): the
//!   language's component toolchain, against the contract's WIT, which the host carries
//!   (`wit/` compiled in). Python: componentize-py with WASI stubbed out. JavaScript:
//!   componentize-js (installed with npm on first use into a toolchain directory) with every
//!   WASI feature disabled.

use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

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

#[derive(Deserialize)]
struct CargoMessage {
    reason: String,
    #[serde(default)]
    target: Option<CargoTarget>,
    #[serde(default)]
    filenames: Vec<PathBuf>,
}

#[derive(Deserialize)]
struct CargoTarget {
    kind: Vec<String>,
    name: String,
}

/// The manifest of a plugin not written in Rust (`posture-plugin.toml`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PluginManifest {
    /// Output file name, `<name>.wasm`.
    pub name: String,
    /// `python` or `javascript`.
    pub language: String,
    /// Python: the module defining the `Plugin` class (default `app`). JavaScript: the ES
    /// module exporting `plugin` (default `app.js`).
    #[serde(default)]
    pub module: Option<String>,
}

/// The contract, compiled in, so that any plugin can be built against it.
const WIT_FILES: [(&str, &str); 2] = [
    ("types.wit", include_str!("../../wit/types.wit")),
    ("world.wit", include_str!("../../wit/world.wit")),
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
    match m.language.as_str() {
        "python" => build_python_plugin(opts, &m),
        "javascript" => build_js_plugin(opts, &m),
        other => Err(BuildError::Manifest {
            path: manifest,
            message: format!(
                "language `{other}` is not supported (supported: python, javascript; Rust plugins use Cargo.toml)"
            ),
        }),
    }
}

/// componentize-py, with WASI stubbed out: the component imports only the contract.
fn build_python_plugin(opts: &BuildOptions, m: &PluginManifest) -> Result<PathBuf, BuildError> {
    const TOOL: &str = "componentize-py";
    let wit = write_wit(&opts.out_dir.join(".posture-wit"))?;
    let out = opts.out_dir.join(format!("{}.wasm", m.name));
    let tmp = out.with_extension("wasm.tmp");
    let status = Command::new(TOOL)
        .arg("-d")
        .arg(&wit)
        .args(["-w", WORLD, "componentize", "-p"])
        .arg(&opts.crate_dir)
        .arg(m.module.as_deref().unwrap_or("app"))
        .arg("-o")
        .arg(&tmp)
        .arg("--stub-wasi")
        .stdout(if opts.quiet {
            Stdio::null()
        } else {
            Stdio::inherit()
        })
        .status()
        .map_err(|source| BuildError::Tool {
            tool: TOOL.into(),
            hint: "install it with `pip install componentize-py==0.25.1` (`make toolchain` does)"
                .into(),
            source,
        })?;
    if !status.success() {
        return Err(BuildError::ToolFailed {
            tool: TOOL.into(),
            dir: opts.crate_dir.clone(),
            status: status.to_string(),
        });
    }
    std::fs::rename(&tmp, &out).map_err(|source| BuildError::Io {
        path: out.clone(),
        source,
    })?;
    Ok(out)
}

/// The componentize-js release plugins are built with.
pub const COMPONENTIZE_JS: &str = "@bytecodealliance/componentize-js@0.23.0";

/// Where componentize-js is installed: `$POSTURE_JS_TOOLCHAIN`, else `js-toolchain` in the
/// compile-cache directory.
pub fn js_toolchain_dir(fallback: &Path) -> PathBuf {
    env_set("POSTURE_JS_TOOLCHAIN")
        .map(PathBuf::from)
        .or_else(|| crate::runtime::default_cache_dir().map(|d| d.join("js-toolchain")))
        .unwrap_or_else(|| fallback.join(".posture-js"))
}

/// The build script run by node: componentize-js's API (its CLI does not work here), with
/// every WASI feature disabled so that the component imports only the contract.
const JS_BUILD_SCRIPT: &str = r#"import { componentize } from '@bytecodealliance/componentize-js';
import { writeFile } from 'node:fs/promises';
const [sourcePath, witPath, out] = process.argv.slice(2);
const { component } = await componentize({
  sourcePath,
  witPath,
  worldName: 'check-plugin',
  disableFeatures: ['stdio', 'random', 'clocks', 'http', 'fetch-event'],
});
await writeFile(out, component);
"#;

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

/// componentize-js through node, installing it with npm on first use.
fn build_js_plugin(opts: &BuildOptions, m: &PluginManifest) -> Result<PathBuf, BuildError> {
    let toolchain = js_toolchain_dir(&opts.out_dir);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| BuildError::Io { path, source }
    };
    std::fs::create_dir_all(&toolchain).map_err(io(&toolchain))?;
    if !toolchain
        .join("node_modules/@bytecodealliance/componentize-js/package.json")
        .is_file()
    {
        if !opts.quiet {
            eprintln!("installing {COMPONENTIZE_JS} into {}", toolchain.display());
        }
        run_tool(
            Command::new("npm")
                .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
                .arg(&toolchain)
                .arg(COMPONENTIZE_JS)
                .stdout(Stdio::null()),
            "npm",
            "install Node.js and npm (Debian: apt-get install nodejs npm)",
            &opts.crate_dir,
        )?;
    }
    let script = toolchain.join("posture-build.mjs");
    std::fs::write(&script, JS_BUILD_SCRIPT).map_err(io(&script))?;
    let wit = write_wit(&opts.out_dir.join(".posture-wit"))?;
    let out = opts.out_dir.join(format!("{}.wasm", m.name));
    let tmp = out.with_extension("wasm.tmp");
    let source = opts.crate_dir.join(m.module.as_deref().unwrap_or("app.js"));
    run_tool(
        Command::new("node")
            .arg(&script)
            .arg(&source)
            .arg(&wit)
            .arg(&tmp)
            .stdout(if opts.quiet {
                Stdio::null()
            } else {
                Stdio::inherit()
            }),
        "node",
        "install Node.js (Debian: apt-get install nodejs)",
        &opts.crate_dir,
    )?;
    std::fs::rename(&tmp, &out).map_err(io(&out))?;
    Ok(out)
}

/// Builds the plugin crate and returns the path of the component written.
pub fn build_rust_plugin(opts: &BuildOptions) -> Result<PathBuf, BuildError> {
    let manifest = opts.crate_dir.join("Cargo.toml");
    if !manifest.is_file() {
        return Err(BuildError::NoManifest(opts.crate_dir.clone()));
    }
    let target = guest_target(&manifest)?;
    let cargo = env_set("POSTURE_WASM_CARGO").unwrap_or_else(|| "cargo".to_string());
    let mut cmd = Command::new(&cargo);
    cmd.arg("build")
        .arg("--release")
        .arg("--target")
        .arg(&target)
        .arg("--manifest-path")
        .arg(&manifest)
        .arg("--message-format=json-render-diagnostics")
        // Small, abort-on-panic guests: a panic becomes a trap the host reports.
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "s")
        .env("CARGO_PROFILE_RELEASE_LTO", "true")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "1")
        .env("CARGO_PROFILE_RELEASE_PANIC", "abort")
        .env("CARGO_PROFILE_RELEASE_STRIP", "true")
        .stdout(Stdio::piped())
        .stderr(if opts.quiet {
            Stdio::piped()
        } else {
            Stdio::inherit()
        });
    if opts.quiet {
        cmd.arg("--quiet");
    }
    // Fallback toolchain (Debian's Rust with -Zbuild-std), set up by the toolchain script.
    if let Some(flags) = env_set("POSTURE_WASM_CARGO_FLAGS") {
        cmd.args(flags.split_whitespace());
    }
    if let Some(rustc) = env_set("POSTURE_WASM_RUSTC") {
        cmd.env("RUSTC", rustc).env("RUSTC_BOOTSTRAP", "1");
    }
    if let Some(linker) = env_set("POSTURE_WASM_LINKER") {
        cmd.env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER", linker);
    }
    if let Some(t) = &opts.target_dir {
        cmd.arg("--target-dir").arg(t);
    }
    let output = cmd.output().map_err(|source| BuildError::Spawn {
        cargo: cargo.clone(),
        source,
    })?;
    if !output.status.success() {
        if opts.quiet {
            eprintln!("{}", String::from_utf8_lossy(&output.stderr));
        }
        return Err(BuildError::Cargo {
            manifest,
            status: output.status.to_string(),
        });
    }
    let mut artefact = None;
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(msg) = serde_json::from_str::<CargoMessage>(line) else {
            continue;
        };
        if msg.reason != "compiler-artifact" {
            continue;
        }
        let Some(target) = msg.target else { continue };
        if !target.kind.iter().any(|k| k == "cdylib") {
            continue;
        }
        if let Some(f) = msg
            .filenames
            .into_iter()
            .find(|f| f.extension().is_some_and(|e| e == "wasm"))
        {
            artefact = Some((target.name, f));
        }
    }
    let (name, core_path) = artefact.ok_or_else(|| BuildError::NoArtifact(manifest.clone()))?;
    let core = std::fs::read(&core_path).map_err(|source| BuildError::Io {
        path: core_path.clone(),
        source,
    })?;
    let component = if is_component(&core) {
        // wasm32-wasip2 links a component already.
        core
    } else {
        componentize(&core).map_err(|message| BuildError::Componentize {
            path: core_path.clone(),
            message,
        })?
    };
    std::fs::create_dir_all(&opts.out_dir).map_err(|source| BuildError::Io {
        path: opts.out_dir.clone(),
        source,
    })?;
    let out = opts
        .out_dir
        .join(format!("{}.wasm", name.replace('_', "-")));
    write_atomically(&out, &component)?;
    Ok(out)
}

/// The value of environment variable `name`, if set and not empty (make exports unset
/// variables as empty strings).
fn env_set(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Whether `bytes` is a component (rather than a core module), from its header.
pub fn is_component(bytes: &[u8]) -> bool {
    bytes.len() >= 8 && &bytes[..4] == b"\0asm" && bytes[6..8] == [1, 0]
}

/// The target named by `[package.metadata.posture] target`, default [`WASM_TARGET`].
fn guest_target(manifest: &Path) -> Result<String, BuildError> {
    let text = std::fs::read_to_string(manifest).map_err(|source| BuildError::Io {
        path: manifest.to_path_buf(),
        source,
    })?;
    let doc: toml::Table = toml::from_str(&text).map_err(|e| BuildError::Manifest {
        path: manifest.to_path_buf(),
        message: e.to_string(),
    })?;
    let target = doc
        .get("package")
        .and_then(|p| p.get("metadata"))
        .and_then(|m| m.get("posture"))
        .and_then(|p| p.get("target"))
        .and_then(|t| t.as_str())
        .unwrap_or(WASM_TARGET);
    if target != WASM_TARGET && target != WASI_TARGET {
        return Err(BuildError::Manifest {
            path: manifest.to_path_buf(),
            message: format!(
                "[package.metadata.posture] target = \"{target}\" is not supported (use {WASM_TARGET} or {WASI_TARGET})"
            ),
        });
    }
    Ok(target.to_string())
}

/// Wraps a core module carrying wit-bindgen's component-type section into a component.
pub fn componentize(core: &[u8]) -> Result<Vec<u8>, String> {
    wit_component::ComponentEncoder::default()
        .module(core)
        .and_then(|e| e.validate(true).encode())
        .map_err(|e| format!("{e:#}"))
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
