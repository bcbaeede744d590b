#!/usr/bin/env bash
# Viewer repaint after a new selection, in headless Chromium, on the France store built from
# ../shared/data, with a release `ifn serve`: milliseconds from the new selection reaching the map
# (after the viewer's 250 ms debounce of weight sliders) until every visible tile is loaded and
# drawn — metropolitan France at zoom 5.5 (départements) and the Cantal at zoom 9 (communes),
# three selections each, every one new to the server (cold: scores and tiles computed for it).
#
#   benches/viewer/repaint.sh            # needs cargo, node with web/node_modules, chromium
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
data="${IFN_SHARED_DATA:-$root/../shared/data}"
[ -d "$data" ] || { echo "repaint: $data is missing (the real data of ../shared/data)" >&2; exit 1; }
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ifn-target}"
bash "$root/scripts/build-web.sh" >/dev/null
(cd "$root" && cargo build -q --release --bin ifn)
bin="$CARGO_TARGET_DIR/release/ifn"
store="$(mktemp -d -t ifn-bench-france.XXXXXX)"; rmdir "$store"
"$bin" build --sources "$data" --out "$store" --strict >/dev/null 2>&1
port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
"$bin" serve --store "$store" --port "$port" >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$store"' EXIT
for _ in $(seq 1 240); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.5; done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
(cd "$root/web" && IFN_FRANCE_URL="http://127.0.0.1:$port" node --test --test-name-pattern="repaint" tests/france.mjs) \
  | grep -E '^# repaint|^# (pass|fail)'
cat "$root/web/test-results/france-repaint.json"
