#!/usr/bin/env bash
# Builds a small recorded history for trying the evidence commands (`make demo-history`):
# the planted-event year of posture_bench::year (50 weekly runs of a small AWS company over
# 2026, with an administrator without MFA, a public bucket fixed late, a departed employee
# never disabled, a new administrator each quarter and a two-month stretch without runs),
# scanned with the first-party plugins and recorded in DIR/history.db. Then shows the
# control timeline. Starts from an empty history each time.
#
#   examples/demo-history.sh POSTURE PLUGINS DIR
set -euo pipefail

posture=${1:?usage: demo-history.sh POSTURE PLUGINS DIR}
plugins=${2:?usage: demo-history.sh POSTURE PLUGINS DIR}
dir=${3:?usage: demo-history.sh POSTURE PLUGINS DIR}

rm -rf "$dir"
mkdir -p "$dir"
cargo run --locked --quiet -p posture-bench -- year --out "$dir/snapshots"
history="$dir/history.db"
n=0
while IFS=$'\t' read -r _ now file; do
    "$posture" scan --snapshot "$dir/snapshots/$file" --plugins "$plugins" --now "$now" \
        --fail-on none --record --history "$history" --format json >/dev/null 2>"$dir/last-scan.log" \
        || { cat "$dir/last-scan.log" >&2; exit 1; }
    n=$((n + 1))
done <"$dir/snapshots/runs.tsv"
echo "recorded $n runs in $history" >&2
"$posture" evidence timeline --history "$history" --cadence weekly
cat >&2 <<MSG

Try next:
  $posture evidence remediation --history $history
  $posture evidence privileges --history $history
  $posture evidence gaps --history $history --cadence weekly
  $posture evidence export --history $history --cadence weekly -o $dir/pack
MSG
