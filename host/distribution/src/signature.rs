//! Plugin signatures: an Ed25519 signature (the keys of `posture keygen`) over the plugin's
//! manifest digest, in a DSSE envelope, stored in the registry as an OCI 1.1 referrer of the
//! plugin's manifest and under the tag `sha256-<hex>.sig` for registries without the referrers
//! API. docs/distribution.md describes the format so that anyone can verify without posture.
//!
//! The signature manifest: an OCI image manifest with `artifactType`
//! [`SIGNATURE_ARTIFACT_TYPE`], the empty config, `subject` = the plugin's manifest, and one
//! layer [`ENVELOPE_MEDIA_TYPE`]: the DSSE envelope whose payload ([`PAYLOAD_TYPE`]) is the
//! canonical JSON `{"manifest-digest":"sha256:…"}`.

use oci_client::manifest::{OCI_IMAGE_MEDIA_TYPE, OciDescriptor, OciImageManifest};
use posture_history::dsse::{self, Envelope, EnvelopeError};
use posture_history::keys::{SigningKey, VerifyingKey, key_id};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `artifactType` of signature manifests.
pub const SIGNATURE_ARTIFACT_TYPE: &str = "application/vnd.dev.posture.plugin.signature.v1+json";
/// Media type of the layer holding the DSSE envelope.
pub const ENVELOPE_MEDIA_TYPE: &str = "application/vnd.dsse.envelope.v1+json";
/// The DSSE payload type of a plugin signature.
pub const PAYLOAD_TYPE: &str = "application/vnd.dev.posture.plugin.signature.v1+json";
/// Media type of the empty config (OCI 1.1).
pub const EMPTY_MEDIA_TYPE: &str = "application/vnd.oci.empty.v1+json";
/// The empty config's bytes.
pub const EMPTY_CONFIG: &[u8] = b"{}";
/// Annotation naming the signing key's id on the signature manifest.
pub const KEY_ID_ANNOTATION: &str = "dev.posture.signature.key-id";
/// Largest envelope read (a signature is < 1 KiB).
pub const MAX_ENVELOPE_BYTES: i64 = 64 << 10;

/// What is signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payload {
    /// The digest of the plugin's manifest (`sha256:…`).
    #[serde(rename = "manifest-digest")]
    pub manifest_digest: String,
}

/// The tag under which the signature of `manifest_digest` is found on registries without the
/// referrers API: `sha256-<hex>.sig`.
pub fn fallback_tag(manifest_digest: &str) -> String {
    format!("{}.sig", manifest_digest.replacen(':', "-", 1))
}

/// Signs the plugin manifest `manifest_digest` with `key`.
pub fn sign(manifest_digest: &str, key: &SigningKey) -> Envelope {
    let payload = Payload {
        manifest_digest: manifest_digest.to_owned(),
    };
    let body = serde_json_canonicalizer::to_vec(&payload).unwrap_or_default();
    dsse::sign_payload(PAYLOAD_TYPE, &body, key)
}

/// A signature manifest ready to push: its bytes and the envelope blob it refers to.
#[derive(Debug, Clone)]
pub struct SignatureArtifact {
    /// The manifest's bytes.
    pub manifest: Vec<u8>,
    /// The envelope's bytes (the one layer).
    pub envelope: Vec<u8>,
}

impl SignatureArtifact {
    /// The signature manifest of `envelope`, about the manifest `subject`.
    pub fn new(subject: OciDescriptor, envelope: &Envelope) -> SignatureArtifact {
        let envelope_bytes = serde_json::to_vec(envelope).unwrap_or_default();
        let key_ids: Vec<&str> = envelope
            .signatures
            .iter()
            .map(|s| s.keyid.as_str())
            .collect();
        let manifest = OciImageManifest {
            schema_version: 2,
            media_type: Some(OCI_IMAGE_MEDIA_TYPE.into()),
            artifact_type: Some(SIGNATURE_ARTIFACT_TYPE.into()),
            config: OciDescriptor {
                media_type: EMPTY_MEDIA_TYPE.into(),
                digest: crate::artifact::digest_of(EMPTY_CONFIG),
                size: EMPTY_CONFIG.len() as i64,
                ..Default::default()
            },
            layers: vec![OciDescriptor {
                media_type: ENVELOPE_MEDIA_TYPE.into(),
                digest: crate::artifact::digest_of(&envelope_bytes),
                size: envelope_bytes.len() as i64,
                ..Default::default()
            }],
            subject: Some(subject),
            annotations: Some(BTreeMap::from([(
                KEY_ID_ANNOTATION.to_owned(),
                key_ids.join(","),
            )])),
        };
        SignatureArtifact {
            manifest: serde_json::to_vec(&manifest).unwrap_or_default(),
            envelope: envelope_bytes,
        }
    }
}

/// What one signature says about a manifest, checked against one trusted key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// A valid signature by the key over this manifest.
    Valid,
    /// The envelope holds no signature by the key.
    NotByKey,
    /// The key's signature does not verify (altered payload or forged signature).
    Invalid(String),
    /// A valid signature by the key, over another manifest.
    OtherDigest(String),
}

/// Checks `envelope` against `key` for the manifest `manifest_digest`.
pub fn check(envelope: &Envelope, key: &VerifyingKey, manifest_digest: &str) -> Check {
    match dsse::verify_payload(envelope, PAYLOAD_TYPE, key) {
        Ok(body) => match serde_json::from_slice::<Payload>(&body) {
            Ok(p) if p.manifest_digest == manifest_digest => Check::Valid,
            Ok(p) => Check::OtherDigest(p.manifest_digest),
            Err(e) => Check::Invalid(format!("payload: {e}")),
        },
        Err(EnvelopeError::NoSignature(_)) => Check::NotByKey,
        Err(e) => Check::Invalid(e.to_string()),
    }
}

/// The key ids an envelope claims to be signed by.
pub fn key_ids(envelope: &Envelope) -> Vec<String> {
    envelope
        .signatures
        .iter()
        .map(|s| s.keyid.clone())
        .collect()
}

/// The key id of `key` (sha256 of its SPKI DER, hex), as in envelopes and the lock file.
pub fn id_of(key: &VerifyingKey) -> String {
    key_id(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_holds_for_its_manifest_and_key_only() {
        let key = posture_history::keys::generate().expect("key");
        let other = posture_history::keys::generate().expect("key");
        let env = sign("sha256:aa", &key);
        let vk = key.verifying_key();
        assert_eq!(check(&env, &vk, "sha256:aa"), Check::Valid);
        assert_eq!(
            check(&env, &vk, "sha256:bb"),
            Check::OtherDigest("sha256:aa".into())
        );
        assert_eq!(
            check(&env, &other.verifying_key(), "sha256:aa"),
            Check::NotByKey
        );
        let mut forged = env.clone();
        forged.payload = sign("sha256:bb", &other).payload;
        assert!(matches!(
            check(&forged, &vk, "sha256:bb"),
            Check::Invalid(_)
        ));
        assert_eq!(key_ids(&env), vec![id_of(&vk)]);
    }

    #[test]
    fn the_signature_manifest_refers_to_its_subject() {
        let key = posture_history::keys::generate().expect("key");
        let subject = OciDescriptor {
            media_type: OCI_IMAGE_MEDIA_TYPE.into(),
            digest: "sha256:aa".into(),
            size: 10,
            ..Default::default()
        };
        let art = SignatureArtifact::new(subject, &sign("sha256:aa", &key));
        let json: serde_json::Value = serde_json::from_slice(&art.manifest).expect("json");
        assert_eq!(json["artifactType"], SIGNATURE_ARTIFACT_TYPE);
        assert_eq!(json["subject"]["digest"], "sha256:aa");
        assert_eq!(json["config"]["mediaType"], EMPTY_MEDIA_TYPE);
        assert_eq!(
            json["config"]["digest"],
            "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        );
        let envelope: Envelope = serde_json::from_slice(&art.envelope).expect("envelope");
        assert_eq!(envelope.payload_type, PAYLOAD_TYPE);
        assert_eq!(fallback_tag("sha256:aa"), "sha256-aa.sig");
    }
}
