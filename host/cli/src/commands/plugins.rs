//! `posture plugins list` (installed plugins with their checks, and the source and signer of
//! those installed from a registry) and `posture plugins lock` (pin every installed
//! component's digest in the lock file, keeping the source of registry-installed ones).

use crate::args::{ListFormat, PluginSourceArgs};
use crate::exit::Exit;
use crate::output::write_output;
use anyhow::{Result, bail};
use posture::lock::{LockEntry, LockFile, RegistrySource};
use posture::session::{Plugins, load};

pub(crate) fn list(args: PluginSourceArgs, format: ListFormat) -> Result<Exit> {
    let source = args.source();
    let rt = load::runtime(source.cache_dir.as_deref())?;
    let Plugins {
        loaded: plugins,
        refused,
    } = load::load(&rt, &source, true)?;
    // The lock says where registry-installed plugins came from; a missing or unreadable lock
    // only leaves the source out here (`scan` reports it).
    let locked = LockFile::load(&args.lock)
        .ok()
        .flatten()
        .unwrap_or_default();
    let source_of = |p: &posture::runtime::LoadedPlugin| {
        let file = file_name(&p.path);
        locked
            .plugins
            .iter()
            .find(|e| e.file == file && e.sha256 == p.digest)
            .and_then(|e| e.source.as_ref())
    };
    let infos: Vec<Listed> = plugins
        .iter()
        .map(|p| Listed {
            info: &p.info,
            source: source_of(p),
        })
        .collect();
    let text = match format {
        ListFormat::Json => {
            let mut s = serde_json::to_string_pretty(&infos)?;
            s.push('\n');
            s
        }
        ListFormat::Text => {
            let mut s = String::new();
            for p in &plugins {
                let i = &p.info;
                s.push_str(&format!(
                    "{} {} ({}), contract {}, {} check(s), sha256 {}\n  {}\n",
                    i.name,
                    i.version,
                    i.vendor,
                    i.contract_version,
                    i.checks.len(),
                    &p.digest[..12.min(p.digest.len())],
                    p.path.display()
                ));
                if let Some(src) = source_of(p) {
                    s.push_str(&format!(
                        "  from {} ({}), {}\n",
                        src.reference,
                        src.manifest,
                        match (&src.signer, &src.signer_key) {
                            (Some(name), Some(id)) => format!("signed by key `{name}` ({id})"),
                            (Some(name), None) => format!("signed by key `{name}`"),
                            _ => "unsigned (accepted explicitly)".to_owned(),
                        }
                    ));
                }
                for c in &i.checks {
                    let controls: Vec<String> = c
                        .controls
                        .iter()
                        .map(|k| format!("{}:{}", k.framework, k.id))
                        .collect();
                    let reads: Vec<&str> = c.reads.iter().map(|k| k.as_str()).collect();
                    s.push_str(&format!(
                        "  - {:<28} {:<8} {:<10} {}\n      controls: {}\n      reads: {}\n",
                        c.id,
                        c.default_severity,
                        c.domain,
                        c.title,
                        controls.join(", "),
                        reads.join(", ")
                    ));
                    for p in &c.params {
                        s.push_str(&format!(
                            "      param {} = {} ({})\n",
                            p.name, p.default, p.description
                        ));
                    }
                }
            }
            s
        }
    };
    write_output(None, &text)?;
    Ok(if refused.is_empty() {
        Exit::Success
    } else {
        Exit::PluginError
    })
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A plugin as `plugins list --format json` shows it: its metadata, and where it came from
/// when it was installed from a registry.
#[derive(serde::Serialize)]
struct Listed<'a> {
    #[serde(flatten)]
    info: &'a posture::model::PluginInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a RegistrySource>,
}

pub(crate) fn lock(args: PluginSourceArgs) -> Result<Exit> {
    let source = args.source();
    let rt = load::runtime(source.cache_dir.as_deref())?;
    let Plugins {
        loaded: plugins,
        refused,
    } = load::load(&rt, &source, false)?;
    if let Some(bad) = refused.first() {
        bail!(
            "not locking: a plugin cannot be loaded: {}",
            bad.error.message()
        );
    }
    // A plugin installed from a registry keeps its source and signer while its bytes are
    // those that were verified.
    let previous = LockFile::load(&args.lock)?.unwrap_or_default();
    let lock = LockFile {
        plugins: plugins
            .iter()
            .map(|p| {
                let file = file_name(&p.path);
                let source = previous
                    .plugins
                    .iter()
                    .find(|e| e.file == file && e.sha256 == p.digest)
                    .and_then(|e| e.source.clone());
                LockEntry {
                    file,
                    name: p.info.name.clone(),
                    version: p.info.version.clone(),
                    sha256: p.digest.clone(),
                    source,
                }
            })
            .collect(),
    };
    lock.save(&args.lock)?;
    eprintln!(
        "locked {} plugin(s) in {}",
        lock.plugins.len(),
        args.lock.display()
    );
    Ok(Exit::Success)
}
