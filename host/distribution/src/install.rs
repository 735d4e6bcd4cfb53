//! The three verbs over a registry: `publish` (a vendor pushes a component, signed),
//! `add` (an operator installs a verified plugin into the plugin directory and pins it in the
//! lock file with its source and signer) and `update` (moves an installed plugin to the newest
//! release tag of its repository, showing what changes). Nothing is written until every check
//! has passed; the component is written under a temporary name and renamed into place.

use crate::artifact::{Artifact, sha256_hex};
use crate::registry::{Registry, RegistryError, parse_reference, repository_of};
use crate::signature;
use crate::verify::{InstallError, Keyring, Refusal, Signer, Verified, verify};
use oci_client::Reference;
use posture::lock::{LockEntry, LockFile, RegistrySource};
use posture::model::PluginInfo;
use posture::runtime::Runtime;
use posture::session::{PluginSource, SessionError, load};
use posture::trust::TrustPolicy;
use posture_history::keys::SigningKey;
use std::path::{Path, PathBuf};

/// What `publish` pushed.
#[derive(Debug, Clone)]
pub struct Published {
    /// The plugin's self-description.
    pub info: PluginInfo,
    /// The reference pushed to.
    pub reference: String,
    /// The manifest digest.
    pub manifest_digest: String,
    /// The signing key's id and the signature manifest's digest, when signed.
    pub signature: Option<(String, String)>,
}

/// Loads the component at `path` (to read its own description), pushes it to `reference`
/// and, with `key`, signs its manifest digest. A tag that already names another artifact is
/// left alone unless `force` (operators who installed it would be refused the new one).
pub fn publish(
    registry: &Registry,
    runtime: &Runtime,
    path: &Path,
    reference: &str,
    key: Option<&SigningKey>,
    force: bool,
) -> Result<Published, InstallError> {
    let reference = parse_reference(reference)?;
    if reference.digest().is_some() || reference.tag().is_none() {
        return Err(RegistryError::Reference {
            reference: reference.whole(),
            message: "publish to a tag (REGISTRY/REPOSITORY:TAG), not a digest".into(),
        }
        .into());
    }
    let bytes = std::fs::read(path).map_err(|source| InstallError::Io {
        path: path.to_path_buf(),
        action: "read the component",
        source,
    })?;
    let not_loaded = |message: String| InstallError::NotPublished {
        path: path.to_path_buf(),
        sha256: sha256_hex(&bytes),
        message,
    };
    let plugin = match runtime
        .load_all(&[(path.to_path_buf(), bytes.clone())])
        .pop()
    {
        Some(Ok(p)) => p,
        Some(Err(e)) => return Err(not_loaded(e.message())),
        None => return Err(not_loaded("nothing loaded".into())),
    };
    let artifact = Artifact::new(bytes, &plugin.info);
    if let Some(existing) = registry.existing(&reference)?
        && existing != artifact.manifest_digest
        && !force
    {
        return Err(InstallError::TagTaken {
            reference: reference.whole(),
            existing,
            new: artifact.manifest_digest.clone(),
        });
    }
    let manifest_digest = registry.push_artifact(&reference, &artifact)?;
    let signature = match key {
        Some(key) => {
            let envelope = signature::sign(&manifest_digest, key);
            let digest = registry.push_signature(&reference, artifact.descriptor(), &envelope)?;
            Some((signature::id_of(&key.verifying_key()), digest))
        }
        None => None,
    };
    Ok(Published {
        info: plugin.info.clone(),
        reference: reference.whole(),
        manifest_digest,
        signature,
    })
}

/// Where plugins are installed and trusted.
pub struct Target<'a> {
    /// The runtime that loads them (with its compile cache).
    pub runtime: &'a Runtime,
    /// The plugin directory written to.
    pub plugin_dir: PathBuf,
    /// The other plugin directories of the session: checked for collisions, and pinned
    /// when the lock file is created.
    pub other_dirs: Vec<PathBuf>,
    /// The lock file.
    pub lock: PathBuf,
    /// The trust policy.
    pub policy: &'a TrustPolicy,
    /// Its keys.
    pub keyring: &'a Keyring,
    /// Accept a plugin that has no signature at all.
    pub allow_unsigned: bool,
}

impl Target<'_> {
    /// Pulls `reference` and verifies it under this target's trust policy.
    fn verify(&self, registry: &Registry, reference: &Reference) -> Result<Verified, InstallError> {
        verify(
            registry,
            self.runtime,
            reference,
            self.policy,
            self.keyring,
            self.allow_unsigned,
        )
    }
}

/// What an installation did.
#[derive(Debug, Clone)]
pub struct Installed {
    /// The plugin now installed.
    pub info: PluginInfo,
    /// Its lock entry.
    pub entry: LockEntry,
    /// Its file.
    pub file: PathBuf,
    /// Nothing changed: the same artifact was already installed.
    pub unchanged: bool,
    /// The lock file did not exist and was created, pinning these other installed plugins.
    pub created_lock_with: Option<Vec<String>>,
}

fn io(path: &Path, action: &'static str) -> impl FnOnce(std::io::Error) -> InstallError {
    let path = path.to_path_buf();
    move |source| InstallError::Io {
        path,
        action,
        source,
    }
}

/// The plugins installed in the target's directories (those that load), empty when there
/// are none.
fn installed(
    target: &Target<'_>,
) -> Result<Vec<std::sync::Arc<posture::runtime::LoadedPlugin>>, InstallError> {
    let dirs: Vec<PathBuf> = std::iter::once(&target.plugin_dir)
        .chain(&target.other_dirs)
        .filter(|d| d.exists())
        .cloned()
        .collect();
    if dirs.is_empty() {
        return Ok(Vec::new());
    }
    let source = PluginSource {
        dirs,
        cache_dir: None,
        lock: None,
    };
    let runtime = target.runtime;
    match load::load(runtime, &source, false) {
        Ok(p) => Ok(p.loaded),
        Err(SessionError::NoPlugins { .. }) => Ok(Vec::new()),
        Err(e) => Err(e.into()),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Installs `verified` into the target, replacing the locked entry `replacing` (an update).
fn install(
    target: &Target<'_>,
    verified: &Verified,
    replacing: Option<&LockEntry>,
) -> Result<Installed, InstallError> {
    let info = verified.info();
    let file = target.plugin_dir.join(format!("{}.wasm", info.name));
    let replaced_file = replacing.map(|e| e.file.as_str());
    let refused = |reason| {
        InstallError::refused(
            verified.pulled.reference.whole(),
            verified.pulled.manifest_digest.clone(),
            reason,
        )
    };
    // A file of that name not being replaced is someone else's (built locally, or copied in):
    // never overwritten.
    if file.exists() && replaced_file != Some(file_name(&file).as_str()) {
        return Err(refused(Refusal::AlreadyInstalled {
            plugin: info.name.clone(),
            file: file.display().to_string(),
            origin: "a file the lock file does not record as installed from this repository".into(),
        }));
    }
    let replaced_path = replaced_file.map(|f| target.plugin_dir.join(f));
    let others: Vec<_> = installed(target)?
        .into_iter()
        .filter(|p| p.path != file && Some(&p.path) != replaced_path.as_ref())
        .collect();
    for other in &others {
        let shown = other.path.display();
        if other.info.name == info.name {
            return Err(refused(Refusal::Conflict(format!(
                "plugin name `{}` is already taken by {shown}",
                info.name
            ))));
        }
        if let Some(c) = info
            .checks
            .iter()
            .find(|c| other.info.checks.iter().any(|o| o.id == c.id))
        {
            return Err(refused(Refusal::Conflict(format!(
                "check `{}` is already declared by plugin `{}` ({shown}); a scan would refuse both",
                c.id, other.info.name
            ))));
        }
    }
    let mut lock = LockFile::load(&target.lock)?;
    let created_lock_with = match lock {
        Some(_) => None,
        None => Some(others.iter().map(|p| p.info.name.clone()).collect()),
    };
    std::fs::create_dir_all(&target.plugin_dir)
        .map_err(io(&target.plugin_dir, "create the plugin directory"))?;
    let partial = target
        .plugin_dir
        .join(format!(".{}.wasm.partial", info.name));
    std::fs::write(&partial, &verified.pulled.component)
        .map_err(io(&partial, "write the component"))?;
    std::fs::rename(&partial, &file).map_err(io(&file, "install the component"))?;
    if let Some(old) = replaced_file.filter(|old| *old != file_name(&file)) {
        let old = target.plugin_dir.join(old);
        if let Err(e) = std::fs::remove_file(&old)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            return Err(io(&old, "remove the previous version")(e));
        }
    }
    let entry = LockEntry {
        file: file_name(&file),
        name: info.name.clone(),
        version: info.version.clone(),
        sha256: verified.plugin.digest.clone(),
        source: Some(RegistrySource {
            reference: verified.pulled.reference.whole(),
            repository: repository_of(&verified.pulled.reference),
            manifest: verified.pulled.manifest_digest.clone(),
            signer: verified.signer.as_ref().map(|s| s.name.clone()),
            signer_key: verified.signer.as_ref().map(|s| s.key_id.clone()),
        }),
    };
    let lock = lock.get_or_insert_with(|| LockFile {
        plugins: others
            .iter()
            .map(|p| LockEntry {
                file: file_name(&p.path),
                name: p.info.name.clone(),
                version: p.info.version.clone(),
                sha256: p.digest.clone(),
                source: None,
            })
            .collect(),
    });
    if let Some(old) = replacing {
        lock.plugins.retain(|e| e.file != old.file);
    }
    lock.upsert(entry.clone());
    lock.save(&target.lock)?;
    Ok(Installed {
        info: info.clone(),
        entry,
        file,
        unchanged: false,
        created_lock_with,
    })
}

/// Pulls `reference`, verifies it and installs it (`posture plugins add`).
pub fn add(
    registry: &Registry,
    target: &Target<'_>,
    reference: &str,
) -> Result<Installed, InstallError> {
    let reference = parse_reference(reference)?;
    let verified = target.verify(registry, &reference)?;
    let info = verified.info();
    if let Some(entry) = LockFile::load(&target.lock)?
        .as_ref()
        .and_then(|l| l.by_name(&info.name))
    {
        let refused = |reason| {
            InstallError::refused(
                reference.whole(),
                verified.pulled.manifest_digest.clone(),
                reason,
            )
        };
        match &entry.source {
            Some(src) if src.repository == repository_of(&reference) => {
                if src.manifest != verified.pulled.manifest_digest {
                    return Err(refused(Refusal::Relocked {
                        lock: target.lock.display().to_string(),
                        plugin: entry.name.clone(),
                        version: entry.version.clone(),
                        locked: src.manifest.clone(),
                        served: verified.pulled.manifest_digest.clone(),
                    }));
                }
                let file = target.plugin_dir.join(&entry.file);
                let on_disk = std::fs::read(&file).ok().map(|b| sha256_hex(&b));
                if on_disk.as_deref() == Some(entry.sha256.as_str()) {
                    return Ok(Installed {
                        info: info.clone(),
                        entry: entry.clone(),
                        file,
                        unchanged: true,
                        created_lock_with: None,
                    });
                }
                // Locked but missing or altered on disk: installing the verified bytes
                // restores what the lock pins.
                return install(target, &verified, Some(entry));
            }
            Some(src) => {
                return Err(refused(Refusal::AlreadyInstalled {
                    plugin: entry.name.clone(),
                    file: entry.file.clone(),
                    origin: format!("from {}", src.repository),
                }));
            }
            None => {
                return Err(refused(Refusal::AlreadyInstalled {
                    plugin: entry.name.clone(),
                    file: entry.file.clone(),
                    origin: "installed locally".into(),
                }));
            }
        }
    }
    install(target, &verified, None)
}

/// The release tags above `current`, newest first: tags that are semantic versions (a
/// leading `v` allowed), pre-releases excluded.
pub fn newer_tags(tags: &[String], current: &str) -> Vec<(String, semver::Version)> {
    let current = semver::Version::parse(current.trim_start_matches('v')).ok();
    let mut newer: Vec<(String, semver::Version)> = tags
        .iter()
        .filter_map(|t| {
            let v = semver::Version::parse(t.trim_start_matches('v')).ok()?;
            v.pre.is_empty().then(|| (t.clone(), v))
        })
        .filter(|(_, v)| current.as_ref().is_none_or(|c| v > c))
        .collect();
    newer.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    newer
}

/// What `update` found for one plugin.
#[derive(Debug, Clone)]
pub struct Update {
    /// The plugin.
    pub name: String,
    /// Its version before.
    pub from: String,
    /// The tag moved to; `None`: none (already the newest, every newer one refused, or an
    /// error).
    pub tag: Option<String>,
    /// Its version after (the same when it did not move).
    pub to: String,
    /// Checks the new version adds.
    pub added: Vec<String>,
    /// Checks it removes.
    pub removed: Vec<String>,
    /// Signer before → after (`None`: unsigned).
    pub signer: (Option<String>, Option<String>),
    /// Contract version before → after.
    pub contract: (String, String),
    /// Whether it was installed (false for a dry run or when it did not move).
    pub installed: bool,
    /// Newer tags refused (newest first), with the reason; the update moved to the newest
    /// tag that was not, if any.
    pub skipped: Vec<(String, String)>,
    /// Why this plugin could not be updated (the registry unreachable, …); the others were.
    pub error: Option<String>,
}

/// How `update` chooses.
#[derive(Debug, Clone, Copy, Default)]
pub struct UpdateOptions {
    /// Only say what would change.
    pub dry_run: bool,
    /// Accept a newer version signed by another trusted key than the installed one, or
    /// unsigned when unsigned plugins are accepted.
    pub allow_signer_change: bool,
}

/// Moves every registry-installed plugin (or only `name`) to the newest release tag of its
/// repository that verifies as `add` verifies, holds the version its tag names, is newer
/// than the installed version, and is signed by the same key (`posture plugins update`).
/// Newer tags that do not qualify are reported in [`Update::skipped`]; a plugin whose
/// registry fails is reported in [`Update::error`] and the others still update.
pub fn update(
    registry: &Registry,
    target: &Target<'_>,
    name: Option<&str>,
    options: UpdateOptions,
) -> Result<Vec<Update>, InstallError> {
    let lock = LockFile::load(&target.lock)?.unwrap_or_default();
    let entries: Vec<&LockEntry> = lock
        .plugins
        .iter()
        .filter(|e| e.source.is_some() && name.is_none_or(|n| n == e.name))
        .collect();
    if let Some(n) = name
        && entries.is_empty()
    {
        return Err(InstallError::NotFromRegistry {
            plugin: n.to_owned(),
            lock: target.lock.clone(),
        });
    }
    let before = installed(target)?;
    let mut out = Vec::new();
    for entry in entries {
        let old = before.iter().find(|p| p.info.name == entry.name);
        let old_contract = old
            .map(|p| p.info.contract_version.clone())
            .unwrap_or_default();
        let signer = entry.source.as_ref().and_then(|s| s.signer.clone());
        let mut update = Update {
            name: entry.name.clone(),
            from: entry.version.clone(),
            tag: None,
            to: entry.version.clone(),
            added: Vec::new(),
            removed: Vec::new(),
            signer: (signer.clone(), signer),
            contract: (old_contract.clone(), old_contract),
            installed: false,
            skipped: Vec::new(),
            error: None,
        };
        if let Err(e) = update_one(registry, target, entry, old, options, &mut update) {
            update.error = Some(e.to_string());
        }
        out.push(update);
    }
    Ok(out)
}

/// Updates one plugin, filling `update` as it goes.
fn update_one(
    registry: &Registry,
    target: &Target<'_>,
    entry: &LockEntry,
    old: Option<&std::sync::Arc<posture::runtime::LoadedPlugin>>,
    options: UpdateOptions,
    update: &mut Update,
) -> Result<(), InstallError> {
    let Some(src) = &entry.source else {
        return Ok(());
    };
    let repo: Reference = parse_reference(&src.repository)?;
    let tags = registry.tags(&repo)?;
    let installed_version = semver::Version::parse(entry.version.trim_start_matches('v')).ok();
    let mut chosen = None;
    for (tag, _) in newer_tags(&tags, &entry.version) {
        let reference = Reference::with_tag(
            repo.registry().to_owned(),
            repo.repository().to_owned(),
            tag.clone(),
        );
        let verified = target.verify(registry, &reference).and_then(|v| {
            let refuse = |reason| {
                Err(InstallError::refused(
                    reference.whole(),
                    v.pulled.manifest_digest.clone(),
                    reason,
                ))
            };
            let info = v.info();
            if info.name != entry.name {
                return refuse(Refusal::OtherPlugin {
                    expected: entry.name.clone(),
                    found: info.name.clone(),
                });
            }
            let version = semver::Version::parse(info.version.trim_start_matches('v')).ok();
            if installed_version.is_some() && version <= installed_version {
                return refuse(Refusal::NotNewer {
                    version: info.version.clone(),
                    installed: entry.version.clone(),
                });
            }
            let new_signer = v.signer.as_ref().map(|s| s.name.clone());
            if new_signer != src.signer && !options.allow_signer_change {
                let who = |s: &Option<String>| match s {
                    Some(name) => format!("signed by key `{name}`"),
                    None => "unsigned".to_owned(),
                };
                return refuse(Refusal::SignerChanged {
                    from: who(&src.signer),
                    to: who(&new_signer),
                });
            }
            Ok(v)
        });
        match verified {
            Ok(v) => {
                chosen = Some((tag, v));
                break;
            }
            // A release this operator may not install: the next older one may be.
            Err(
                e @ (InstallError::Refused { .. }
                | InstallError::Registry(
                    RegistryError::Tampered { .. }
                    | RegistryError::Layout { .. }
                    | RegistryError::NotFound { .. },
                )),
            ) => update.skipped.push((tag, e.to_string())),
            Err(e) => return Err(e),
        }
    }
    let Some((tag, verified)) = chosen else {
        return Ok(());
    };
    let info = verified.info();
    let old_checks: Vec<&str> = old
        .map(|p| p.info.checks.iter().map(|c| c.id.as_str()).collect())
        .unwrap_or_default();
    let new_checks: Vec<&str> = info.checks.iter().map(|c| c.id.as_str()).collect();
    update.tag = Some(tag);
    update.to = info.version.clone();
    update.added = diff(&new_checks, &old_checks);
    update.removed = diff(&old_checks, &new_checks);
    update.signer.1 = verified.signer.as_ref().map(|s: &Signer| s.name.clone());
    update.contract.1 = info.contract_version.clone();
    if !options.dry_run {
        install(target, &verified, Some(entry))?;
        update.installed = true;
    }
    Ok(())
}

fn diff(a: &[&str], b: &[&str]) -> Vec<String> {
    let mut d: Vec<String> = a
        .iter()
        .filter(|x| !b.contains(x))
        .map(|s| s.to_string())
        .collect();
    d.sort();
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_tags_above_the_current_version_come_newest_first() {
        let tags: Vec<String> = [
            "1.0.0",
            "v1.2.0",
            "1.10.0-rc.1",
            "latest",
            "1.9.3",
            "sha256-ab.sig",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let names = |current| -> Vec<String> {
            newer_tags(&tags, current)
                .into_iter()
                .map(|t| t.0)
                .collect()
        };
        assert_eq!(names("1.0.0"), vec!["1.9.3", "v1.2.0"]);
        assert!(names("1.9.3").is_empty());
        assert!(names("2.0.0").is_empty());
        assert_eq!(names("not a version"), vec!["1.9.3", "v1.2.0", "1.0.0"]);
    }

    #[test]
    fn diffs_are_sorted() {
        assert_eq!(diff(&["c", "a", "b"], &["b"]), vec!["a", "c"]);
    }
}
