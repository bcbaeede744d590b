#!/usr/bin/env bash
# Tile sizes of the France store at low zoom, per level (the 500 KB budget of a tile of the
# whole of France): serves STORE with the release binary and asks every non-empty tile of
# each level from z0 to ZMAX, with the offer figures attached (the default tile).
#
#   benches/tiles/france_sizes.sh STORE        (STORE: from `ifn build --sources ../shared/data`)
#   LEVELS="departement epci commune" ZMAX=6
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ifn-target}"
STORE="${1:?usage: benches/tiles/france_sizes.sh STORE}"
LEVELS="${LEVELS:-departement epci commune}"
ZMAX="${ZMAX:-6}"
PORT="${PORT:-8093}"
OUT="$(mktemp -d)"
cargo build --release -q --bin ifn
"$CARGO_TARGET_DIR/release/ifn" serve --store "$STORE" --port "$PORT" > "$OUT/serve.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -rf "$OUT"' EXIT
start=$(date +%s%N)
for _ in $(seq 600); do curl -sf "http://127.0.0.1:$PORT/health" > /dev/null && break; sleep 0.1; done
echo "server ready in $(( ($(date +%s%N) - start) / 1000000 )) ms (store load, engine, place index, tilers)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
for level in $LEVELS; do
  echo "== $level"
  python3 benches/tiles/tiles.py "http://127.0.0.1:$PORT" "$level" 0 "$ZMAX" "$OUT/$level" | grep -v '^wrote'
done
