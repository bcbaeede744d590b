#!/usr/bin/env bash
# Warm tile latency and throughput of ifn-server, and of martin serving the very same tiles
# from an MBTiles file, in one run, with wrk on 127.0.0.1.
#
#   benches/tiles/run.sh                      # commune tiles z6..z12 of the demo, 15 s each
#   LEVEL=iris ZMAX=13 DUR=30s CONN=64 benches/tiles/run.sh
#
# Needs: wrk (apt-get install wrk), python3, curl; martin on PATH or in MARTIN=… (optional:
# without it only ifn is measured).
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/root/.cache/ifn-target}
PORT=${PORT:-8091}
MPORT=${MPORT:-3091}
DUR=${DUR:-15s}
CONN=${CONN:-32}
THREADS=${THREADS:-2}
LEVEL=${LEVEL:-commune}
ZMIN=${ZMIN:-6}
ZMAX=${ZMAX:-12}
OUT=${OUT:-/tmp/ifn-tiles-bench}
MARTIN=${MARTIN:-$(command -v martin || true)}
mkdir -p "$OUT"

echo "== machine"
echo "nproc: $(nproc)"
lscpu | head -15 || true
echo

cargo build --release -q -p ifn-server --example serve_demo
"$CARGO_TARGET_DIR/release/examples/serve_demo" "$PORT" > "$OUT/ifn.log" 2>&1 &
IFN_PID=$!
MARTIN_PID=
cleanup() {
  kill "$IFN_PID" 2>/dev/null || true
  [ -n "$MARTIN_PID" ] && kill "$MARTIN_PID" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/health" > /dev/null && break; sleep 0.1; done

echo "== tiles ($LEVEL, z$ZMIN..z$ZMAX), sizes; this also warms the ifn caches"
python3 benches/tiles/tiles.py "http://127.0.0.1:$PORT" "$LEVEL" "$ZMIN" "$ZMAX" "$OUT"
echo

cpu_ticks() { # utime + stime of a process, in clock ticks
  awk '{print $14 + $15}' "/proc/$1/stat"
}

run_wrk() { # name url paths pid
  echo "== $1: wrk -t$THREADS -c$CONN -d$DUR --latency -s benches/tiles/paths.lua $2 -- $3"
  local before after
  before=$(cpu_ticks "$4")
  wrk -t"$THREADS" -c"$CONN" -d"$DUR" --latency -s benches/tiles/paths.lua "$2" -- "$3" | tee "$OUT/$1.wrk"
  after=$(cpu_ticks "$4")
  # Server CPU per request: on 2 cores the load generator takes one, so req/s is bounded by
  # the client too; CPU time per request is each server's own cost.
  echo "CPU $1 ticks=$(( after - before )) hz=$(getconf CLK_TCK)" | tee -a "$OUT/$1.wrk"
  echo
}

run_wrk ifn "http://127.0.0.1:$PORT" "$OUT/ifn-paths.txt" "$IFN_PID"

if [ -n "$MARTIN" ]; then
  "$MARTIN" --listen-addresses "127.0.0.1:$MPORT" "$OUT/ifn_$LEVEL.mbtiles" > "$OUT/martin.log" 2>&1 &
  MARTIN_PID=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$MPORT/health" > /dev/null && break; sleep 0.1; done
  # Warm martin too (its tile cache, the page cache of the MBTiles file).
  while read -r p; do curl -s -o /dev/null -H 'Accept-Encoding: gzip' "http://127.0.0.1:$MPORT$p"; done < "$OUT/martin-paths.txt"
  run_wrk martin "http://127.0.0.1:$MPORT" "$OUT/martin-paths.txt" "$MARTIN_PID"
  python3 - "$OUT" <<'PY'
import re, sys
out = sys.argv[1]
def parse(name):
    lines = open(f"{out}/{name}.wrk").read().splitlines()
    r = {}
    for prefix in ("RESULT", "CPU"):
        line = [l for l in lines if l.startswith(prefix)][0]
        r.update({k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", line)})
    r["us_per_req"] = r["ticks"] / r["hz"] * 1e6 / r["requests"]
    return r
a, b = parse("ifn"), parse("martin")
for n, r in (("ifn", a), ("martin", b)):
    print(f"{n + ':':8}{r['rps']:.0f} req/s, p99 {r['p99_ms']:.2f} ms, server CPU {r['us_per_req']:.1f} µs/request "
          f"(≈ {1e6 / r['us_per_req']:.0f} req/s per core)")
print(f"ratio ifn/martin (req/s under wrk): {a['rps'] / b['rps']:.2f}")
print(f"ratio ifn/martin (requests per CPU-second): {b['us_per_req'] / a['us_per_req']:.2f}")
PY
else
  echo "martin not found (set MARTIN=/path/to/martin): only ifn measured"
fi
