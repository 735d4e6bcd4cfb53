//! posture-author: the tools of plugin authors, kept out of the scanner library so that a
//! scan never compiles wit-bindgen's generators.
//!
//! - [`build`]: building a plugin into a component, in Rust, Python, JavaScript, C or Go.
//! - [`scaffold`]: `posture plugin new`, a new plugin from the templates in `templates/`.
//! - [`testkit`]: declarative plugin test cases (`posture test`), for any plugin language.

pub mod build;
pub mod scaffold;
pub mod testkit;
