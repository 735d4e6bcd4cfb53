//! `posture plugin new --lang rust|python|js|c|go NAME`: a new, buildable plugin with one check, one
//! test, and one declarative case for `posture test`. The templates are in `host/templates/`
//! (compiled in); placeholders are `{{name}}`, `{{domain}}`, `{{vendor}}`, `{{sdk}}` and
//! `{{contract}}` (the contract version this host speaks).

use std::path::{Path, PathBuf};

/// Languages `plugin new` can scaffold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    /// Rust, with the posture SDK (native unit tests with `cargo test`).
    Rust,
    /// Python, built with componentize-py.
    Python,
    /// JavaScript, built with componentize-js.
    #[value(name = "js", alias = "javascript")]
    Js,
    /// C, with bindings generated from the contract and clang for wasm32-wasi.
    C,
    /// Go, with bindings generated from the contract and Go's wasip1 port.
    Go,
}

/// Why a plugin could not be created.
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    /// The name is not kebab-case.
    #[error(
        "plugin name `{0}` must be lowercase letters, digits and dashes, starting with a letter"
    )]
    BadName(String),
    /// The target directory exists and is not empty.
    #[error("{0} already exists and is not empty")]
    Exists(PathBuf),
    /// The Rust SDK could not be found.
    #[error(
        "cannot find the posture SDK at {0}; pass --sdk PATH (the `sdk/` folder of a posture checkout)"
    )]
    NoSdk(PathBuf),
    /// Writing failed.
    #[error("{path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

const CASE: &str = include_str!("../templates/cases/admin-mfa.json");

fn files(lang: Lang) -> Vec<(&'static str, &'static str)> {
    let mut v = match lang {
        Lang::Rust => vec![
            ("Cargo.toml", include_str!("../templates/rust/Cargo.toml")),
            ("src/lib.rs", include_str!("../templates/rust/src/lib.rs")),
        ],
        Lang::Python => vec![
            (
                "posture-plugin.toml",
                include_str!("../templates/python/posture-plugin.toml"),
            ),
            ("app.py", include_str!("../templates/python/app.py")),
        ],
        Lang::Js => vec![
            (
                "posture-plugin.toml",
                include_str!("../templates/javascript/posture-plugin.toml"),
            ),
            ("app.js", include_str!("../templates/javascript/app.js")),
        ],
        Lang::C => vec![
            (
                "posture-plugin.toml",
                include_str!("../templates/c/posture-plugin.toml"),
            ),
            ("plugin.c", include_str!("../templates/c/plugin.c")),
        ],
        Lang::Go => vec![
            (
                "posture-plugin.toml",
                include_str!("../templates/go/posture-plugin.toml"),
            ),
            ("plugin.go", include_str!("../templates/go/plugin.go")),
        ],
    };
    v.push(("cases/admin-mfa.json", CASE));
    v
}

fn valid_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.ends_with('-')
}

/// The SDK of the checkout this binary was built from, if it is still there.
pub fn default_sdk() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sdk")
}

/// Creates plugin `name` in `dir`; returns the files written.
pub fn new_plugin(
    lang: Lang,
    name: &str,
    dir: &Path,
    sdk: Option<&Path>,
) -> Result<Vec<PathBuf>, ScaffoldError> {
    if !valid_name(name) {
        return Err(ScaffoldError::BadName(name.to_string()));
    }
    if dir.read_dir().is_ok_and(|mut d| d.next().is_some()) {
        return Err(ScaffoldError::Exists(dir.to_path_buf()));
    }
    let sdk = match lang {
        Lang::Rust => {
            let sdk = sdk.map(Path::to_path_buf).unwrap_or_else(default_sdk);
            let canonical = sdk
                .join("Cargo.toml")
                .canonicalize()
                .map_err(|_| ScaffoldError::NoSdk(sdk.clone()))?;
            canonical
                .parent()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        }
        Lang::Python | Lang::Js | Lang::C | Lang::Go => String::new(),
    };
    let mut written = Vec::new();
    for (rel, template) in files(lang) {
        let text = template
            .replace("{{name}}", name)
            .replace("{{domain}}", "custom")
            .replace("{{vendor}}", "my team")
            .replace("{{sdk}}", &sdk)
            .replace("{{contract}}", posture::contract::CONTRACT_VERSION);
        let path = dir.join(rel);
        let io = |source| ScaffoldError::Io {
            path: path.clone(),
            source,
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        std::fs::write(&path, text).map_err(io)?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_kebab_case() {
        assert!(valid_name("acme-checks2"));
        for bad in ["", "Acme", "1abc", "a_b", "a-", "a b", "../x"] {
            assert!(!valid_name(bad), "{bad}");
        }
    }

    #[test]
    fn templates_are_filled_and_an_existing_directory_is_refused() {
        let tmp = tempfile::tempdir().expect("tmp");
        let dir = tmp.path().join("p");
        let files = new_plugin(Lang::Python, "my-checks", &dir, None).expect("created");
        assert_eq!(files.len(), 3);
        for f in &files {
            let text = std::fs::read_to_string(f).expect("read");
            assert!(
                !text.contains("{{"),
                "{}: unfilled placeholder",
                f.display()
            );
        }
        assert!(matches!(
            new_plugin(Lang::Python, "my-checks", &dir, None),
            Err(ScaffoldError::Exists(_))
        ));
        let rust = tmp.path().join("r");
        new_plugin(Lang::Rust, "my-rust", &rust, None).expect("created");
        let manifest = std::fs::read_to_string(rust.join("Cargo.toml")).expect("read");
        assert!(
            manifest.contains("posture-sdk = { path = \"/"),
            "{manifest}"
        );
        assert!(matches!(
            new_plugin(
                Lang::Rust,
                "x",
                &tmp.path().join("x"),
                Some(Path::new("/nonexistent"))
            ),
            Err(ScaffoldError::NoSdk(_))
        ));
    }
}
