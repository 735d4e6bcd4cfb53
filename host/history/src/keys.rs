//! Ed25519 signing keys for receipts: generation, PEM files (PKCS#8 private key written with
//! mode 0600, SPKI public key), reading them back, and key ids (sha256 of the public key's
//! DER encoding, hex).

use crate::error::{Error, Result};
use ed25519_dalek::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey,
    spki::der::pem::LineEnding,
};
use std::io::Write;
use std::path::Path;

pub use ed25519_dalek::{SigningKey, VerifyingKey};

/// Makes a new key pair from the operating system's random number generator.
pub fn generate() -> Result<SigningKey> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| Error::Crypto(format!("no randomness: {e}")))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// The key id of a public key: sha256 of its SPKI DER encoding, lowercase hex.
pub fn key_id(key: &VerifyingKey) -> String {
    key.to_public_key_der()
        .map(|der| crate::json::sha256_hex(der.as_bytes()))
        .unwrap_or_default()
}

/// The private key as PKCS#8 PEM.
pub fn private_pem(key: &SigningKey) -> Result<String> {
    key.to_pkcs8_pem(LineEnding::LF)
        .map(|pem| pem.to_string())
        .map_err(|e| Error::Crypto(e.to_string()))
}

/// The public key as SPKI PEM.
pub fn public_pem(key: &VerifyingKey) -> Result<String> {
    key.to_public_key_pem(LineEnding::LF)
        .map_err(|e| Error::Crypto(e.to_string()))
}

/// Generates a key pair and writes it: the private key to `private` (created new, mode 0600;
/// an existing file is never overwritten) and the public key to `public`.
pub fn keygen(private: &Path, public: &Path) -> Result<VerifyingKey> {
    let key = generate()?;
    let io = |path: &Path, action| {
        let path = path.to_path_buf();
        move |source| Error::Io {
            path,
            action,
            source,
        }
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(private)
        .map_err(io(private, "cannot create the private key file"))?;
    file.write_all(private_pem(&key)?.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(io(private, "cannot write the private key"))?;
    let verifying = key.verifying_key();
    std::fs::write(public, public_pem(&verifying)?)
        .map_err(io(public, "cannot write the public key"))?;
    Ok(verifying)
}

/// Reads a PKCS#8 PEM private key.
pub fn read_signing_key(path: &Path) -> Result<SigningKey> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        action: "cannot read the private key",
        source,
    })?;
    SigningKey::from_pkcs8_pem(&text).map_err(|e| Error::Key {
        path: path.to_path_buf(),
        message: format!("not an Ed25519 PKCS#8 PEM private key ({e})"),
    })
}

/// Reads an SPKI PEM public key.
pub fn read_verifying_key(path: &Path) -> Result<VerifyingKey> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        action: "cannot read the public key",
        source,
    })?;
    VerifyingKey::from_public_key_pem(&text).map_err(|e| Error::Key {
        path: path.to_path_buf(),
        message: format!("not an Ed25519 SPKI PEM public key ({e})"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keygen_writes_a_private_key_only_its_owner_reads() {
        let dir = tempfile::tempdir().unwrap();
        let (private, public) = (dir.path().join("k.pem"), dir.path().join("k.pub"));
        let verifying = keygen(&private, &public).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&private).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(read_verifying_key(&public).unwrap(), verifying);
        assert_eq!(
            read_signing_key(&private).unwrap().verifying_key(),
            verifying
        );
        assert_eq!(key_id(&verifying).len(), 64);
        assert!(keygen(&private, &public).is_err(), "never overwrites a key");
        assert!(matches!(read_signing_key(&public), Err(Error::Key { .. })));
    }
}
