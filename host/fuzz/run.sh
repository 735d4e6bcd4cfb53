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
# Sanitizer: none. posture is safe Rust; its C dependencies are few, and an ASan build of
# wasmtime costs ~3x the build time. Panics, aborts, timeouts and OOMs are what we look for.
cargo fuzz build --sanitizer none --release 2>&1 | tail -n 3
[ "${PIPESTATUS[0]}" -eq 0 ] || exit 1
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
