//! Signed receipts: an in-toto Statement v1 about a run (subject: the receipt digest;
//! predicate: test-result v0.1 with the run's passed, warned and failed checks) wrapped in a
//! DSSE envelope signed with Ed25519 over the DSSE pre-authentication encoding. The envelope
//! functions take any payload type too ([`sign_payload`], [`verify_payload`]): plugin
//! signatures in registries (`posture-distribution`) use them.

use crate::json::Json;
use crate::keys::{SigningKey, VerifyingKey, key_id};
use crate::receipt::Receipt;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::{Signature, Signer, Verifier};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

/// The envelope's payload type.
pub const PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
/// The statement's predicate type.
pub const PREDICATE_TYPE: &str = "https://in-toto.io/attestation/test-result/v0.1";

/// A DSSE envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    /// Base64 of the statement's bytes.
    pub payload: String,
    /// [`PAYLOAD_TYPE`].
    #[serde(rename = "payloadType")]
    pub payload_type: String,
    /// The signatures.
    pub signatures: Vec<EnvelopeSignature>,
}

/// One signature of an envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvelopeSignature {
    /// sha256 of the signer's public key DER, hex.
    pub keyid: String,
    /// Base64 of the Ed25519 signature over the PAE.
    pub sig: String,
}

/// Why an envelope does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnvelopeError {
    /// Not a DSSE envelope of the expected payload type.
    #[error("not a DSSE envelope of the expected payload type: {0}")]
    Malformed(String),
    /// No signature by the given key.
    #[error("no signature by key {0}")]
    NoSignature(String),
    /// A signature by the key that does not match the payload.
    #[error("the signature by key {0} does not match the payload")]
    BadSignature(String),
    /// The signed statement is about another receipt.
    #[error("the signed statement names receipt {signed}, the run's receipt is {actual}")]
    OtherSubject {
        /// Digest in the statement.
        signed: String,
        /// The run's receipt digest.
        actual: String,
    },
}

/// The DSSE pre-authentication encoding: `"DSSEv1" SP len(type) SP type SP len(body) SP body`.
pub fn pae(payload_type: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {} {} ",
        payload_type.len(),
        payload_type,
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

fn sha256_of_digest(d: &str) -> &str {
    d.strip_prefix("sha256:").unwrap_or(d)
}

/// The in-toto Statement about a run.
pub(crate) fn statement(receipt: &Receipt, digest: &str, findings: &[Json]) -> serde_json::Value {
    // Per check: failed if any unwaived failure, warned if anything but a pass, else passed.
    let mut by_check: BTreeMap<&str, u8> = BTreeMap::new();
    for f in findings {
        let Some(check) = f.get("check_id").and_then(Json::as_str) else {
            continue;
        };
        let waived = f.get("waiver").is_some_and(|w| *w != Json::Null);
        let level = match f.get("status").and_then(Json::as_str) {
            Some("pass") => 0,
            Some("fail") if !waived => 2,
            _ => 1,
        };
        let entry = by_check.entry(check).or_insert(0);
        *entry = (*entry).max(level);
    }
    let tests = |level: u8| -> BTreeSet<&str> {
        by_check
            .iter()
            .filter(|(_, l)| **l == level)
            .map(|(c, _)| *c)
            .collect()
    };
    let result = match by_check.values().max() {
        Some(2) => "FAILED",
        Some(1) => "WARNED",
        _ => "PASSED",
    };
    let mut configuration = vec![json!({
        "name": "snapshot",
        "digest": {"sha256": receipt.snapshot_sha256},
    })];
    for p in &receipt.plugins {
        configuration.push(json!({
            "name": format!("plugin:{}@{}", p.name, p.version),
            "digest": {"sha256": sha256_of_digest(&p.digest)},
        }));
    }
    if let Some(c) = &receipt.config_sha256 {
        configuration.push(json!({"name": "config", "digest": {"sha256": c}}));
    }
    if let Some(w) = &receipt.waivers_sha256 {
        configuration.push(json!({"name": "waivers", "digest": {"sha256": w}}));
    }
    json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": format!("posture-run/{}", receipt.run), "digest": {"sha256": digest}}],
        "predicateType": PREDICATE_TYPE,
        "predicate": {
            "result": result,
            "configuration": configuration,
            "passedTests": tests(0),
            "warnedTests": tests(1),
            "failedTests": tests(2),
        },
    })
}

/// Signs a statement.
pub fn sign(statement: &serde_json::Value, key: &SigningKey) -> Envelope {
    let body = serde_json_canonicalizer::to_vec(statement).unwrap_or_default();
    sign_payload(PAYLOAD_TYPE, &body, key)
}

/// Signs `body` of `payload_type` (over the pre-authentication encoding, [`pae`]).
pub fn sign_payload(payload_type: &str, body: &[u8], key: &SigningKey) -> Envelope {
    let sig: Signature = key.sign(&pae(payload_type, body));
    Envelope {
        payload: BASE64.encode(body),
        payload_type: payload_type.into(),
        signatures: vec![EnvelopeSignature {
            keyid: key_id(&key.verifying_key()),
            sig: BASE64.encode(sig.to_bytes()),
        }],
    }
}

/// Checks that `envelope` is signed by `key` and returns its statement.
pub fn verify(envelope: &Envelope, key: &VerifyingKey) -> Result<serde_json::Value, EnvelopeError> {
    let body = verify_payload(envelope, PAYLOAD_TYPE, key)?;
    serde_json::from_slice(&body).map_err(|e| EnvelopeError::Malformed(format!("statement: {e}")))
}

/// Checks that `envelope` carries a payload of `payload_type` signed by `key`, and returns the
/// payload's bytes.
///
/// Every signature claiming `key`'s id is tried, and one that verifies is enough: anyone who can
/// edit the envelope can add entries claiming any key id, so an entry that does not verify
/// proves nothing and must not hide one that does. [`EnvelopeError::NoSignature`] when no
/// signature claims the key, [`EnvelopeError::BadSignature`] when some do and none verifies.
pub fn verify_payload(
    envelope: &Envelope,
    payload_type: &str,
    key: &VerifyingKey,
) -> Result<Vec<u8>, EnvelopeError> {
    if envelope.payload_type != payload_type {
        return Err(EnvelopeError::Malformed(format!(
            "payload type `{}`, expected `{payload_type}`",
            envelope.payload_type
        )));
    }
    let body = BASE64
        .decode(&envelope.payload)
        .map_err(|e| EnvelopeError::Malformed(format!("payload: {e}")))?;
    let id = key_id(key);
    let message = pae(payload_type, &body);
    let mut claimed = false;
    for signature in envelope.signatures.iter().filter(|s| s.keyid == id) {
        claimed = true;
        let verifies = BASE64
            .decode(&signature.sig)
            .ok()
            .and_then(|b| Signature::from_slice(&b).ok())
            .is_some_and(|sig| key.verify(&message, &sig).is_ok());
        if verifies {
            return Ok(body);
        }
    }
    Err(if claimed {
        EnvelopeError::BadSignature(id)
    } else {
        EnvelopeError::NoSignature(id)
    })
}

/// Checks `envelope` against `key` and that its statement's subject is `receipt_digest`.
pub(crate) fn verify_for(
    envelope: &Envelope,
    key: &VerifyingKey,
    receipt_digest: &str,
) -> Result<(), EnvelopeError> {
    let statement = verify(envelope, key)?;
    let signed = statement
        .pointer("/subject/0/digest/sha256")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    if signed != receipt_digest {
        return Err(EnvelopeError::OtherSubject {
            signed: signed.to_owned(),
            actual: receipt_digest.to_owned(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_matches_the_dsse_spec_example() {
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
        );
    }

    #[test]
    fn signs_and_rejects_a_wrong_key_or_altered_payload() {
        let key = crate::keys::generate().unwrap();
        let other = crate::keys::generate().unwrap();
        let statement = json!({"subject": [{"digest": {"sha256": "abc"}}]});
        let env = sign(&statement, &key);
        assert_eq!(verify(&env, &key.verifying_key()).unwrap(), statement);
        assert!(verify_for(&env, &key.verifying_key(), "abc").is_ok());
        assert!(matches!(
            verify_for(&env, &key.verifying_key(), "abd"),
            Err(EnvelopeError::OtherSubject { .. })
        ));
        assert!(matches!(
            verify(&env, &other.verifying_key()),
            Err(EnvelopeError::NoSignature(_))
        ));
        let mut forged = env.clone();
        forged.payload = BASE64.encode(br#"{"subject":[{"digest":{"sha256":"abd"}}]}"#);
        assert!(matches!(
            verify(&forged, &key.verifying_key()),
            Err(EnvelopeError::BadSignature(_))
        ));
    }

    #[test]
    fn any_signature_claiming_the_key_that_verifies_is_enough() {
        let key = crate::keys::generate().unwrap();
        let other = crate::keys::generate().unwrap();
        let id = key_id(&key.verifying_key());
        let env = sign_payload("text/plain", b"hello", &key);
        let valid = env.signatures[0].clone();
        // A valid signature, but by another key, over the same payload.
        let by_other = sign_payload("text/plain", b"hello", &other).signatures[0]
            .sig
            .clone();
        let junk = [
            EnvelopeSignature {
                keyid: id.clone(),
                sig: "not base64!".into(),
            },
            EnvelopeSignature {
                keyid: id.clone(),
                sig: BASE64.encode([0u8; 7]),
            },
            EnvelopeSignature {
                keyid: id.clone(),
                sig: BASE64.encode([0u8; 64]),
            },
            EnvelopeSignature {
                keyid: id.clone(),
                sig: by_other,
            },
        ];
        let mut padded = env.clone();
        padded.signatures = junk.to_vec();
        padded.signatures.push(valid.clone());
        padded.signatures.extend(junk.iter().cloned());
        assert_eq!(
            verify_payload(&padded, "text/plain", &key.verifying_key()),
            Ok(b"hello".to_vec())
        );
        let mut only_junk = env.clone();
        only_junk.signatures = junk.to_vec();
        assert_eq!(
            verify_payload(&only_junk, "text/plain", &key.verifying_key()),
            Err(EnvelopeError::BadSignature(id.clone()))
        );
        // Entries claiming other keys are not tried against this one.
        let mut unclaimed = env.clone();
        unclaimed.signatures = vec![EnvelopeSignature {
            keyid: key_id(&other.verifying_key()),
            sig: valid.sig,
        }];
        assert_eq!(
            verify_payload(&unclaimed, "text/plain", &key.verifying_key()),
            Err(EnvelopeError::NoSignature(id))
        );
    }
}
