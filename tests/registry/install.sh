#!/usr/bin/env bash
# Installs the OCI registry tools used by the end-to-end tests of `posture plugins publish/add/
# update` (tests/src/registry.rs): Debian's `docker-registry` (the CNCF Distribution registry)
# and `skopeo`, an independent OCI client that checks what posture pushed.
# Idempotent: does nothing when both are on PATH.
#
#   bash tests/registry/install.sh     (make registry-tools)
set -euo pipefail

if command -v docker-registry >/dev/null && command -v skopeo >/dev/null; then
    exit 0
fi
echo "registry-tools: installing Debian's docker-registry and skopeo" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq --no-install-recommends docker-registry skopeo >/dev/null \
    || { apt-get update -qq && apt-get install -y -qq --no-install-recommends docker-registry skopeo >/dev/null; }
command -v docker-registry >/dev/null && command -v skopeo >/dev/null \
    || { echo "registry-tools: docker-registry or skopeo still missing from PATH" >&2; exit 1; }
