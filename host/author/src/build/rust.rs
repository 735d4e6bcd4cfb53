//! Rust plugins: `cargo build` for `wasm32-unknown-unknown` (or `wasm32-wasip2` when the crate
//! asks for it), then the core module wrapped into a component with wit-component.

use super::{
    BuildError, BuildOptions, WASI_TARGET, WASM_TARGET, componentize, env_set, is_component,
    write_atomically,
};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

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
