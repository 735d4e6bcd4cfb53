#!/usr/bin/env bash
# Stops the throwaway PostgreSQL cluster of start.sh (make postgres-stop); keeps its files.
#
#   bash host/history/tests/postgres/stop.sh TARGET_DIR
set -euo pipefail

target=${1:-target}
dir="$(cd "$target" 2>/dev/null && pwd)/postgres" || exit 0
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
rm -f "$dir/url"
[ -n "$bin" ] && [ -s "$dir/data/PG_VERSION" ] || exit 0
if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" stop -m fast >/dev/null 2>&1 || true
else
    "$bin/pg_ctl" -D "$dir/data" stop -m fast >/dev/null 2>&1 || true
fi
