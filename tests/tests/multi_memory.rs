//! Sandbox round two, point 4: the memory limit bounds a plugin as a whole. A component whose
//! core module declares 16 extra linear memories of 256 MiB each, and touches every page of
//! them when instantiated, took the host to 4.1 GiB while each memory stayed within the
//! 256 MiB limit. It must be refused when its memories together pass the limit, with the
//! host's peak memory far below what it asked for.
//!
//! The plugin is generated from source here: a core module satisfying the `check-plugin`
//! world (generated from `wit/`), with the memories and a start function added as WAT text,
//! componentized with wit-component. This file is its own test binary, so the process's peak
//! memory is this test's alone.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use posture::model::FailureKind;
use posture_e2e::{iam_plugin, plugin_dir, root, session_scan};
use std::path::Path;
use wit_component::ComponentEncoder;
use wit_parser::{LiftLowerAbi, ManglingAndAbi, Resolve};

/// Extra memories, and the size of each in 64 KiB pages (256 MiB: the default limit).
const MEMORIES: u32 = 16;
const PAGES: u32 = 4096;

/// WAT for the extra memories and a start function writing one byte into every page of each,
/// so that what they hold is resident, not just reserved.
fn extra_memories() -> String {
    let mut wat = String::new();
    for m in 1..=MEMORIES {
        wat.push_str(&format!("(memory $m{m} {PAGES})\n"));
    }
    wat.push_str("(func $touch (local $at i32)\n");
    for m in 1..=MEMORIES {
        wat.push_str(&format!(
            "(local.set $at (i32.const 0))
             (block $done (loop $next
               (i32.store8 $m{m} (local.get $at) (i32.const 1))
               (local.set $at (i32.add (local.get $at) (i32.const 65536)))
               (br_if $next (i32.lt_u (local.get $at) (i32.const {bytes})))))\n",
            bytes = PAGES * 65536 - 1
        ));
    }
    wat.push_str(")\n(start $touch)\n");
    wat
}

/// The hostile component: every export of the plugin world (bodies that trap), plus the
/// memories.
fn many_memories_plugin() -> Vec<u8> {
    let mut resolve = Resolve::new();
    let (pkg, _) = resolve.push_dir(root().join("wit")).expect("wit/ parses");
    let world = resolve
        .select_world(&[pkg], Some("check-plugin"))
        .expect("world");
    let module =
        wit_component::dummy_module(&resolve, world, ManglingAndAbi::Legacy(LiftLowerAbi::Sync));
    let text = wasmprinter::print_bytes(&module).expect("print the generated module");
    let end = text.rfind(')').expect("module text ends with `)`");
    let text = format!("{}{}{}", &text[..end], extra_memories(), &text[end..]);
    let mut module = wat::parse_str(&text).expect("the module with its memories assembles");
    wit_component::embed_component_metadata(
        &mut module,
        &resolve,
        world,
        wit_component::StringEncoding::UTF8,
        false,
    )
    .expect("embed the world");
    ComponentEncoder::default()
        .module(&module)
        .expect("a valid core module")
        .validate(true)
        .encode()
        .expect("componentize")
}

/// The process's peak resident memory in bytes (`VmHWM`).
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM");
    kib * 1024
}

#[test]
fn sixteen_memories_of_the_limit_each_are_refused_as_one_plugin() {
    let dir = plugin_dir(&[iam_plugin()]);
    std::fs::write(dir.path().join("memories.wasm"), many_memories_plugin()).expect("write");
    let r = session_scan(&[dir.path() as &Path], None);

    let run = r
        .plugins
        .iter()
        .find(|p| p.name == "memories")
        .expect("the component is in the report");
    let e = run.error.as_ref().expect("refused");
    assert_eq!(e.kind, FailureKind::Load, "{e:?}");
    assert!(
        e.message.contains("exceeded its memory limit of 256 MiB"),
        "{}",
        e.message
    );
    let iam = r
        .plugins
        .iter()
        .find(|p| p.name == "posture-iam")
        .expect("iam");
    assert!(iam.error.is_none(), "{:?}", iam.error);
    assert!(iam.findings > 0);

    // It asked for 4 GiB; the whole test process (compiling, loading, scanning) stays under
    // one, the bound docs/sandbox.md states being the limit per plugin.
    let peak = peak_rss();
    assert!(peak < 1 << 30, "peak RSS {} MiB", peak >> 20);
    eprintln!("peak RSS {} MiB", peak >> 20);
}
