#!/usr/bin/env bash
# Compares `ifn export --format fgb` with `ogr2ogr -f FlatGeobuf` converting the same features
# from GeoJSON, in the same run, on the same machine. Target: ifn at most half ogr2ogr's time.
#
# Usage: benches/export/run.sh [STORE]
#   STORE: an ifn store (default: env IFN_STORE; otherwise a France store is built from
#          ../shared/data with `ifn build` if that works; otherwise the demo store).
# Needs: cargo, ogr2ogr (gdal-bin); hyperfine if installed (else a timing loop).
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/root/.cache/ifn-target}"
LEVEL="${LEVEL:-commune}"
RUNS="${RUNS:-5}"
cargo build --release --bin ifn >&2
IFN="$CARGO_TARGET_DIR/release/ifn"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

STORE="${1:-${IFN_STORE:-}}"
if [[ -z "$STORE" ]]; then
  if "$IFN" build --sources ../shared/data --out "$WORK/france" >&2 2>"$WORK/build.log"; then
    STORE="$WORK/france"
  else
    echo "note: no France store (ifn build failed: $(tail -1 "$WORK/build.log")); using the demo" >&2
    "$IFN" demo --out "$WORK/demo" >&2
    STORE="$WORK/demo"
  fi
fi

# The same features as GeoJSON, for ogr2ogr.
"$IFN" export --store "$STORE" --level "$LEVEL" --format geojson --out "$WORK/in.geojson" >&2
FEATURES=$(ogrinfo -so -al "$WORK/in.geojson" | sed -n 's/^Feature Count: //p')

IFN_CMD="$IFN export --store $STORE --level $LEVEL --format fgb --out $WORK/ifn.fgb --force"
# GDAL 3.6's FlatGeobuf driver cannot delete a layer (-overwrite fails): remove the file first,
# outside the timing (hyperfine --prepare).
OGR_CMD="ogr2ogr -f FlatGeobuf $WORK/ogr.fgb $WORK/in.geojson"
OGR_PREP="rm -f $WORK/ogr.fgb"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -sr)"
echo "gdal: $(ogr2ogr --version)"
echo "store: $STORE, level: $LEVEL, features: $FEATURES"
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 1 --runs "$RUNS" --export-markdown "$WORK/result.md" \
    --prepare true --prepare "$OGR_PREP" "$IFN_CMD" "$OGR_CMD"
  cat "$WORK/result.md"
else
  timeit() { # median wall time in ms of RUNS runs
    local t=()
    for _ in $(seq "$RUNS"); do
      eval "$OGR_PREP"; local s e; s=$(date +%s%N); eval "$1" >/dev/null 2>&1; e=$(date +%s%N)
      t+=($(( (e - s) / 1000000 )))
    done
    printf '%s\n' "${t[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"
  }
  eval "$IFN_CMD" >/dev/null 2>&1; eval "$OGR_PREP"; eval "$OGR_CMD" >/dev/null 2>&1   # warm-up
  A=$(timeit "$IFN_CMD"); B=$(timeit "$OGR_CMD")
  echo "ifn export fgb (incl. loading the store and scoring): median ${A} ms over $RUNS runs"
  echo "ogr2ogr GeoJSON -> FlatGeobuf:                       median ${B} ms over $RUNS runs"
  awk -v a="$A" -v b="$B" 'BEGIN { printf "ratio ifn/ogr2ogr: %.2f (target <= 0.50)\n", a / b }'
fi
echo "check: $(ogrinfo -so -al "$WORK/ifn.fgb" | grep 'Feature Count')"
