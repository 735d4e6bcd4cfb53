//! Host memory stays bounded under hostile plugins, with the default limits: the real
//! `posture` binary scans the example with the IAM plugin plus one misbehaving check, and the
//! process's peak resident memory (VmHWM, polled from /proc) must stay within the well-behaved
//! scan's peak plus the per-plugin memory cap plus a fixed allowance. Linux only.
//!
//! Run with `--nocapture` to see the table: case, exit code, wall time, peak memory, and the
//! message the report gives for the hostile plugin.

#![cfg(target_os = "linux")]
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use posture::limits::DEFAULT_MEMORY_MIB;
use posture_e2e::{NOW, example_snapshot, hostile_plugin, iam_plugin, plugin_dir};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const HOSTILE: [&str; 15] = posture_e2e::HOSTILE_CHECKS;

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

/// What one scan did.
struct Observed {
    code: i32,
    peak_mib: u64,
    wall: Duration,
    message: String,
}

/// Runs a scan enabling only `check` of the hostile plugin.
fn scan_peak(check: &str, plugins: &Path, tmp: &Path) -> Observed {
    let config = tmp.join(format!("{check}.toml"));
    // Default memory and output limits; a short deadline only so that the endless host
    // calls stop in 2 s rather than the default 30 s.
    let mut toml = String::from("[plugins.hostile.limits]\ndeadline-ms = 2000\n");
    for c in HOSTILE.iter().filter(|c| **c != check) {
        toml.push_str(&format!("[checks.\"{c}\"]\nenabled = false\n"));
    }
    std::fs::write(&config, toml).unwrap();
    let out = tmp.join(format!("{check}.json"));
    let start = std::time::Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_posture"))
        .args(["scan", "--snapshot"])
        .arg(example_snapshot())
        .args(["--now", NOW, "--format", "json", "--config"])
        .arg(&config)
        .arg("-o")
        .arg(&out)
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
    let wall = start.elapsed();
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap_or_default())
            .unwrap_or_default();
    let message = report["plugins"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["name"] == "hostile")
        .and_then(|p| p["error"]["message"].as_str())
        .unwrap_or("(no error: findings reported)")
        .to_string();
    Observed {
        code: status.code().unwrap_or(-1),
        peak_mib: peak / 1024,
        wall,
        message,
    }
}

#[test]
fn hostile_plugins_do_not_grow_the_host_beyond_the_cap() {
    let plugins = plugin_dir(&[iam_plugin(), hostile_plugin()]);
    let tmp = tempfile::tempdir().unwrap();
    // Warm the compile cache so every run measures scanning, not compiling.
    let warm = scan_peak("hostile.well-behaved", plugins.path(), tmp.path());
    assert_eq!(
        warm.code, 1,
        "well-behaved scan: failing IAM findings, no errors"
    );
    let baseline = scan_peak("hostile.well-behaved", plugins.path(), tmp.path()).peak_mib;
    let bound = baseline + DEFAULT_MEMORY_MIB + SLACK_MIB;
    // 50 000 findings and an 8 MiB message are within the default limits (1 000 000
    // findings, 256 MiB of output): they are reported (exit 1). The others are stopped (3).
    let cases = [
        ("hostile.loop", 3),
        ("hostile.memory", 3),
        ("hostile.panic", 3),
        ("hostile.stack", 3),
        ("hostile.undeclared-read", 3),
        ("hostile.undeclared-finding", 3),
        ("hostile.host-calls", 3),
        ("hostile.flood", 1),
        ("hostile.giant-string", 1),
    ];
    let mut table = vec![format!(
        "| case | exit | wall | peak RSS (baseline {baseline} MiB) | message |\n|---|---|---|---|---|"
    )];
    for (check, want) in cases {
        let o = scan_peak(check, plugins.path(), tmp.path());
        let message: String = o.message.chars().take(140).collect();
        table.push(format!(
            "| {check} | {} | {:.2} s | {} MiB | {message} |",
            o.code,
            o.wall.as_secs_f64(),
            o.peak_mib
        ));
        assert_eq!(o.code, want, "{check}:\n{}", table.join("\n"));
        assert!(
            o.peak_mib <= bound,
            "{check}: peak {} MiB > bound {bound} MiB:\n{}",
            o.peak_mib,
            table.join("\n")
        );
    }
    eprintln!("{}", table.join("\n"));
}
