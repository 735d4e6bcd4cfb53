#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the history store's tests, and prints its URL.
#
#   bash host/history/tests/postgres/start.sh TARGET_DIR     (make postgres)
#
# Idempotent: installs Debian's postgresql when no initdb is found under
# /usr/lib/postgresql/*/bin, creates the cluster under TARGET_DIR/postgres once (initdb refuses
# to run as root, so as root it runs as the `postgres` user), starts it when it is not running on
# a free loopback port (127.0.0.1 only, Unix socket inside the cluster directory, trust
# authentication: never expose it), creates the database `posture_test` and writes the URL to
# TARGET_DIR/postgres/url, where the tests read it. Stop it with stop.sh.
set -euo pipefail

target=${1:-target}
mkdir -p "$target"
dir="$(cd "$target" && pwd)/postgres"
data="$dir/data"

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
bin=$(find_bin)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "postgres: installing Debian's postgresql" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null \
        || { apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql >/dev/null; }
    bin=$(find_bin)
fi
[ -x "$bin/initdb" ] || { echo "postgres: no initdb found under /usr/lib/postgresql/*/bin" >&2; exit 1; }

# As root, the cluster belongs to the `postgres` user (created by the Debian package).
if [ "$(id -u)" = 0 ]; then
    owner=postgres
    as_owner() { runuser -u postgres -- "$@"; }
else
    owner=$(id -un)
    as_owner() { "$@"; }
fi

# PostgreSQL's tools redirect to /dev/null as the cluster's owner; some sandboxed machines ship
# a /dev/null only root may open, which makes initdb fail half-way. Give it its usual mode.
if [ "$(id -u)" = 0 ] && ! as_owner sh -c ': >/dev/null' 2>/dev/null; then
    echo "postgres: /dev/null is not writable by $owner; restoring its usual mode 0666" >&2
    chmod 0666 /dev/null
fi

mkdir -p "$dir/sock"
chown "$owner" "$dir" "$dir/sock"
if [ ! -s "$data/PG_VERSION" ]; then
    rm -rf "$data"
    as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
fi

if as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1 && [ -s "$dir/url" ]; then
    cat "$dir/url"
    exit 0
fi
as_owner "$bin/pg_ctl" -D "$data" stop -m fast >/dev/null 2>&1 || true

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_owner "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 start \
    -o "-p $port -k $dir/sock -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off" >/dev/null \
    || { tail -n 20 "$dir/server.log" >&2; exit 1; }
if ! "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'posture_test'" | grep -q 1; then
    "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "CREATE DATABASE posture_test"
fi
echo "postgres://postgres@127.0.0.1:$port/posture_test" >"$dir/url"
cat "$dir/url"
