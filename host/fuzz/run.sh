#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60) with libFuzzer through cargo-fuzz.
# Seeds come from host/fuzz/seeds/<target>; the growing corpus and any crash reproducer stay
# in target/fuzz/ (never committed). Exits non-zero on the first crash, printing the input.
#
#   host/fuzz/run.sh 30              # CI smoke run
#   host/fuzz/run.sh 1800 snapshot   # a longer run of one target
set -euo pipefail
seconds="${1:-60}"
shift || true
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(snapshot report settings import)
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --version 0.13.2 --locked
# The stable toolchain carries libFuzzer's instrumentation; cargo-fuzz passes -Z flags.
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="$root/target/fuzz/build"
cd "$here"
mkdir -p "$root/target/fuzz"
# Sanitizer: none. posture is safe Rust; its C dependencies are few, and an ASan build of
# wasmtime costs ~3x the build time. Panics, aborts, timeouts and OOMs are what we look for.
# The lock file is committed and must be complete: a stale one is resolved afresh against
# crates.io, so a fresh machine would build other versions than the ones tested here.
if ! cargo metadata --locked --offline --format-version 1 >/dev/null 2>"$root/target/fuzz/lock.err" &&
    ! cargo metadata --locked --format-version 1 >/dev/null 2>>"$root/target/fuzz/lock.err"; then
    echo "fuzz: host/fuzz/Cargo.lock is out of date with the host crate's dependencies;" >&2
    echo "      run 'cargo update --workspace --manifest-path host/fuzz/Cargo.toml' and commit it" >&2
    tail -n 5 "$root/target/fuzz/lock.err" >&2
    exit 1
fi
# The whole build log is kept; on failure its errors and the disk's state are printed, since
# the last lines alone (a backtrace of cargo-fuzz's own error) say nothing about the cause.
log="$root/target/fuzz/build.log"
if ! cargo fuzz build --sanitizer none --release >"$log" 2>&1; then
    echo "fuzz: the fuzz targets did not build (whole log: $log); its errors:" >&2
    grep -E -A 12 '^error|panicked|No space left|Killed|signal: ' "$log" | head -n 80 >&2 || true
    echo "fuzz: the log's last lines:" >&2
    tail -n 25 "$log" >&2
    df -h "$root/target" >&2 || true
    free -m >&2 || true
    exit 1
fi
tail -n 1 "$log"
for t in "${targets[@]}"; do
    corpus="$root/target/fuzz/corpus/$t"
    artifacts="$root/target/fuzz/artifacts/$t/"
    mkdir -p "$corpus" "$artifacts"
    echo "fuzz: $t for ${seconds}s"
    cargo fuzz run --sanitizer none --release "$t" "$corpus" "$here/seeds/$t" -- \
        -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=10 -max_len=1048576 \
        -artifact_prefix="$artifacts" -print_final_stats=1 2>&1 | grep -E "^(Done|#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb|==|SUMMARY|.*panicked|.*Test unit written)" || true
    if ls "$artifacts" | grep -qE '^(crash|oom|timeout)-'; then
        echo "fuzz: $t found a failing input in $artifacts" >&2
        ls -la "$artifacts" >&2
        exit 1
    fi
done
echo "fuzz: no crashes"
