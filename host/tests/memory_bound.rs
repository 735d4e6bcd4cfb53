//! Host memory stays bounded under hostile plugins, with the default limits: the real
//! `posture` binary scans the example with the IAM plugin plus one misbehaving check, and the
//! process's peak resident memory (VmHWM, polled from /proc) must stay within the well-behaved
//! scan's peak plus the per-plugin memory cap plus a fixed allowance. Linux only.

#![cfg(target_os = "linux")]
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use posture::limits::DEFAULT_MEMORY_MIB;
use posture_e2e::{NOW, example_snapshot, hostile_plugin, iam_plugin, plugin_dir};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const HOSTILE: [&str; 10] = [
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
];

/// Allowance on top of the cap: one plugin's output buffers, the report and allocator slack.
const SLACK_MIB: u64 = 192;

fn peak_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Runs a scan enabling only `check` of the hostile plugin; returns (exit code, peak MiB).
fn scan_peak(check: &str, plugins: &Path, tmp: &Path) -> (i32, u64) {
    let config = tmp.join(format!("{check}.toml"));
    // Default memory and output limits; a short deadline only so that the endless host
    // calls stop in 2 s rather than the default 30 s.
    let mut toml = String::from("[plugins.hostile.limits]\ndeadline-ms = 2000\n");
    for c in HOSTILE.iter().filter(|c| **c != check) {
        toml.push_str(&format!("[checks.\"{c}\"]\nenabled = false\n"));
    }
    std::fs::write(&config, toml).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_posture"))
        .args(["scan", "--snapshot"])
        .arg(example_snapshot())
        .args(["--now", NOW, "--format", "json", "--config"])
        .arg(&config)
        .env("POSTURE_PLUGIN_DIR", plugins)
        .env("POSTURE_CACHE_DIR", tmp.join("cache"))
        .env("POSTURE_LOCK", tmp.join("posture.lock"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut peak = 0;
    let status = loop {
        if let Some(kib) = peak_kib(child.id()) {
            peak = peak.max(kib);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    (status.code().unwrap_or(-1), peak / 1024)
}

#[test]
fn hostile_plugins_do_not_grow_the_host_beyond_the_cap() {
    let plugins = plugin_dir(&[iam_plugin(), hostile_plugin()]);
    let tmp = tempfile::tempdir().unwrap();
    // Warm the compile cache so both runs measure scanning, not compiling.
    let (code, _) = scan_peak("hostile.well-behaved", plugins.path(), tmp.path());
    assert_eq!(
        code, 1,
        "well-behaved scan: failing IAM findings, no errors"
    );
    let (_, baseline) = scan_peak("hostile.well-behaved", plugins.path(), tmp.path());
    let bound = baseline + DEFAULT_MEMORY_MIB + SLACK_MIB;
    let mut seen = Vec::new();
    // 50 000 findings and an 8 MiB message are within the default limits (1 000 000
    // findings, 256 MiB of output): they are reported (exit 1). The others hit a limit (3).
    for (check, want) in [
        ("hostile.memory", 3),
        ("hostile.host-calls", 3),
        ("hostile.flood", 1),
        ("hostile.giant-string", 1),
    ] {
        let (code, peak) = scan_peak(check, plugins.path(), tmp.path());
        seen.push(format!("{check}: exit {code}, peak {peak} MiB"));
        assert_eq!(code, want, "{check}: {seen:?}");
        assert!(
            peak <= bound,
            "{check}: peak {peak} MiB > bound {bound} MiB (baseline {baseline} MiB): {seen:?}"
        );
    }
    eprintln!("baseline {baseline} MiB, bound {bound} MiB; {seen:#?}");
}
