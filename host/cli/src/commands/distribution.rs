//! `posture plugins publish|add|update`: plugins through OCI registries, printed for people.
//! Refusals end with exit code 5 and name the reference, the digest and the reason; `update`
//! ends with 2 when a plugin's registry failed, else 5 when every newer release of a plugin
//! was refused (the other plugins are updated either way). Progress goes to stderr, results
//! to stdout, with control characters from the registry escaped.

use crate::args::{PluginSourceArgs, TrustArgs};
use crate::exit::Exit;
use anyhow::{Result, bail};
use posture::config::Config;
use posture::report::sanitize::{printable, printable_lines};
use posture::session::load;
use posture::trust::TrustPolicy;
use posture_distribution::{InstallError, Installed, Keyring, Registry, Target};
use std::path::{Path, PathBuf};

pub(crate) fn publish(
    component: &Path,
    reference: &str,
    sign_key: Option<&Path>,
    force: bool,
) -> Result<Exit> {
    let key = sign_key
        .map(posture_history::keys::read_signing_key)
        .transpose()?;
    let rt = load::runtime(posture::runtime::default_cache_dir().as_deref())?;
    let registry = Registry::new()?;
    eprintln!("publishing {} to {reference}", component.display());
    let published = match posture_distribution::publish(
        &registry,
        &rt,
        component,
        reference,
        key.as_ref(),
        force,
    ) {
        Ok(p) => p,
        Err(e) => return refused_or(e),
    };
    let i = &published.info;
    let mut out = format!(
        "published {} {} ({}), contract {}, {} check(s)\n  to {}\n  manifest {}\n",
        i.name,
        i.version,
        i.vendor,
        i.contract_version,
        i.checks.len(),
        published.reference,
        published.manifest_digest
    );
    match &published.signature {
        Some((key_id, digest)) => out.push_str(&format!(
            "  signed by key {key_id} (signature {digest}, tag {})\n",
            posture_distribution::signature::fallback_tag(&published.manifest_digest)
        )),
        None => out.push_str(
            "  NOT signed (no --sign-key): operators must accept it with --allow-unsigned\n",
        ),
    }
    print!("{out}");
    Ok(Exit::Success)
}

/// The trust policy of `--config` (relative key paths are relative to its directory); an
/// empty policy without one.
fn policy(trust: &TrustArgs) -> Result<(TrustPolicy, Keyring)> {
    let Some(path) = &trust.config else {
        return Ok((TrustPolicy::default(), Keyring::default()));
    };
    let config = Config::load(path)?;
    let base = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let keyring = Keyring::load(&config.trust, &base)?;
    Ok((config.trust, keyring))
}

fn plugin_dir(source: &PluginSourceArgs) -> Result<PathBuf> {
    match source.plugins.first() {
        Some(dir) => Ok(dir.clone()),
        None => bail!("no --plugins directory to install into"),
    }
}

/// A refusal (the plugin, its signature, its bytes or its layout) is exit 5, anything else
/// (network, files, keys) exit 2; the message is printed with control characters escaped,
/// since much of it comes from the registry.
fn refused_or(e: InstallError) -> Result<Exit> {
    use posture_distribution::RegistryError;
    let code = match &e {
        InstallError::Refused { .. }
        | InstallError::NotPublished { .. }
        | InstallError::TagTaken { .. }
        | InstallError::Registry(RegistryError::Tampered { .. } | RegistryError::Layout { .. }) => {
            Exit::Refused
        }
        _ => Exit::Usage,
    };
    let nothing = if matches!(
        e,
        InstallError::Registry(RegistryError::Tampered { .. } | RegistryError::Layout { .. })
    ) {
        "; nothing installed"
    } else {
        ""
    };
    eprintln!("error: {}{nothing}", printable(&e.to_string()));
    Ok(code)
}

fn signer_text(signer: Option<&str>, key: Option<&str>) -> String {
    match (signer, key) {
        (Some(name), Some(id)) => format!("signed by key `{name}` ({id})"),
        (Some(name), None) => format!("signed by key `{name}`"),
        _ => "UNSIGNED (accepted explicitly)".into(),
    }
}

fn installed_text(i: &Installed, lock: &Path) -> String {
    let info = &i.info;
    let source = i.entry.source.as_ref();
    let mut checks: Vec<&str> = info.checks.iter().map(|c| c.id.as_str()).collect();
    checks.sort_unstable();
    let mut s = format!(
        "{} {} {} ({}), contract {}\n  from {}\n  manifest {}\n  component sha256 {}\n  {}\n  checks: {}\n  file: {}, pinned in {}\n",
        if i.unchanged {
            "already installed:"
        } else {
            "installed"
        },
        info.name,
        info.version,
        info.vendor,
        info.contract_version,
        source.map(|s| s.reference.as_str()).unwrap_or("?"),
        source.map(|s| s.manifest.as_str()).unwrap_or("?"),
        i.entry.sha256,
        signer_text(
            source.and_then(|s| s.signer.as_deref()),
            source.and_then(|s| s.signer_key.as_deref())
        ),
        checks.join(", "),
        i.file.display(),
        lock.display()
    );
    match i.created_lock_with.as_deref() {
        None => {}
        Some([]) => s.push_str(&format!("  created {}\n", lock.display())),
        Some(others) => s.push_str(&format!(
            "  created {}: it also pins the {} plugin(s) already installed ({})\n",
            lock.display(),
            others.len(),
            others.join(", ")
        )),
    }
    s
}

/// What `add` and `update` need: the trust policy with its keys, the runtime, the registry.
struct Setup {
    policy: TrustPolicy,
    keyring: Keyring,
    runtime: posture::runtime::Runtime,
    registry: Registry,
}

impl Setup {
    fn new(source: &PluginSourceArgs, trust: &TrustArgs) -> Result<Setup> {
        let (policy, keyring) = policy(trust)?;
        Ok(Setup {
            policy,
            keyring,
            runtime: load::runtime(source.source().cache_dir.as_deref())?,
            registry: Registry::new()?,
        })
    }

    fn target(&self, source: &PluginSourceArgs, trust: &TrustArgs) -> Result<Target<'_>> {
        Ok(Target {
            runtime: &self.runtime,
            plugin_dir: plugin_dir(source)?,
            other_dirs: source.plugins.iter().skip(1).cloned().collect(),
            lock: source.lock.clone(),
            policy: &self.policy,
            keyring: &self.keyring,
            allow_unsigned: trust.allow_unsigned,
        })
    }
}

pub(crate) fn add(reference: &str, source: PluginSourceArgs, trust: TrustArgs) -> Result<Exit> {
    let setup = Setup::new(&source, &trust)?;
    let (registry, target) = (&setup.registry, setup.target(&source, &trust)?);
    eprintln!("pulling {reference}");
    match posture_distribution::add(registry, &target, reference) {
        Ok(installed) => {
            print!("{}", installed_text(&installed, &source.lock));
            Ok(Exit::Success)
        }
        Err(e) => refused_or(e),
    }
}

pub(crate) fn update(
    name: Option<&str>,
    options: posture_distribution::UpdateOptions,
    source: PluginSourceArgs,
    trust: TrustArgs,
) -> Result<Exit> {
    let setup = Setup::new(&source, &trust)?;
    let (registry, target) = (&setup.registry, setup.target(&source, &trust)?);
    let updates = match posture_distribution::update(registry, &target, name, options) {
        Ok(u) => u,
        Err(e) => return refused_or(e),
    };
    if updates.is_empty() {
        println!(
            "no plugin in {} was installed from a registry (`posture plugins add`)",
            source.lock.display()
        );
        return Ok(Exit::Success);
    }
    let mut out = String::new();
    let (mut refused, mut failed) = (false, false);
    for u in &updates {
        if let Some(error) = &u.error {
            failed = true;
            out.push_str(&format!("{} {}: not updated: {error}\n", u.name, u.from));
            continue;
        }
        let Some(tag) = &u.tag else {
            if u.skipped.is_empty() {
                out.push_str(&format!("{} {} is the newest release\n", u.name, u.from));
            } else {
                refused = true;
                out.push_str(&format!(
                    "{} {}: no newer release may be installed; it stays\n",
                    u.name, u.from
                ));
            }
            for (tag, why) in &u.skipped {
                out.push_str(&format!("  refused tag {tag}: {why}\n"));
            }
            continue;
        };
        out.push_str(&format!(
            "{} {} {} → {} (tag {tag})\n",
            if u.installed {
                "updated"
            } else {
                "would update"
            },
            u.name,
            u.from,
            u.to
        ));
        for (tag, why) in &u.skipped {
            out.push_str(&format!("  skipped newer tag {tag}: {why}\n"));
        }
        let list = |v: &[String]| {
            if v.is_empty() {
                "none".to_owned()
            } else {
                v.join(", ")
            }
        };
        out.push_str(&format!("  checks added: {}\n", list(&u.added)));
        out.push_str(&format!("  checks removed: {}\n", list(&u.removed)));
        let who = |s: &Option<String>| s.clone().unwrap_or_else(|| "unsigned".into());
        let (before, after) = &u.signer;
        out.push_str(&format!(
            "  signer: {} → {}{}\n",
            who(before),
            who(after),
            if before != after { " (CHANGED)" } else { "" }
        ));
        out.push_str(&format!(
            "  contract: {} → {}\n",
            u.contract.0, u.contract.1
        ));
    }
    print!("{}", printable_lines(&out));
    Ok(if failed {
        Exit::Usage
    } else if refused {
        Exit::Refused
    } else {
        Exit::Success
    })
}
