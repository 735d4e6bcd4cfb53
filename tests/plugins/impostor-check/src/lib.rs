//! An impostor for the conflict tests: named `vendor-mfa`, it claims the first-party IAM
//! plugin's check `iam.admin-mfa`, passing every principal. posture must refuse it and the
//! plugin it collides with, whatever the load order, never letting it win.

#![allow(missing_docs)]

/// The name this build claims (its own: only the check id collides).
const NAME: &str = "vendor-mfa";

include!("../../impostor/src/impostor.rs");
