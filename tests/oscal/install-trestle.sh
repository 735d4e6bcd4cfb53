#!/usr/bin/env bash
# Installs compliance-trestle (PyPI), the OSCAL tool the evidence pack's tests validate
# assessment-results.json and poam.json with, in a virtual environment under DIR.
# Idempotent: an environment with the pinned version is kept.
#
#   tests/oscal/install-trestle.sh target/trestle
set -euo pipefail

dir=${1:?usage: install-trestle.sh DIR}
TRESTLE=3.12.4

if [[ -x $dir/bin/trestle ]] && "$dir/bin/pip" show compliance-trestle 2>/dev/null \
    | grep -x "Version: $TRESTLE" >/dev/null; then
    exit 0
fi
rm -rf "${dir:?}"
if ! python3 -m venv "$dir" 2>/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq python3-venv >/dev/null \
        || { apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null; }
    python3 -m venv "$dir"
fi
echo "installing compliance-trestle==$TRESTLE into $dir" >&2
"$dir/bin/pip" install --quiet --disable-pip-version-check "compliance-trestle==$TRESTLE"
