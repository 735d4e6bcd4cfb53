#!/usr/bin/env bash
# Installs what building posture plugins needs, idempotently:
#   1. the wasm32-unknown-unknown target through rustup (preferred: ~2 s, cached by rustup);
#   2. if rustup cannot fetch it: Debian's Rust with its library source, used with
#      -Zbuild-std (see ../shared/guest-toolchain.md), recorded in target/toolchain.env so that
#      `make` and `posture plugins build` use it.
#   3. componentize-py from PyPI, for Python plugins (examples/plugins/python).
# No wasm-tools binary is needed: `posture plugins build` componentises with the wit-component
# library compiled into posture itself.
set -euo pipefail
cd "$(dirname "$0")/../.."

COMPONENTIZE_PY=0.25.1
if [ "$(componentize-py --version 2>/dev/null || true)" != "componentize-py $COMPONENTIZE_PY" ]; then
  echo "toolchain: installing componentize-py $COMPONENTIZE_PY (Python plugins)" >&2
  python3 -m pip install --quiet --disable-pip-version-check "componentize-py==$COMPONENTIZE_PY"
  if command -v pyenv >/dev/null 2>&1; then pyenv rehash; fi
fi
TARGET=wasm32-unknown-unknown
# Only plugins that opt into WASI (tests/plugins/wasi-probe) use this one; best effort.
WASI_TARGET=wasm32-wasip2

if command -v rustup >/dev/null 2>&1; then
  if ! rustup target list --installed 2>/dev/null | grep -qx "$WASI_TARGET"; then
    rustup target add "$WASI_TARGET" || echo "toolchain: could not add $WASI_TARGET (only the WASI test plugin needs it)" >&2
  fi
  if rustup target list --installed 2>/dev/null | grep -qx "$TARGET"; then
    rm -f target/toolchain.env
    exit 0
  fi
  echo "toolchain: adding the $TARGET target with rustup" >&2
  if rustup target add "$TARGET"; then
    rm -f target/toolchain.env
    exit 0
  fi
  echo "toolchain: rustup could not add $TARGET; falling back to Debian's Rust" >&2
fi

if [ ! -x /usr/bin/rustc ] || ! command -v wasm-ld-19 >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  $SUDO apt-get install -y --no-install-recommends rustc-web cargo-web rust-web-src libstd-rust-web-dev clang-19 lld-19
fi
mkdir -p target
cat > target/toolchain.env <<ENV
POSTURE_WASM_CARGO=/usr/bin/cargo
POSTURE_WASM_CARGO_FLAGS=-Zbuild-std=std,panic_abort
POSTURE_WASM_RUSTC=/usr/bin/rustc
POSTURE_WASM_LINKER=wasm-ld-19
ENV
echo "toolchain: using Debian's Rust for $TARGET (target/toolchain.env)" >&2
