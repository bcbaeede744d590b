#!/usr/bin/env bash
# Runs every check of ifn: formatting, lints, docs, all Rust tests (unit, integration, real data,
# end-to-end CLI and server), and the web map's end-to-end tests in headless Chromium.
# Installs what it needs (GDAL, Chromium, npm packages) when missing.
# Set IFN_REQUIRE_REAL_DATA=1 to make tests that need ../shared/data fail instead of skip, and
# IFN_REQUIRE_BROWSER=1 to make the Chromium tests (PDF of the diagnostic) fail instead of skip;
# .ci/run sets both.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ifn-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n==> %s\n' "$*"; }

step "setup"
# --browser installs Chromium too: the diagnostic's PDF tests and the web tests need it.
./scripts/setup.sh --browser
step "web viewer build"
./scripts/build-web.sh
step "cargo fmt --check"
cargo fmt --all --check
step "cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings
step "cargo doc"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps -q
step "cargo test"
cargo test --workspace
step "web end-to-end tests (headless Chromium)"
./scripts/test-web.sh
step "all checks passed"
