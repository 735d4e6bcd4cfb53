//! Plugins from OCI registries. A vendor publishes a component as a CNCF Wasm OCI artifact
//! (`artifact`), signed with an Ed25519 key over its manifest digest (`signature`); an
//! operator adds it, and posture verifies the signature against the trust policy of the
//! configuration, loads it once in the sandbox, and installs and locks it (`verify`,
//! `install`). `registry` is the only module that touches the network; `scan` never does.
//!
//! docs/distribution.md walks a vendor and an operator through it and documents the formats.

pub mod artifact;
pub mod install;
pub mod registry;
pub mod signature;
pub mod verify;

pub use install::{Installed, Published, Target, Update, UpdateOptions, add, publish, update};
pub use registry::{Registry, RegistryError};
pub use verify::{InstallError, Keyring, Refusal, Signer};
