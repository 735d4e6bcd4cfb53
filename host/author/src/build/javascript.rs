//! JavaScript plugins: componentize-js through node (installed with npm on first use into a
//! toolchain directory), with every WASI feature disabled.

use super::{BuildError, BuildOptions, PluginManifest, env_set, run_tool, write_wit};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The componentize-js release plugins are built with.
pub const COMPONENTIZE_JS: &str = "@bytecodealliance/componentize-js@0.23.0";

/// Where componentize-js is installed: `$POSTURE_JS_TOOLCHAIN`, else `js-toolchain` in the
/// compile-cache directory.
pub fn js_toolchain_dir(fallback: &Path) -> PathBuf {
    env_set("POSTURE_JS_TOOLCHAIN")
        .map(PathBuf::from)
        .or_else(|| posture::runtime::default_cache_dir().map(|d| d.join("js-toolchain")))
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

/// componentize-js through node, installing it with npm on first use.
pub(super) fn build(opts: &BuildOptions, m: &PluginManifest) -> Result<PathBuf, BuildError> {
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
