//! Guest bindings for C and Go, generated from the compiled-in contract with wit-bindgen's
//! own generators (the libraries behind `wit-bindgen c` and `wit-bindgen go`), so a plugin
//! author needs no wit-bindgen binary and the bindings always match the host's contract.

use super::{BuildError, WIT_FILES, WORLD};
use std::path::{Path, PathBuf};
use wit_bindgen_core::WorldGenerator;
use wit_parser::Resolve;

/// A language wit-bindgen can generate bindings for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guest {
    /// `check_plugin.h`, `check_plugin.c` and `check_plugin_component_type.o`.
    C,
    /// A Go module `wit_component`: `wit_exports.go`, one package per interface, `go.mod`.
    Go,
}

/// The contract, parsed, and its `check-plugin` world.
fn contract() -> Result<(Resolve, wit_parser::WorldId), String> {
    let mut resolve = Resolve::default();
    let mut sources = wit_parser::SourceMap::new();
    for (name, text) in WIT_FILES {
        sources.push(Path::new(name), text);
    }
    let group = sources.parse().map_err(|(_, e)| e.to_string())?;
    let pkg = resolve.push_group(group).map_err(|e| format!("{e:#}"))?;
    let world = resolve
        .select_world(&[pkg], Some(WORLD))
        .map_err(|e| format!("{e:#}"))?;
    Ok((resolve, world))
}

/// Writes the bindings for `guest` into `dir`; returns the files written.
pub fn generate(guest: Guest, dir: &Path) -> Result<Vec<PathBuf>, BuildError> {
    let failed = |message: String| BuildError::Bindings {
        dir: dir.to_path_buf(),
        message,
    };
    let (mut resolve, world) = contract().map_err(failed)?;
    let mut generator: Box<dyn WorldGenerator> = match guest {
        Guest::C => wit_bindgen_c::Opts::default().build(),
        Guest::Go => wit_bindgen_go::Opts {
            // gofmt is not needed to compile, and need not be on PATH.
            format: wit_bindgen_go::Format::False,
            quiet: true,
            ..Default::default()
        }
        .build(),
    };
    let mut files = wit_bindgen_core::Files::default();
    generator
        .generate(&mut resolve, world, &mut files)
        .map_err(|e| failed(format!("{e:#}")))?;
    let mut written = Vec::new();
    for (name, bytes) in files.iter() {
        let path = dir.join(name);
        let io = |source| BuildError::Io {
            path: path.clone(),
            source,
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        std::fs::write(&path, bytes).map_err(io)?;
        written.push(path);
    }
    Ok(written)
}

/// Embeds the contract's component-type section into a core module that does not carry one
/// (Go's toolchain cannot link it in), like `wasm-tools component embed`.
pub fn embed_contract(core: &mut Vec<u8>) -> Result<(), String> {
    let (resolve, world) = contract()?;
    wit_component::embed_component_metadata(
        core,
        &resolve,
        world,
        wit_component::StringEncoding::UTF8,
        false,
    )
    .map_err(|e| format!("{e:#}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_and_go_bindings_are_generated_from_the_compiled_in_contract() {
        let tmp = tempfile::tempdir().expect("tmp");
        let c = generate(Guest::C, &tmp.path().join("c")).expect("C bindings");
        let names: Vec<_> = c
            .iter()
            .filter_map(|p| p.file_name()?.to_str().map(str::to_string))
            .collect();
        assert!(names.contains(&"check_plugin.h".to_string()), "{names:?}");
        let header = std::fs::read_to_string(tmp.path().join("c/check_plugin.h")).expect("h");
        assert!(header.contains("exports_posture_plugin_plugin_evaluate"));
        generate(Guest::Go, &tmp.path().join("go")).expect("Go bindings");
        let exports = std::fs::read_to_string(tmp.path().join("go/wit_exports.go")).expect("go");
        assert!(exports.contains("export_posture_plugin_plugin.Evaluate"));
    }
}
