# posture — build and test entry points. See README.md.
#
#   make demo   install the guest toolchain, build everything, scan the example snapshot
#   make test   the whole test suite (what CI runs): format, lints, unit and end-to-end tests
#               (with a throwaway PostgreSQL cluster), and a short fuzzing run of every parser
#   make fuzz   a longer fuzzing run: FUZZ_SECONDS per target (default 600)
#   make bench  the scale benchmark (BENCHMARKS.md): BENCH_SCALES principals (default 1000,10000,100000)
#   make demo-history  a recorded year of a small company, for the evidence commands (docs/evidence.md)
#
# Idempotent: a second run only does what changed.

SHELL := /bin/bash
CARGO ?= cargo
WASM_TARGET := wasm32-unknown-unknown
PLUGIN_DIRS := $(wildcard plugins/*)
TEST_PLUGIN_DIRS := $(wildcard tests/plugins/*)
POSTURE := target/debug/posture

# Written by `toolchain` when it had to fall back to Debian's Rust for the guest target.
-include target/toolchain.env
export POSTURE_WASM_CARGO POSTURE_WASM_CARGO_FLAGS POSTURE_WASM_RUSTC POSTURE_WASM_LINKER

FUZZ_SECONDS ?= 600
BENCH_SCALES ?= 1000,10000,100000
BENCH_RUNS ?= 3
BENCH_FINDINGS ?= 1000000

.PHONY: postgres postgres-stop demo demo-history oscal-tools test toolchain browser aws-emulator registry-tools host plugins test-plugins lint fuzz fuzz-smoke bench bench-renderers clean-cache

demo: toolchain host plugins
	$(POSTURE) scan --snapshot examples/snapshots/acme.json --plugins target/plugins \
		--now 2026-11-22T12:00:00Z --fail-on none

# Not one of the two set-up commands: a recorded history to try the evidence commands on.
demo-history: toolchain host plugins
	bash examples/demo-history.sh $(POSTURE) target/plugins target/demo-history

# The test build compiles every target at once: building the binary alone first would resolve
# features without the dev-dependencies and compile wasmtime's dependency chain twice.
# PostgreSQL (the run history's second backend) runs as a throwaway cluster for the tests and
# is stopped afterwards, whether they pass or not.
test:
	$(MAKE) HOST_FLAGS="--workspace --all-targets" toolchain browser aws-emulator oscal-tools registry-tools postgres host plugins lint
	status=0; $(CARGO) test --workspace --locked || status=$$?; $(MAKE) postgres-stop; exit $$status
	$(MAKE) fuzz-smoke

fuzz-smoke:
	bash host/fuzz/run.sh 20

fuzz:
	bash host/fuzz/run.sh $(FUZZ_SECONDS)

# Not part of `make test`: timings are read from its output, never asserted.
bench: toolchain plugins
	$(CARGO) run --release --locked -p posture-bench -- --scales $(BENCH_SCALES) --runs $(BENCH_RUNS) --plugins target/plugins

# Peak memory of JSON, SARIF and OCSF rendering of a million findings (BENCHMARKS.md).
bench-renderers: toolchain
	bash tests/bench/renderers-memory.sh $(BENCH_FINDINGS)

toolchain:
	@bash examples/toolchain/install.sh

# moto's server and the AWS CLI (PyPI), for the end-to-end test of the AWS importer.
aws-emulator:
	@bash tests/aws/install-emulator.sh target/aws-emulator

# compliance-trestle (PyPI), which validates the evidence pack's OSCAL files in the tests.
oscal-tools:
	@bash tests/oscal/install-trestle.sh target/trestle

# Debian's docker-registry and skopeo, for the end-to-end tests of publishing plugins to a registry.
registry-tools:
	@bash tests/registry/install.sh

# Debian's Chromium, for the test that opens the HTML report in a real browser.
browser:
	@command -v chromium >/dev/null || { \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get install -y -qq --no-install-recommends chromium >/dev/null \
		|| { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null; }; }

HOST_FLAGS ?= -p posture-cli
host:
	$(CARGO) build --locked $(HOST_FLAGS)

plugins: host
	$(POSTURE) plugins build $(PLUGIN_DIRS) --out-dir target/plugins --target-dir target/wasm

test-plugins: host
	$(POSTURE) plugins build $(TEST_PLUGIN_DIRS) --out-dir target/test-plugins --target-dir target/wasm

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings
	@# The fuzz crate keeps its own lock file; fail here, not at the end of the test run.
	$(CARGO) metadata --locked --format-version 1 --manifest-path host/fuzz/Cargo.toml >/dev/null

# A throwaway PostgreSQL cluster under target/postgres for the history store's tests (its URL in
# target/postgres/url); installs Debian's postgresql when missing. Idempotent.
postgres:
	@bash host/history/tests/postgres/start.sh target

postgres-stop:
	@bash host/history/tests/postgres/stop.sh target

clean-cache:
	rm -rf "$${POSTURE_CACHE_DIR:-$${XDG_CACHE_HOME:-$$HOME/.cache}/posture}"
