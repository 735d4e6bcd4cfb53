//! Deciding whether a pulled plugin may be installed: its signatures checked against the
//! operator's trusted keys, the component loaded once in the sandbox (contract version and
//! metadata validated as for a scan), its annotations compared with what it reports, and the
//! trust policy's names and check-id prefixes applied to the verified signer.

use crate::artifact;
use crate::registry::{FoundSignature, Pulled, Registry, RegistryError, repository_of};
use crate::signature::{self, Check};
use oci_client::Reference;
use posture::model::PluginInfo;
use posture::runtime::{LoadedPlugin, Runtime};
use posture::trust::{TrustPolicy, TrustViolation};
use posture_history::keys::{VerifyingKey, read_verifying_key};
use std::path::{Path, PathBuf};

/// Why a plugin is refused (nothing is installed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// No signature at all.
    #[error(
        "it is not signed; ask its vendor for a signed release, or accept it explicitly with --allow-unsigned"
    )]
    Unsigned,
    /// Signed, but by no trusted key.
    #[error(
        "it is signed only by key(s) {key_ids}, which the trust policy does not trust ([trust.keys] in the configuration)"
    )]
    Untrusted {
        /// The key ids found, joined.
        key_ids: String,
    },
    /// A trusted key's signature that does not verify.
    #[error("the signature claiming key `{key}` does not verify ({message})")]
    BadSignature {
        /// The trusted key's name.
        key: String,
        /// Why.
        message: String,
    },
    /// A trusted key's valid signature over another manifest.
    #[error("the signature by key `{key}` signs manifest {signed}, not this one")]
    OtherDigest {
        /// The trusted key's name.
        key: String,
        /// The digest it signs.
        signed: String,
    },
    /// A signature manifest that cannot be read.
    #[error("signature {signature} is unreadable: {message}")]
    Unreadable {
        /// The signature manifest's digest.
        signature: String,
        /// Why.
        message: String,
    },
    /// The trust policy does not let the signer publish this plugin.
    #[error(transparent)]
    Policy(#[from] TrustViolation),
    /// The component does not load in the sandbox.
    #[error("the component does not load: {0}")]
    Invalid(String),
    /// The annotations describe another plugin than the component.
    #[error(
        "its annotation {annotation} says `{annotated}`, the component itself says `{reported}`"
    )]
    Contradiction {
        /// The annotation.
        annotation: String,
        /// Its value.
        annotated: String,
        /// What the component reports.
        reported: String,
    },
    /// It collides with an installed plugin.
    #[error("{0}")]
    Conflict(String),
    /// The registry serves another manifest than the one the lock file pins.
    #[error(
        "{lock} pins manifest {locked} for {plugin} {version} from this repository, and the registry now serves {served} for this reference: the tag was moved after it was installed. Ask the vendor why; to accept the new artifact, remove the plugin's file and its entry in {lock}, then add it again"
    )]
    Relocked {
        /// The lock file.
        lock: String,
        /// The plugin.
        plugin: String,
        /// Its locked version.
        version: String,
        /// The locked manifest digest.
        locked: String,
        /// The digest served now.
        served: String,
    },
    /// A plugin of that name is installed from elsewhere.
    #[error("plugin `{plugin}` is already installed as {file} ({origin}); remove it first")]
    AlreadyInstalled {
        /// The plugin.
        plugin: String,
        /// Its file.
        file: String,
        /// Where it came from.
        origin: String,
    },
    /// A version tag holding another version of the plugin.
    #[error(
        "the tag `{tag}` holds version {version} of the plugin; a version tag must hold that version"
    )]
    VersionMismatch {
        /// The tag.
        tag: String,
        /// The version the component reports.
        version: String,
    },
    /// An update to a version that is not newer than the installed one.
    #[error("it is version {version}, not newer than the installed {installed}")]
    NotNewer {
        /// The version the component reports.
        version: String,
        /// The installed version.
        installed: String,
    },
    /// An update signed by another key than the installed version (or unsigned).
    #[error(
        "it is {to}, the installed version is {from}; accept a change of signer explicitly with --allow-signer-change"
    )]
    SignerChanged {
        /// The installed version's signer.
        from: String,
        /// This version's.
        to: String,
    },
    /// An update found another plugin under the repository.
    #[error("the repository holds plugin `{found}` under this tag, not `{expected}`")]
    OtherPlugin {
        /// The plugin being updated.
        expected: String,
        /// What the tag holds.
        found: String,
    },
}

/// Why verification or installation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InstallError {
    /// The registry could not be used, or served inconsistent bytes.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// Refused (nothing installed).
    #[error("{reference} ({digest}): refused, nothing installed: {reason}")]
    Refused {
        /// The reference.
        reference: String,
        /// The manifest digest.
        digest: String,
        /// Why.
        reason: Box<Refusal>,
    },
    /// `publish` to a tag that names another artifact.
    #[error(
        "{reference} already names manifest {existing}; this component's is {new}. A release tag is not reused: operators who installed it would be refused the new artifact. Publish under a new version's tag, or pass --force"
    )]
    TagTaken {
        /// The reference.
        reference: String,
        /// What the tag names.
        existing: String,
        /// What would replace it.
        new: String,
    },
    /// `publish`: the component does not load, so nothing was pushed.
    #[error("{path} (sha256 {sha256}): not published: the component does not load: {message}")]
    NotPublished {
        /// The component file.
        path: PathBuf,
        /// sha256 of its bytes, hex.
        sha256: String,
        /// The sandbox's load error.
        message: String,
    },
    /// A trusted key cannot be read.
    #[error("[trust.keys.{name}] public-key {path}: {message}")]
    Key {
        /// The key's name.
        name: String,
        /// Its file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// A local file could not be read or written.
    #[error("{path}: cannot {action}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What was being done.
        action: &'static str,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The lock file could not be read or written.
    #[error(transparent)]
    Lock(#[from] posture::lock::LockError),
    /// `update NAME` of a plugin the lock file does not record as installed from a registry.
    #[error(
        "{}: no plugin `{plugin}` installed from a registry (`posture plugins add` installs one)",
        lock.display()
    )]
    NotFromRegistry {
        /// The name asked for.
        plugin: String,
        /// The lock file.
        lock: PathBuf,
    },
    /// The installed plugins could not be listed.
    #[error(transparent)]
    Session(#[from] posture::session::SessionError),
}

impl InstallError {
    /// The refusal of the artifact `digest` at `reference`.
    pub fn refused(reference: String, digest: String, reason: Refusal) -> InstallError {
        InstallError::Refused {
            reference,
            digest,
            reason: Box::new(reason),
        }
    }
}

/// A verified signer: the trust policy's name of the key and its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signer {
    /// The key's name in `[trust.keys]`.
    pub name: String,
    /// sha256 of the key's SPKI DER, hex.
    pub key_id: String,
}

/// The trusted keys of a policy, read from their files.
#[derive(Debug, Clone, Default)]
pub struct Keyring {
    keys: Vec<(String, String, VerifyingKey)>,
}

impl Keyring {
    /// Reads every key of `policy`; relative paths are relative to `base` (the
    /// configuration file's directory).
    pub fn load(policy: &TrustPolicy, base: &Path) -> Result<Keyring, InstallError> {
        let mut keys = Vec::new();
        for (name, key) in &policy.keys {
            let path = base.join(&key.public_key);
            let vk = read_verifying_key(&path).map_err(|e| InstallError::Key {
                name: name.clone(),
                path: path.clone(),
                message: e.to_string(),
            })?;
            keys.push((name.clone(), signature::id_of(&vk), vk));
        }
        Ok(Keyring { keys })
    }

    /// The trusted keys with id `key_id` (one public key may be trusted under several names).
    fn by_id<'k>(
        &'k self,
        key_id: &'k str,
    ) -> impl Iterator<Item = &'k (String, String, VerifyingKey)> + 'k {
        self.keys.iter().filter(move |(_, id, _)| id == key_id)
    }
}

/// A plugin pulled, verified and loaded, not yet installed.
pub struct Verified {
    /// What was pulled.
    pub pulled: Pulled,
    /// The component, loaded once.
    pub plugin: LoadedPlugin,
    /// Who signed it; `None`: accepted unsigned.
    pub signer: Option<Signer>,
}

impl Verified {
    /// The plugin's self-description.
    pub fn info(&self) -> &PluginInfo {
        &self.plugin.info
    }
}

/// The signers among `found` trusted by `keyring` whose signature covers `manifest_digest`
/// (sorted by name), or the refusal that explains why there is none.
pub fn signers(
    found: &[FoundSignature],
    keyring: &Keyring,
    manifest_digest: &str,
) -> Result<Vec<Signer>, Refusal> {
    let mut valid = Vec::new();
    let mut problems = Vec::new();
    let mut untrusted = Vec::new();
    for sig in found {
        let envelope = match &sig.envelope {
            Ok(e) => e,
            Err(message) => {
                problems.push(Refusal::Unreadable {
                    signature: sig.digest.clone(),
                    message: message.clone(),
                });
                continue;
            }
        };
        for id in signature::key_ids(envelope) {
            let mut trusted = keyring.by_id(&id).peekable();
            if trusted.peek().is_none() {
                untrusted.push(id.clone());
            }
            for (name, key_id, key) in trusted {
                match signature::check(envelope, key, manifest_digest) {
                    Check::Valid => valid.push(Signer {
                        name: name.clone(),
                        key_id: key_id.clone(),
                    }),
                    Check::NotByKey => untrusted.push(id.clone()),
                    Check::Invalid(message) => problems.push(Refusal::BadSignature {
                        key: name.clone(),
                        message,
                    }),
                    Check::OtherDigest(signed) => problems.push(Refusal::OtherDigest {
                        key: name.clone(),
                        signed,
                    }),
                }
            }
        }
    }
    if !valid.is_empty() {
        valid.sort_by(|a, b| a.name.cmp(&b.name));
        valid.dedup();
        return Ok(valid);
    }
    // The most telling reason first: a trusted key's signature that fails says more than
    // an unknown key's.
    if let Some(p) = problems.into_iter().min_by_key(|p| match p {
        Refusal::OtherDigest { .. } => 0,
        Refusal::BadSignature { .. } => 1,
        _ => 2,
    }) {
        return Err(p);
    }
    if !untrusted.is_empty() {
        untrusted.sort();
        untrusted.dedup();
        return Err(Refusal::Untrusted {
            key_ids: untrusted.join(", "),
        });
    }
    Err(Refusal::Unsigned)
}

/// Pulls `reference`, verifies its signatures against `keyring`, loads it once and applies
/// `policy`. `allow_unsigned` accepts a plugin without a trusted signature only when it has
/// no signature at all (a bad or untrusted signature is always refused).
pub fn verify(
    registry: &Registry,
    runtime: &Runtime,
    reference: &Reference,
    policy: &TrustPolicy,
    keyring: &Keyring,
    allow_unsigned: bool,
) -> Result<Verified, InstallError> {
    let pulled = registry.pull(reference)?;
    let refused = |reason: Refusal| {
        InstallError::refused(reference.whole(), pulled.manifest_digest.clone(), reason)
    };
    let found = registry.signatures(reference, &pulled.manifest_digest)?;
    let candidates = match signers(&found, keyring, &pulled.manifest_digest) {
        Ok(signers) => signers,
        Err(Refusal::Unsigned) if allow_unsigned || policy.allow_unsigned => Vec::new(),
        Err(reason) => return Err(refused(reason)),
    };
    let path = PathBuf::from(repository_of(reference));
    let plugin = match runtime.load_all(&[(path, pulled.component.clone())]).pop() {
        Some(Ok(plugin)) => plugin,
        Some(Err(e)) => return Err(refused(Refusal::Invalid(e.message()))),
        None => return Err(refused(Refusal::Invalid("nothing loaded".into()))),
    };
    if let Some((annotation, annotated, reported)) =
        artifact::contradiction(&pulled.manifest, &plugin.info)
    {
        return Err(refused(Refusal::Contradiction {
            annotation,
            annotated,
            reported,
        }));
    }
    // A version tag names the version it holds: an old signed release re-tagged as a newer
    // version must not pass for it.
    if let Some(tag) = reference.tag()
        && let Ok(tagged) = semver::Version::parse(tag.trim_start_matches('v'))
        && semver::Version::parse(plugin.info.version.trim_start_matches('v')).ok() != Some(tagged)
    {
        return Err(refused(Refusal::VersionMismatch {
            tag: tag.to_owned(),
            version: plugin.info.version.clone(),
        }));
    }
    let checks = || plugin.info.checks.iter().map(|c| c.id.as_str());
    let signer = if candidates.is_empty() {
        policy
            .admit(None, &plugin.info.name, checks())
            .map_err(|v| refused(v.into()))?;
        None
    } else {
        // The first trusted signer (by name) the policy lets publish this plugin.
        let mut first_violation = None;
        let mut admitted = None;
        for s in candidates {
            match policy.admit(Some(&s.name), &plugin.info.name, checks()) {
                Ok(()) => {
                    admitted = Some(s);
                    break;
                }
                Err(v) => {
                    first_violation.get_or_insert(v);
                }
            }
        }
        match (admitted, first_violation) {
            (Some(s), _) => Some(s),
            (None, Some(v)) => return Err(refused(v.into())),
            (None, None) => return Err(refused(Refusal::Unsigned)),
        }
    };
    Ok(Verified {
        pulled,
        plugin,
        signer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_history::keys::generate;

    fn keyring(names: &[(&str, &VerifyingKey)]) -> Keyring {
        Keyring {
            keys: names
                .iter()
                .map(|(n, k)| (n.to_string(), signature::id_of(k), **k))
                .collect(),
        }
    }

    fn found(envelope: posture_history::dsse::Envelope) -> FoundSignature {
        FoundSignature {
            digest: "sha256:5151".into(),
            envelope: Ok(envelope),
        }
    }

    #[test]
    fn each_reason_is_told_apart() {
        let (acme, other) = (generate().expect("key"), generate().expect("key"));
        let (acme_vk, other_vk) = (acme.verifying_key(), other.verifying_key());
        let ring = keyring(&[("acme", &acme_vk)]);
        let ok = signers(
            &[found(signature::sign("sha256:aa", &acme))],
            &ring,
            "sha256:aa",
        );
        assert_eq!(
            ok.expect("valid")[0],
            Signer {
                name: "acme".into(),
                key_id: signature::id_of(&acme_vk)
            }
        );
        assert_eq!(signers(&[], &ring, "sha256:aa"), Err(Refusal::Unsigned));
        let by_other = signers(
            &[found(signature::sign("sha256:aa", &other))],
            &ring,
            "sha256:aa",
        );
        assert_eq!(
            by_other,
            Err(Refusal::Untrusted {
                key_ids: signature::id_of(&other_vk)
            })
        );
        let elsewhere = signers(
            &[found(signature::sign("sha256:bb", &acme))],
            &ring,
            "sha256:aa",
        );
        assert!(
            matches!(elsewhere, Err(Refusal::OtherDigest { .. })),
            "{elsewhere:?}"
        );
        let mut forged = signature::sign("sha256:aa", &acme);
        forged.signatures[0].sig = signature::sign("sha256:aa", &other).signatures[0]
            .sig
            .clone();
        let bad = signers(&[found(forged)], &ring, "sha256:aa");
        assert!(matches!(bad, Err(Refusal::BadSignature { .. })), "{bad:?}");
        // A valid trusted signature wins over an untrusted one beside it.
        let both = signers(
            &[
                found(signature::sign("sha256:aa", &other)),
                found(signature::sign("sha256:aa", &acme)),
            ],
            &ring,
            "sha256:aa",
        );
        assert_eq!(both.expect("valid").len(), 1);
    }
}
