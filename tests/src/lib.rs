//! Helpers for the end-to-end tests: build the real plugin components from source (once per
//! test process; cargo makes repeat builds no-ops), locate the example data, and run scans
//! through the library exactly as the CLI does.

#![allow(clippy::expect_used, clippy::panic)]

pub mod aws_emulator;
pub mod conformance;
pub mod pg;
pub mod registry;

use posture::config::Config;
use posture::report::Report;
use posture::runtime::{LoadedPlugin, Runtime};
use posture::session::{Gate, PluginSource, ScanRequest, ScanTarget, Session, SessionSpec};
use posture::snapshot::Snapshot;
use posture_author::build::{BuildOptions, build_plugin};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

fn built() -> &'static Mutex<BTreeMap<PathBuf, PathBuf>> {
    static BUILT: OnceLock<Mutex<BTreeMap<PathBuf, PathBuf>>> = OnceLock::new();
    BUILT.get_or_init(|| Mutex::new(BTreeMap::new()))
}

/// Builds the plugin crate at `crate_dir` (relative to the root) into a component and returns
/// its path. Panics with cargo's message if the build fails: these tests need the real
/// components, and `make toolchain` installs what building them needs.
pub fn component(crate_dir: &str) -> PathBuf {
    let dir = root().join(crate_dir);
    let mut map = built().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(p) = map.get(&dir) {
        return p.clone();
    }
    let out = build_plugin(&BuildOptions {
        crate_dir: dir.clone(),
        out_dir: root().join("target/e2e-plugins"),
        target_dir: Some(root().join("target/wasm")),
        quiet: true,
    })
    .unwrap_or_else(|e| {
        panic!("building {crate_dir} into a component failed: {e} (run `make toolchain`)")
    });
    map.insert(dir, out.clone());
    out
}

/// The first-party IAM plugin, built from `plugins/iam`.
pub fn iam_plugin() -> PathBuf {
    component("plugins/iam")
}

/// The five first-party plugins, built from `plugins/*`.
pub fn first_party_plugins() -> Vec<PathBuf> {
    ["iam", "logging", "backup", "encryption", "sharing"]
        .iter()
        .map(|p| component(&format!("plugins/{p}")))
        .collect()
}

/// Every check of the hostile test plugin; each misbehaves in one way.
pub const HOSTILE_CHECKS: [&str; 15] = [
    "hostile.loop",
    "hostile.memory",
    "hostile.panic",
    "hostile.stack",
    "hostile.undeclared-read",
    "hostile.undeclared-finding",
    "hostile.well-behaved",
    "hostile.flood",
    "hostile.giant-string",
    "hostile.host-calls",
    "hostile.escapes",
    "hostile.phantom",
    "hostile.foreign",
    "hostile.giant-account",
    "hostile.empty-evidence",
];

/// The hostile test plugin, built from `tests/plugins/hostile`.
pub fn hostile_plugin() -> PathBuf {
    component("tests/plugins/hostile")
}

/// The test plugin with duplicate check ids, from `tests/plugins/bad-metadata`.
pub fn bad_metadata_plugin() -> PathBuf {
    component("tests/plugins/bad-metadata")
}

/// The test plugin whose `scope` export names an undeclared check, from
/// `tests/plugins/bad-scope`.
pub fn bad_scope_plugin() -> PathBuf {
    component("tests/plugins/bad-scope")
}

/// The impostor that claims `iam.admin-mfa` under its own name `vendor-mfa`, from
/// `tests/plugins/impostor-check`: a plugin of the plain `check-plugin` world (no `scope`).
pub fn impostor_check_plugin() -> PathBuf {
    component("tests/plugins/impostor-check")
}

/// The WASI probe test plugin (built for wasm32-wasip2), from `tests/plugins/wasi-probe`.
pub fn wasi_probe_plugin() -> PathBuf {
    component("tests/plugins/wasi-probe")
}

/// A fresh directory holding copies of `components`, as a `--plugins` directory.
pub fn plugin_dir(components: &[PathBuf]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for c in components {
        let name = c.file_name().expect("file name");
        std::fs::copy(c, dir.path().join(name)).expect("copy component");
    }
    dir
}

/// The bundled example snapshot.
pub fn example_snapshot() -> PathBuf {
    root().join("examples/snapshots/acme.json")
}

/// The fixed "now" used by tests and the README demo.
pub const NOW: &str = "2026-11-22T12:00:00Z";

/// [`NOW`] as Unix seconds.
pub const NOW_UNIX: i64 = 1_795_348_800;

/// Loads every component in `dir` with a runtime caching under `cache` (none if `None`).
pub fn load_all(rt: &Runtime, dir: &Path) -> Vec<Arc<LoadedPlugin>> {
    Runtime::plugin_files(dir)
        .expect("plugin dir")
        .into_iter()
        .map(|(path, bytes)| {
            Arc::new(
                rt.load_bytes(&path, &bytes)
                    .unwrap_or_else(|e| panic!("load {}: {e}", path.display())),
            )
        })
        .collect()
}

/// Scans `snapshot` with the plugins in `dir` under `config`, as the CLI does.
/// Components are compiled once per digest into `target/e2e-cache` (shared by test processes;
/// entries are written atomically and digest-checked), so large ones (Python, ~18 MB) are not
/// recompiled by every test.
pub fn scan_with(dir: &Path, snapshot: &Path, config: &Config, jobs: usize) -> Report {
    let snap = posture::snapshot::load(snapshot).expect("snapshot loads");
    scan_snapshot(
        dir,
        snap,
        &snapshot.display().to_string(),
        config,
        jobs,
        NOW_UNIX,
    )
}

/// Scans an in-memory snapshot (e.g. one just imported) with the plugins in `dir`, at `now`.
pub fn scan_snapshot(
    dir: &Path,
    snapshot: Snapshot,
    origin: &str,
    config: &Config,
    jobs: usize,
    now: i64,
) -> Report {
    let rt = Runtime::new(Some(&root().join("target/e2e-cache"))).expect("runtime");
    let session = Session::new(load_all(&rt, dir), config.clone());
    session
        .scan(
            ScanRequest {
                target: ScanTarget::new(snapshot, origin),
                now,
                jobs,
                baseline: None,
                gate: Gate::default(),
            },
            None,
        )
        .expect("scan")
        .report
}

/// Scans the example snapshot as the CLI does, plugins and all: a session opened over the
/// plugin directories `dirs` (loaded, lock-free, refusals reported), under the configuration
/// `config` (TOML text; defaults when `None`), two plugins at a time.
pub fn session_scan(dirs: &[&Path], config: Option<&str>) -> Report {
    let config_file = config.map(|text| {
        let mut f = tempfile::NamedTempFile::new().expect("temp config");
        std::io::Write::write_all(&mut f, text.as_bytes()).expect("write config");
        f
    });
    let session = Session::open(&SessionSpec {
        plugins: PluginSource {
            dirs: dirs.iter().map(|d| d.to_path_buf()).collect(),
            cache_dir: Some(root().join("target/e2e-cache")),
            lock: None,
        },
        config: config_file.as_ref().map(|f| f.path().to_path_buf()),
        waivers: None,
    })
    .expect("session");
    let snapshot = posture::snapshot::load(&example_snapshot()).expect("snapshot");
    session
        .scan(
            ScanRequest {
                target: ScanTarget::new(snapshot, "acme"),
                now: NOW_UNIX,
                jobs: 2,
                baseline: None,
                gate: Gate::default(),
            },
            None,
        )
        .expect("scan")
        .report
}

/// A small multi-threaded tokio runtime for tests.
pub fn tokio_rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// Debian's Chromium, which `make test` installs (`make browser`).
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// Headless Chromium on `page` with the network off, a fresh profile in `profile`, and
/// `extra` arguments (`--dump-dom`, `--screenshot=…`). Panics, saying how to install it,
/// when Chromium is missing.
pub fn chromium(profile: &Path, extra: &[&str], page: &Path) -> std::process::Output {
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing: install it with `apt-get install -y chromium` (make test does)"
    );
    Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium")
}

/// The `posture` binary `bin` (a test's `env!("CARGO_BIN_EXE_posture")`) set up for an
/// end-to-end test: plugins from `plugins`, the shared compile cache under `target/`, its
/// lock file in `scratch`, the run history at `history`, no colour, no log filter.
pub fn posture_cli(bin: &str, plugins: &Path, scratch: &Path, history: &str) -> Command {
    let mut c = Command::new(bin);
    c.env("POSTURE_PLUGIN_DIR", plugins)
        .env("POSTURE_CACHE_DIR", root().join("target/e2e-cache"))
        .env("POSTURE_LOCK", scratch.join("posture.lock"))
        .env("POSTURE_HISTORY", history)
        .env("NO_COLOR", "1")
        .env_remove("RUST_LOG");
    c
}
