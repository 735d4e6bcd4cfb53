#!/usr/bin/env bash
# Installs the OCI registry tools used by the end-to-end tests of `posture plugins publish/add/
# update` (tests/src/registry.rs): Debian's `docker-registry` (the CNCF Distribution registry)
# and `skopeo`, an independent OCI client that checks what posture pushed; with `openssl` and
# `curl`, which verify-without-posture.sh uses to check a signature as docs/distribution.md says.
# Idempotent: does nothing when all are on PATH.
#
#   bash tests/registry/install.sh     (make registry-tools)
set -euo pipefail

tools=(docker-registry skopeo openssl curl)
have_all() {
    for t in "${tools[@]}"; do command -v "$t" >/dev/null || return 1; done
}
have_all && exit 0
echo "registry-tools: installing Debian's ${tools[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq --no-install-recommends "${tools[@]}" >/dev/null \
    || { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${tools[@]}" >/dev/null; }
have_all || { echo "registry-tools: one of ${tools[*]} is still missing from PATH" >&2; exit 1; }
