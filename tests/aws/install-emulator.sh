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

# shellcheck source=../python-venv.sh
source "$(dirname "$0")/../python-venv.sh"

mkdir -p "$dir"
venv moto "moto[server]==$MOTO" moto_server
venv awscli "awscli==$AWSCLI" aws
