//! Reads the contract version from `wit/world.wit` (`package posture:plugin@X.Y.Z;`) so that
//! the host writes it nowhere else: `posture::contract::CONTRACT_VERSION` is this value.

use std::path::Path;

fn main() {
    let wit = Path::new("../wit/world.wit");
    println!("cargo:rerun-if-changed={}", wit.display());
    let text = match std::fs::read_to_string(wit) {
        Ok(t) => t,
        Err(e) => {
            println!("cargo:error=cannot read {}: {e}", wit.display());
            std::process::exit(1);
        }
    };
    let version = text.lines().find_map(|l| {
        l.trim()
            .strip_prefix("package posture:plugin@")
            .and_then(|v| v.strip_suffix(';'))
            .map(str::trim)
    });
    match version {
        Some(v) => println!("cargo:rustc-env=POSTURE_CONTRACT_VERSION={v}"),
        None => {
            println!(
                "cargo:error={} has no `package posture:plugin@VERSION;` line",
                wit.display()
            );
            std::process::exit(1);
        }
    }
}
