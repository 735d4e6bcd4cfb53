#!/usr/bin/env bash
# Installs compliance-trestle (PyPI), the OSCAL tool the evidence pack's tests validate
# assessment-results.json and poam.json with, in a virtual environment DIR.
# Idempotent: an environment with the pinned version is kept.
#
#   tests/oscal/install-trestle.sh target/trestle
set -euo pipefail

target=${1:?usage: install-trestle.sh DIR}
TRESTLE=3.12.4

dir=$(dirname "$target")
# shellcheck source=../python-venv.sh
source "$(dirname "$0")/../python-venv.sh"
mkdir -p "$dir"
venv "$(basename "$target")" "compliance-trestle==$TRESTLE" trestle
