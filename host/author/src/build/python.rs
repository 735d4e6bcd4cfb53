//! Python plugins: componentize-py, with WASI stubbed out, so that the component imports only
//! the contract.

use super::{BuildError, BuildOptions, PluginManifest, WORLD, write_wit};
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// componentize-py, with WASI stubbed out: the component imports only the contract.
pub(super) fn build(opts: &BuildOptions, m: &PluginManifest) -> Result<PathBuf, BuildError> {
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
