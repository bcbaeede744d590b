#!/usr/bin/env bash
# Times `ifn build` on the real files of ../shared/data (target: under 60 s on 2 cores), then
# the loading of the store it writes (target: under 2 s), in one run on one machine.
#
# Usage: benches/build/run.sh [SOURCES]     (default SOURCES: ../shared/data)
#   RUNS=3 (build runs), LOAD_RUNS=10.
# Needs: cargo; hyperfine if installed (apt-get install hyperfine), else a timing loop.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ifn-target}"
SOURCES="${1:-../shared/data}"
RUNS="${RUNS:-3}"
LOAD_RUNS="${LOAD_RUNS:-10}"
[[ -d "$SOURCES" ]] || { echo "no sources folder $SOURCES" >&2; exit 1; }
cargo build --release --bin ifn >&2
IFN="$CARGO_TARGET_DIR/release/ifn"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr)"
echo "sources: $SOURCES ($(du -sh "$SOURCES" | cut -f1))"
BUILD_CMD="rm -rf $WORK/store && $IFN build --sources $SOURCES --out $WORK/store"
LOAD_CMD="$IFN info --store $WORK/store"
if command -v hyperfine >/dev/null; then
  hyperfine --runs "$RUNS" --export-markdown "$WORK/build.md" --command-name "ifn build" "$BUILD_CMD"
  cat "$WORK/build.md"
  # The store of the last run stays for the load measure.
  eval "$BUILD_CMD" >/dev/null 2>&1
  hyperfine --warmup 2 --runs "$LOAD_RUNS" --export-markdown "$WORK/load.md" --command-name "ifn info (load the store)" "$LOAD_CMD"
  cat "$WORK/load.md"
else
  for i in $(seq "$RUNS"); do
    s=$(date +%s%N); eval "$BUILD_CMD" >/dev/null 2>&1; e=$(date +%s%N)
    echo "ifn build run $i: $(( (e - s) / 1000000 )) ms"
  done
fi
# The store's own load time (measured inside the process, without process start-up).
"$IFN" info --store "$WORK/store" | sed -n '1,4p'
echo "store size: $(du -sh "$WORK/store" | cut -f1)"
