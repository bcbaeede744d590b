#!/usr/bin/env bash
# Cold-selection tile latency (issue 11 target: p95 ≤ 30 ms for any tile of the France store):
# for several fresh selections (weights never asked before), the tiles of a viewport per
# (level, zoom) — départements z5–z6, EPCI z7, communes z8 and z10 as the viewer draws them,
# communes z5–z6 as the worst case — asked at once, 6 in flight as MapLibre does; prints
# p50/p95/max per case (benches/tiles/cold_selection.py).
#
#   benches/tiles/cold_selection.sh                 # release binary, France store built here
#   STORE=/tmp/fr RUNS=10 benches/tiles/cold_selection.sh
#   IFN_BIN=/tmp/ifn-new BASE_BIN=/tmp/ifn-old benches/tiles/cold_selection.sh   # before/after,
#                                                    # interleaved in one run
#
# Needs the France sources in ../shared/data (or DATA=…), python3 and curl.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/root/.cache/ifn-target}
DATA=${DATA:-../shared/data}
RUNS=${RUNS:-8}
CONC=${CONC:-6}
ROUNDS=${ROUNDS:-2}
PORT=${PORT:-8095}
BASE_PORT=${BASE_PORT:-8096}
if [ ! -d "$DATA" ] && [ -z "${STORE:-}" ]; then
  echo "cold_selection.sh: no France sources at $DATA (set DATA=… or STORE=… to an existing store)" >&2
  exit 1
fi
if [ -z "${IFN_BIN:-}" ]; then
  cargo build --release -q --bin ifn
  IFN_BIN="$CARGO_TARGET_DIR/release/ifn"
fi
TMP=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$TMP"; }
trap cleanup EXIT
if [ -z "${STORE:-}" ]; then
  STORE="$TMP/store"
  echo "== building the France store from $DATA"
  "$IFN_BIN" build --sources "$DATA" --out "$STORE" --strict > "$TMP/build.log" 2>&1 \
    || { cat "$TMP/build.log" >&2; exit 1; }
fi
serve() { # bin port
  "$1" serve --store "$STORE" --port "$2" > "$TMP/serve-$2.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 600); do curl -sf "http://127.0.0.1:$2/health" > /dev/null && return; sleep 0.1; done
  echo "server on port $2 did not start" >&2; cat "$TMP/serve-$2.log" >&2; exit 1
}
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u '+%F %H:%M UTC')"
serve "$IFN_BIN" "$PORT"
[ -n "${BASE_BIN:-}" ] && serve "$BASE_BIN" "$BASE_PORT"
for round in $(seq "$ROUNDS"); do
  if [ -n "${BASE_BIN:-}" ]; then
    echo "== base ($BASE_BIN), round $round, load $(cut -d' ' -f1 /proc/loadavg)"
    python3 benches/tiles/cold_selection.py "http://127.0.0.1:$BASE_PORT" "$RUNS" "$CONC"
  fi
  echo "== $IFN_BIN, round $round, load $(cut -d' ' -f1 /proc/loadavg)"
  python3 benches/tiles/cold_selection.py "http://127.0.0.1:$PORT" "$RUNS" "$CONC"
done
