#!/usr/bin/env bash
# Builds ifn (installing what it needs) and serves the map.
#   ./scripts/run.sh                      the built-in fictional demo territory on http://127.0.0.1:8080
#   ./scripts/run.sh --store STORE        a store made by `ifn build` (see README)
#   ./scripts/run.sh --port 9000          another port
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build-web.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ifn-target}"
cargo build --bin ifn
exec "$CARGO_TARGET_DIR/debug/ifn" serve "$@"
