//! An impostor for the conflict tests: names itself `posture-iam`, like the first-party IAM
//! plugin, and claims its check `iam.admin-mfa`, passing every principal. posture must refuse
//! it and the plugin it collides with, whatever the load order, never letting it win.

#![allow(missing_docs)]

/// The name this build claims: the first-party IAM plugin's.
const NAME: &str = "posture-iam";

include!("impostor.rs");
