//! C plugins: bindings generated from the contract ([`super::bindings`]), compiled with clang
//! for `wasm32-wasi` against wasi-libc as a reactor (no `main`), then componentised. A plugin
//! that avoids stdio imports no WASI at all; one that uses it gets the preview1 adapter.
//!
//! Toolchain: `$POSTURE_CLANG`, else `clang-19` or `clang` on PATH; the wasi-libc sysroot is
//! `$POSTURE_WASI_SYSROOT`, else `/usr` (Debian's `wasi-libc` package).

use super::bindings::{self, Guest};
use super::{BuildError, BuildOptions, PluginManifest, env_set, find_program, finish, run_tool};
use std::path::PathBuf;
use std::process::Command;

const HINT: &str = "install clang with the wasm32-wasi libc, e.g. Debian: apt-get install clang-19 lld-19 wasi-libc libclang-rt-19-dev-wasm32 (`make toolchain` does), or set POSTURE_CLANG and POSTURE_WASI_SYSROOT";

pub(super) fn build(opts: &BuildOptions, m: &PluginManifest) -> Result<PathBuf, BuildError> {
    let sources = m.source_files(&opts.crate_dir, "c")?;
    let work = super::work_dir(opts, "c", &m.name)?;
    let gen_dir = work.join("bindings");
    let generated = bindings::generate(Guest::C, &gen_dir)?;
    let clang = env_set("POSTURE_CLANG")
        .or_else(|| find_program(&["clang-19", "clang"]))
        .unwrap_or_else(|| "clang".to_string());
    let sysroot = env_set("POSTURE_WASI_SYSROOT").unwrap_or_else(|| "/usr".to_string());
    let core = work.join("core.wasm");
    let mut cmd = Command::new(&clang);
    cmd.arg("--target=wasm32-wasi")
        .arg(format!("--sysroot={sysroot}"))
        .args(["-O2", "-Wall", "-mexec-model=reactor", "-fuse-ld=lld"])
        .args(["-Wl,--no-entry", "-Wl,--strip-debug"])
        .arg("-I")
        .arg(&gen_dir)
        .arg("-I")
        .arg(&opts.crate_dir)
        .args(&sources)
        // The bindings' C file and the object carrying the component-type section.
        .args(
            generated
                .iter()
                .filter(|p| p.extension().is_some_and(|e| e == "c" || e == "o")),
        )
        .arg("-o")
        .arg(&core);
    run_tool(&mut cmd, &clang, HINT, &opts.crate_dir)?;
    finish(opts, &m.name, &core)
}
