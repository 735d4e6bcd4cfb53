//! Talking to OCI registries (through `oci-client`): pushing and pulling plugin artifacts and
//! their signatures, listing tags. Every byte pulled is checked against the digest it was
//! asked for, so a registry serving other bytes than it names is an error, never an input.
//!
//! Loopback registries (`localhost`, `127.0.0.0/8`, `[::1]`) are spoken to over plain HTTP,
//! as Docker does; any other over HTTPS. Credentials, when a registry needs them, come from
//! `POSTURE_REGISTRY_USERNAME` and `POSTURE_REGISTRY_PASSWORD` and are sent only to the
//! registry named by `POSTURE_REGISTRY_HOST`.
//!
//! What a registry can make posture spend is bounded before any signature is checked: blobs
//! are read up to their declared size, which is capped per kind (config and signature 64 KiB,
//! component 64 MiB); tag listings stop at 100 000 tags or when a page does not advance; every
//! operation has a deadline of [`DEADLINE`].

use crate::artifact::{self, Artifact, LayoutError};
use crate::signature::{self, SignatureArtifact};
use oci_client::client::{ClientConfig, ClientProtocol};
use oci_client::errors::{DigestError, OciDistributionError, OciErrorCode};
use oci_client::manifest::{OCI_IMAGE_MEDIA_TYPE, OciDescriptor, OciImageManifest};
use oci_client::secrets::RegistryAuth;
use oci_client::{Client, Reference};
use posture_history::dsse::Envelope;

/// Why a registry operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// Not a valid OCI reference.
    #[error(
        "`{reference}` is not a registry reference ({message}); expected REGISTRY/REPOSITORY:TAG or REGISTRY/REPOSITORY@sha256:…"
    )]
    Reference {
        /// What was given.
        reference: String,
        /// The parser's message.
        message: String,
    },
    /// The registry answered with an error, or could not be reached.
    #[error("{reference}: {message}")]
    Protocol {
        /// The reference.
        reference: String,
        /// What went wrong.
        message: String,
    },
    /// Nothing under that reference.
    #[error("{reference}: not found in the registry")]
    NotFound {
        /// The reference.
        reference: String,
    },
    /// The registry served bytes whose digest is not the one it names.
    #[error(
        "{reference}: the registry served bytes for {what} {expected} whose digest is {actual}; refused"
    )]
    Tampered {
        /// The reference.
        reference: String,
        /// `manifest`, `component layer`, …
        what: &'static str,
        /// The digest asked for.
        expected: String,
        /// The digest of what was served.
        actual: String,
    },
    /// The manifest is not a plugin artifact.
    #[error("{reference} ({digest}): {error}")]
    Layout {
        /// The reference.
        reference: String,
        /// The manifest digest.
        digest: String,
        /// What is wrong with it.
        error: LayoutError,
    },
    /// No async runtime.
    #[error("cannot start the network runtime: {0}")]
    Runtime(std::io::Error),
}

type Result<T> = std::result::Result<T, RegistryError>;

/// A plugin artifact pulled and checked against its digests.
#[derive(Debug, Clone)]
pub struct Pulled {
    /// The reference pulled.
    pub reference: Reference,
    /// Its manifest.
    pub manifest: OciImageManifest,
    /// `sha256:…` of the manifest's bytes.
    pub manifest_digest: String,
    /// The manifest's size in bytes.
    pub manifest_size: usize,
    /// The component's bytes (their digest is the layer's).
    pub component: Vec<u8>,
}

/// A signature found for a manifest.
#[derive(Debug, Clone)]
pub struct FoundSignature {
    /// The signature manifest's digest.
    pub digest: String,
    /// The envelope, or why it could not be read.
    pub envelope: std::result::Result<Envelope, String>,
}

/// How long one registry operation (a pull with its blobs, a push, a tag listing) may take.
pub const DEADLINE: std::time::Duration = std::time::Duration::from_secs(300);
/// Largest config blob read.
pub const MAX_CONFIG_BYTES: i64 = 64 << 10;
/// Most tags read from one repository.
pub const MAX_TAGS: usize = 100_000;

/// A blocking registry client.
pub struct Registry {
    runtime: tokio::runtime::Runtime,
    /// Credentials and the one registry they are for.
    credentials: Option<(String, RegistryAuth)>,
}

/// Parses `reference` (`registry/repository:tag` or `…@sha256:…`).
pub fn parse_reference(reference: &str) -> Result<Reference> {
    reference
        .parse::<Reference>()
        .map_err(|e| RegistryError::Reference {
            reference: reference.to_owned(),
            message: e.to_string(),
        })
}

/// `registry/repository` of a reference.
pub fn repository_of(reference: &Reference) -> String {
    format!("{}/{}", reference.registry(), reference.repository())
}

fn is_loopback(registry: &str) -> bool {
    let host = match registry.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => registry,
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl Registry {
    /// A client with the credentials of the environment, if any.
    pub fn new() -> Result<Registry> {
        // reqwest's TLS needs a process-wide provider; a second install is a no-op error.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(RegistryError::Runtime)?;
        let credentials = match (
            std::env::var("POSTURE_REGISTRY_USERNAME"),
            std::env::var("POSTURE_REGISTRY_PASSWORD"),
            std::env::var("POSTURE_REGISTRY_HOST"),
        ) {
            (Ok(user), Ok(password), Ok(host)) => Some((host, RegistryAuth::Basic(user, password))),
            (Ok(_), Ok(_), Err(_)) => {
                tracing::warn!(
                    "POSTURE_REGISTRY_USERNAME and _PASSWORD are ignored: set POSTURE_REGISTRY_HOST to the registry they are for"
                );
                None
            }
            _ => None,
        };
        Ok(Registry {
            runtime,
            credentials,
        })
    }

    /// The credentials for `reference`'s registry: those of the environment only when they
    /// name this registry, never another's.
    fn auth(&self, reference: &Reference) -> RegistryAuth {
        match &self.credentials {
            Some((host, auth)) if host == reference.resolve_registry() => auth.clone(),
            _ => RegistryAuth::Anonymous,
        }
    }

    /// Runs `work` within [`DEADLINE`].
    fn run<T>(&self, what: &str, work: impl std::future::Future<Output = Result<T>>) -> Result<T> {
        self.runtime
            .block_on(async { tokio::time::timeout(DEADLINE, work).await })
            .unwrap_or_else(|_| {
                Err(RegistryError::Protocol {
                    reference: what.to_owned(),
                    message: format!("no answer within {} s", DEADLINE.as_secs()),
                })
            })
    }

    fn client(&self, reference: &Reference) -> Client {
        let registry = reference.resolve_registry().to_owned();
        let protocol = if is_loopback(&registry) {
            ClientProtocol::HttpsExcept(vec![registry])
        } else {
            ClientProtocol::Https
        };
        Client::new(ClientConfig {
            protocol,
            connect_timeout: Some(std::time::Duration::from_secs(10)),
            read_timeout: Some(std::time::Duration::from_secs(60)),
            ..Default::default()
        })
    }

    fn protocol(reference: &Reference, e: OciDistributionError) -> RegistryError {
        let whole = reference.whole();
        let not_found = match &e {
            OciDistributionError::ImageManifestNotFoundError(_) => true,
            OciDistributionError::RegistryError { envelope, .. } => {
                envelope.errors.iter().any(|e| {
                    matches!(
                        e.code,
                        OciErrorCode::ManifestUnknown
                            | OciErrorCode::NameUnknown
                            | OciErrorCode::BlobUnknown
                    )
                })
            }
            OciDistributionError::ServerError { code, .. } => *code == 404,
            _ => false,
        };
        if not_found {
            return RegistryError::NotFound { reference: whole };
        }
        if let OciDistributionError::DigestError(DigestError::VerificationError {
            expected,
            actual,
        }) = &e
        {
            return RegistryError::Tampered {
                reference: whole,
                what: "manifest",
                expected: expected.clone(),
                actual: actual.clone(),
            };
        }
        RegistryError::Protocol {
            reference: whole,
            message: e.to_string(),
        }
    }

    /// Pushes `blobs`, then `manifest` (an OCI image manifest referring to them) under
    /// `reference`; returns the manifest's digest.
    fn push(&self, reference: &Reference, blobs: &[&[u8]], manifest: &[u8]) -> Result<String> {
        let client = self.client(reference);
        let err = |e| Self::protocol(reference, e);
        let media_type = OCI_IMAGE_MEDIA_TYPE
            .parse()
            .map_err(|_| RegistryError::Protocol {
                reference: reference.whole(),
                message: "media type".into(),
            })?;
        self.run(&reference.whole(), async {
            client
                .store_auth_if_needed(reference.resolve_registry(), &self.auth(reference))
                .await;
            for blob in blobs {
                client
                    .push_blob(reference, blob.to_vec(), &artifact::digest_of(blob))
                    .await
                    .map_err(err)?;
            }
            client
                .push_manifest_raw(reference, manifest.to_vec(), media_type)
                .await
                .map_err(err)?;
            Ok(artifact::digest_of(manifest))
        })
    }

    /// Pushes `artifact` under `reference` (a tag); returns the manifest digest.
    pub fn push_artifact(&self, reference: &Reference, artifact: &Artifact) -> Result<String> {
        self.push(
            reference,
            &[&artifact.config, &artifact.component],
            &artifact.manifest,
        )
    }

    /// Pushes a signature of the manifest `subject` into the repository of `reference`, under
    /// the tag `sha256-<hex>.sig` (registries with the referrers API also list it as a
    /// referrer of `subject`). Returns the signature manifest's digest.
    pub fn push_signature(
        &self,
        reference: &Reference,
        subject: OciDescriptor,
        envelope: &Envelope,
    ) -> Result<String> {
        let target = Reference::with_tag(
            reference.registry().to_owned(),
            reference.repository().to_owned(),
            signature::fallback_tag(&subject.digest),
        );
        let art = SignatureArtifact::new(subject, envelope);
        self.push(
            &target,
            &[signature::EMPTY_CONFIG, &art.envelope],
            &art.manifest,
        )
    }

    async fn manifest(client: &Client, reference: &Reference) -> Result<(Vec<u8>, String)> {
        let (bytes, _) = client
            .pull_manifest_raw(reference, &RegistryAuth::Anonymous, &[OCI_IMAGE_MEDIA_TYPE])
            .await
            .map_err(|e| Self::protocol(reference, e))?;
        // oci-client compares the bytes with the digest asked for and the registry's header;
        // the digest is recomputed here so that it is always the bytes' own.
        let digest = artifact::digest_of(&bytes);
        if let Some(asked) = reference.digest()
            && asked != digest
        {
            return Err(RegistryError::Tampered {
                reference: reference.whole(),
                what: "manifest",
                expected: asked.to_owned(),
                actual: digest,
            });
        }
        Ok((bytes.to_vec(), digest))
    }

    /// The blob `layer`, read up to its declared size, which must be at most `max`; its
    /// bytes must hash to its digest.
    async fn blob(
        client: &Client,
        reference: &Reference,
        layer: &OciDescriptor,
        what: &'static str,
        max: i64,
    ) -> Result<Vec<u8>> {
        use futures_util::StreamExt;
        let declared = layer.size;
        if !(0..=max).contains(&declared) {
            return Err(RegistryError::Protocol {
                reference: reference.whole(),
                message: format!(
                    "the manifest declares a {what} of {declared} bytes; at most {max} are accepted"
                ),
            });
        }
        let mut stream = client
            .pull_blob_stream(reference, layer)
            .await
            .map_err(|e| Self::protocol(reference, e))?;
        let mut out = Vec::with_capacity(usize::try_from(declared).unwrap_or(0));
        while let Some(chunk) = stream.next().await {
            // A digest mismatch found by oci-client at the end of the stream is reported
            // below with both digests; any other read error as it is.
            let Ok(chunk) = chunk else { break };
            if out.len() + chunk.len() > declared as usize {
                return Err(RegistryError::Tampered {
                    reference: reference.whole(),
                    what,
                    expected: format!("{} ({declared} bytes)", layer.digest),
                    actual: format!("unknown (more than {declared} bytes served)"),
                });
            }
            out.extend_from_slice(&chunk);
        }
        let actual = artifact::digest_of(&out);
        if actual != layer.digest || out.len() as i64 != declared {
            return Err(RegistryError::Tampered {
                reference: reference.whole(),
                what,
                expected: layer.digest.clone(),
                actual: if out.len() as i64 == declared {
                    actual
                } else {
                    format!("{actual} ({} of {declared} bytes)", out.len())
                },
            });
        }
        Ok(out)
    }

    /// The digest of the manifest `reference` names now, if any.
    pub fn existing(&self, reference: &Reference) -> Result<Option<String>> {
        let client = self.client(reference);
        let auth = self.auth(reference);
        self.run(&reference.whole(), async {
            client
                .store_auth_if_needed(reference.resolve_registry(), &auth)
                .await;
            match Self::manifest(&client, reference).await {
                Ok((_, digest)) => Ok(Some(digest)),
                Err(RegistryError::NotFound { .. }) => Ok(None),
                Err(e) => Err(e),
            }
        })
    }

    /// Pulls the plugin artifact at `reference`, checking its layout and every digest.
    pub fn pull(&self, reference: &Reference) -> Result<Pulled> {
        let client = self.client(reference);
        self.run(&reference.whole(), async {
            client
                .store_auth_if_needed(reference.resolve_registry(), &self.auth(reference))
                .await;
            let (bytes, manifest_digest) = Self::manifest(&client, reference).await?;
            let (manifest, layer) =
                artifact::parse(&bytes).map_err(|error| RegistryError::Layout {
                    reference: reference.whole(),
                    digest: manifest_digest.clone(),
                    error,
                })?;
            let config = Self::blob(
                &client,
                reference,
                &manifest.config,
                "config",
                MAX_CONFIG_BYTES,
            )
            .await?;
            let config: artifact::WasmConfig =
                serde_json::from_slice(&config).map_err(|e| RegistryError::Layout {
                    reference: reference.whole(),
                    digest: manifest_digest.clone(),
                    error: LayoutError::NotAManifest(format!("config: {e}")),
                })?;
            if config.layer_digests != [layer.digest.clone()] {
                return Err(RegistryError::Layout {
                    reference: reference.whole(),
                    digest: manifest_digest,
                    error: LayoutError::Layers(format!(
                        "a config naming layers {:?}",
                        config.layer_digests
                    )),
                });
            }
            let component = Self::blob(
                &client,
                reference,
                &layer,
                "component layer",
                artifact::MAX_COMPONENT_BYTES,
            )
            .await?;
            Ok(Pulled {
                reference: reference.clone(),
                manifest,
                manifest_size: bytes.len(),
                manifest_digest,
                component,
            })
        })
    }

    /// The signatures of the manifest `manifest_digest` in the repository of `reference`:
    /// its referrers of the signature artifact type (the referrers API, or the OCI tag
    /// schema) and the manifest under the `sha256-<hex>.sig` tag, each once.
    pub fn signatures(
        &self,
        reference: &Reference,
        manifest_digest: &str,
    ) -> Result<Vec<FoundSignature>> {
        let subject = Reference::with_digest(
            reference.registry().to_owned(),
            reference.repository().to_owned(),
            manifest_digest.to_owned(),
        );
        let client = self.client(reference);
        self.run(&reference.whole(), async {
            client
                .store_auth_if_needed(reference.resolve_registry(), &self.auth(reference))
                .await;
            let mut digests = Vec::new();
            match client
                .pull_referrers(&subject, Some(signature::SIGNATURE_ARTIFACT_TYPE))
                .await
            {
                Ok(index) => digests.extend(index.manifests.into_iter().map(|m| m.digest)),
                Err(e) => tracing::debug!("no referrers list for {}: {e}", subject.whole()),
            }
            let tagged = Reference::with_tag(
                reference.registry().to_owned(),
                reference.repository().to_owned(),
                signature::fallback_tag(manifest_digest),
            );
            match Self::manifest(&client, &tagged).await {
                Ok((_, digest)) => digests.push(digest),
                Err(RegistryError::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
            digests.sort();
            digests.dedup();
            let mut found = Vec::new();
            for digest in digests {
                let at = subject.clone_with_digest(digest.clone());
                let (bytes, _) = Self::manifest(&client, &at).await?;
                let envelope = match serde_json::from_slice::<OciImageManifest>(&bytes) {
                    Err(e) => Err(format!("not an OCI manifest: {e}")),
                    Ok(m)
                        if m.artifact_type.as_deref()
                            != Some(signature::SIGNATURE_ARTIFACT_TYPE) =>
                    {
                        continue;
                    }
                    Ok(m)
                        if m.subject.as_ref().map(|s| s.digest.as_str())
                            != Some(manifest_digest) =>
                    {
                        Err(format!(
                            "its subject is {}, not this manifest",
                            m.subject
                                .map(|s| s.digest)
                                .unwrap_or_else(|| "absent".into())
                        ))
                    }
                    Ok(m) => match m.layers.as_slice() {
                        [layer]
                            if layer.media_type == signature::ENVELOPE_MEDIA_TYPE
                                && layer.size <= signature::MAX_ENVELOPE_BYTES =>
                        {
                            let bytes = Self::blob(
                                &client,
                                &at,
                                layer,
                                "signature envelope",
                                signature::MAX_ENVELOPE_BYTES,
                            )
                            .await?;
                            serde_json::from_slice::<Envelope>(&bytes)
                                .map_err(|e| format!("not a DSSE envelope: {e}"))
                        }
                        _ => Err(format!(
                            "expected one `{}` layer of at most {} bytes",
                            signature::ENVELOPE_MEDIA_TYPE,
                            signature::MAX_ENVELOPE_BYTES
                        )),
                    },
                };
                found.push(FoundSignature { digest, envelope });
            }
            Ok(found)
        })
    }

    /// Every tag of the repository of `reference` (at most [`MAX_TAGS`]), page by page until
    /// a page is empty or does not advance.
    pub fn tags(&self, reference: &Reference) -> Result<Vec<String>> {
        let client = self.client(reference);
        let repository = repository_of(reference);
        let auth = self.auth(reference);
        self.run(&repository, async {
            let mut tags: Vec<String> = Vec::new();
            let mut seen = std::collections::HashSet::new();
            let mut last: Option<String> = None;
            loop {
                let page = client
                    .list_tags(reference, &auth, Some(1000), last.as_deref())
                    .await
                    .map_err(|e| match Self::protocol(reference, e) {
                        RegistryError::Protocol { message, .. } => RegistryError::Protocol {
                            reference: repository.clone(),
                            message,
                        },
                        _ => RegistryError::NotFound {
                            reference: repository.clone(),
                        },
                    })?;
                last = page.tags.last().cloned();
                let before = tags.len();
                for tag in page.tags {
                    if seen.insert(tag.clone()) {
                        tags.push(tag);
                    }
                }
                if tags.len() == before {
                    return Ok(tags);
                }
                if tags.len() > MAX_TAGS {
                    return Err(RegistryError::Protocol {
                        reference: repository.clone(),
                        message: format!("more than {MAX_TAGS} tags"),
                    });
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_registries_are_plain_http() {
        for r in [
            "localhost:5000",
            "127.0.0.1:41234",
            "[::1]:5000",
            "localhost",
        ] {
            assert!(is_loopback(r), "{r}");
        }
        for r in ["ghcr.io", "registry.example:5000", "10.0.0.1:5000"] {
            assert!(!is_loopback(r), "{r}");
        }
    }

    #[test]
    fn references_parse_or_say_what_is_expected() {
        let r = parse_reference("127.0.0.1:5000/acme/vendor:1.0.0").expect("parses");
        assert_eq!(repository_of(&r), "127.0.0.1:5000/acme/vendor");
        assert_eq!(r.tag(), Some("1.0.0"));
        let e = parse_reference("Not A Reference").expect_err("invalid");
        assert!(e.to_string().contains("REGISTRY/REPOSITORY:TAG"), "{e}");
    }

    #[test]
    fn credentials_go_only_to_their_registry() {
        let registry = Registry {
            runtime: tokio::runtime::Builder::new_current_thread()
                .build()
                .expect("runtime"),
            credentials: Some((
                "127.0.0.1:5000".into(),
                RegistryAuth::Basic("u".into(), "p".into()),
            )),
        };
        let auth = |r: &str| registry.auth(&parse_reference(r).expect("parses"));
        assert!(
            matches!(auth("127.0.0.1:5000/a/b:1"), RegistryAuth::Basic(u, p) if u == "u" && p == "p"),
            "their registry gets them"
        );
        for other in ["ghcr.io/a/b:1", "127.0.0.1:5001/a/b:1", "127.0.0.1/a/b:1"] {
            assert!(
                matches!(auth(other), RegistryAuth::Anonymous),
                "{other} gets none"
            );
        }
        let anonymous = Registry {
            credentials: None,
            ..registry
        };
        assert!(matches!(
            anonymous.auth(&parse_reference("127.0.0.1:5000/a/b:1").expect("parses")),
            RegistryAuth::Anonymous
        ));
    }
}
