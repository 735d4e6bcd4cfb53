#!/usr/bin/env bash
# Installs the emulated AWS account used by tests/tests/aws_import.rs: moto's server and the
# AWS CLI v1 (which vendors its own botocore), each in its own virtual environment under DIR.
# Idempotent: an environment with the pinned version is kept.
#
#   tests/aws/install-emulator.sh target/aws-emulator
set -euo pipefail

dir=${1:?usage: install-emulator.sh DIR}
MOTO=5.2.5
AWSCLI=1.46.3

venv() {
    local name=$1 spec=$2 check=$3
    local package=${spec%%==*}
    package=${package%%[*}
    if [[ -x $dir/$name/bin/$check ]] && "$dir/$name/bin/pip" show "$package" 2>/dev/null \
        | grep -x "Version: ${spec##*==}" >/dev/null; then
        return 0
    fi
    rm -rf "${dir:?}/$name"
    if ! python3 -m venv "$dir/$name" 2>/dev/null; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -qq python3-venv >/dev/null \
            || { apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null; }
        python3 -m venv "$dir/$name"
    fi
    echo "installing $spec into $dir/$name" >&2
    "$dir/$name/bin/pip" install --quiet --disable-pip-version-check "$spec"
}

mkdir -p "$dir"
venv moto "moto[server]==$MOTO" moto_server
venv awscli "awscli==$AWSCLI" aws
