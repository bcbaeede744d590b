#!/usr/bin/env bash
# A static IFN site of France in Chromium, with no ifn process: `ifn site` of the France store
# built from ../shared/data, served by web/tests/static-server.mjs (plain files, Range), then
# measured by benches/site/measure.mjs: the site's size, the bytes of the first view, and the time
# a weight change takes to re-colour the map (département and commune levels), beside the time of
# a plain repaint of the same view. Targets (#15): first view ≤ 3 MB, re-colour ≤ 100 ms.
#
# Usage: benches/site/run.sh [STORE]   (RUNS=10; PROFILE=release|debug binary, default release)
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/root/.cache/ifn-target}"
PROFILE="${PROFILE:-release}"
RUNS="${RUNS:-10}"
if [[ "$PROFILE" == release ]]; then cargo build --release --bin ifn >&2; else cargo build --bin ifn >&2; fi
IFN="$CARGO_TARGET_DIR/$PROFILE/ifn"
./scripts/build-web.sh >&2
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
STORE="${1:-${IFN_STORE:-}}"
if [[ -z "$STORE" ]]; then
  "$IFN" build --sources ../shared/data --out "$WORK/france" >"$WORK/build.log" 2>&1
  STORE="$WORK/france"
fi
start=$(date +%s.%N)
"$IFN" site --store "$STORE" --out "$WORK/site" >&2
end=$(date +%s.%N)
echo "machine: $(nproc) cores, $(uname -srm); $(date -u +%Y-%m-%dT%H:%MZ); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "ifn site ($PROFILE): $(python3 -c "print(f'{$end - $start:.1f}')") s"
node benches/site/measure.mjs "$WORK/site" "$RUNS"
