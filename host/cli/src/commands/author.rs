//! The plugin author's commands: `plugins new` (scaffold), `plugins build` (components in
//! five languages) and `test` (declarative cases against a component), over posture-author.

use crate::exit::Exit;
use crate::output::write_output;
use anyhow::Result;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub(crate) fn new(
    name: &str,
    lang: posture_author::scaffold::Lang,
    dir: Option<PathBuf>,
    sdk: Option<PathBuf>,
) -> Result<Exit> {
    let dir = dir.unwrap_or_else(|| PathBuf::from(name));
    let files = posture_author::scaffold::new_plugin(lang, name, &dir, sdk.as_deref())?;
    for f in files {
        println!("created {}", f.display());
    }
    println!(
        "next: posture plugin build {d} --out-dir {d}/target/plugins && posture test {d}/target/plugins/{name}.wasm --cases {d}/cases",
        d = dir.display()
    );
    Ok(Exit::Success)
}

pub(crate) fn build(
    dirs: Vec<PathBuf>,
    out_dir: PathBuf,
    target_dir: Option<PathBuf>,
) -> Result<Exit> {
    for dir in dirs {
        let out = posture_author::build::build_plugin(&posture_author::build::BuildOptions {
            crate_dir: dir.clone(),
            out_dir: out_dir.clone(),
            target_dir: target_dir.clone(),
            quiet: false,
        })?;
        let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
        eprintln!("built {} ({} KiB)", out.display(), size / 1024);
    }
    Ok(Exit::Success)
}

pub(crate) fn test(plugin: &Path, cases: &Path, cache_dir: Option<PathBuf>) -> Result<Exit> {
    let cases = posture_author::testkit::load_cases(cases)?;
    let rt = posture::session::load::runtime(super::cache_dir(false, cache_dir).as_deref())?;
    let loaded = Arc::new(rt.load_file(plugin)?);
    let outcomes = posture_author::testkit::run_cases(&loaded, &cases)?;
    write_output(None, &posture_author::testkit::render(&outcomes))?;
    Ok(if outcomes.iter().all(|o| o.passed()) {
        Exit::Success
    } else {
        Exit::Failing
    })
}
