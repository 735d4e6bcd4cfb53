#!/usr/bin/env bash
# Peak memory of `posture scan` rendering a million tiny findings (the hostile test plugin's
# `hostile.flood`, inside every default limit) as JSON, SARIF and OCSF. JSON, whose memory is
# the report itself, is the baseline measured in the same run; SARIF and OCSF used to build
# the whole document as a tree first (6.8 GiB and 11.5 GiB against JSON's 824 MiB).
# Usage: tests/bench/renderers-memory.sh [COUNT]   (run from the workspace root; `make bench-renderers`)
set -euo pipefail
count="${1:-1000000}"
posture=target/release/posture
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo build --release --locked -p posture-cli >&2
"$posture" plugins build tests/plugins/hostile --out-dir "$work/plugins" --target-dir target/wasm >&2
{
  for c in loop memory panic stack undeclared-read undeclared-finding well-behaved giant-string \
           host-calls escapes phantom foreign giant-account empty-evidence; do
    printf '[checks."hostile.%s"]\nenabled = false\n' "$c"
  done
  printf '[checks."hostile.flood"]\nparams = { count = %s }\n' "$count"
} > "$work/config.toml"
declare -A peak
for format in json sarif ocsf; do
  /usr/bin/time -f '%M %e' -o "$work/time" "$posture" scan --snapshot examples/snapshots/acme.json \
    --plugins "$work/plugins" --config "$work/config.toml" --now 2026-11-22T12:00:00Z \
    --format "$format" --output "$work/report.$format" --fail-on none --cache-dir "$work/cache"
  read -r kib secs < "$work/time"
  peak[$format]=$kib
  printf '%-6s %8d findings  peak %6d MiB  %6.1f s  output %5d MiB  peak/json %.2f\n' \
    "$format" "$count" $((kib / 1024)) "$secs" $(( $(stat -c %s "$work/report.$format") >> 20 )) \
    "$(echo "$kib / ${peak[json]}" | bc -l)"
done
