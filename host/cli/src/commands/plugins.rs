//! `posture plugins list` (installed plugins with their checks) and `posture plugins lock`
//! (pin every installed component's digest in the lock file).

use crate::args::{ListFormat, PluginSourceArgs};
use crate::exit::Exit;
use crate::output::write_output;
use anyhow::{Result, bail};
use posture::lock::{LockEntry, LockFile};
use posture::session::{Plugins, load};

pub(crate) fn list(args: PluginSourceArgs, format: ListFormat) -> Result<Exit> {
    let source = args.source();
    let rt = load::runtime(source.cache_dir.as_deref())?;
    let Plugins {
        loaded: plugins,
        refused,
    } = load::load(&rt, &source, true)?;
    let infos: Vec<_> = plugins.iter().map(|p| &p.info).collect();
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
    let lock = LockFile {
        plugins: plugins
            .iter()
            .map(|p| LockEntry {
                file: p
                    .path
                    .file_name()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                name: p.info.name.clone(),
                version: p.info.version.clone(),
                sha256: p.digest.clone(),
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
