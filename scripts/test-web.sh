#!/usr/bin/env bash
# End-to-end tests of the map viewer: builds web/, builds and starts the real `ifn serve` (demo
# territory, one free port per run), waits for /health, runs the Playwright tests in headless
# Chromium (Debian's, never a browser downloaded from npm), stops the server.
# There is no mock server: the tests run against the real one, the only copy of the contract.
#
# Screenshots are left in web/test-results/. Exits non-zero when a test fails.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "test-web: chromium is missing; install it as root: apt-get update && apt-get install -y chromium" >&2
    exit 1
  fi
  echo "test-web: installing Debian's chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

bash "$root/scripts/build-web.sh"

port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
log="$(mktemp -t ifn-serve.XXXXXX.log)"
server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
}
trap stop_server EXIT

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/root/.cache/ifn-target}"
# Compile first (the server embeds web/dist), so that the wait below only covers start-up.
(cd "$root" && cargo build -q --bin ifn)
(cd "$root" && exec cargo run -q --bin ifn -- serve --port "$port") >"$log" 2>&1 &
server_pid=$!

for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "test-web: the server exited before answering /health; its log:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.5
done
if ! curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; then
  echo "test-web: no answer from http://127.0.0.1:$port/health after 60 s; server log:" >&2
  cat "$log" >&2
  exit 1
fi
echo "test-web: server up on port $port"

# A second server comparing the demo's vintage 2 with vintage 1, for the « Évolution » view.
eport="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
"$CARGO_TARGET_DIR/debug/ifn" serve --demo-vintage 2 --port "$eport" >>"$log" 2>&1 &
evolution_pid=$!
trap 'stop_server; kill "$evolution_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$eport/health" >/dev/null 2>&1; then break; fi
  sleep 0.5
done

status=0
(cd "$root/web" && IFN_BASE_URL="http://127.0.0.1:$port" IFN_EVOLUTION_URL="http://127.0.0.1:$eport" \
  node --test --test-concurrency=1 tests/*.test.mjs) || status=$?
kill "$evolution_pid" 2>/dev/null || true
wait "$evolution_pid" 2>/dev/null || true

# The static site (`ifn site` of the demo) served by a plain Range-honouring file server, with no
# ifn process: the map draws, the browser's scores equal `ifn score`'s, a weight change fetches no
# tile.
(cd "$root/web" && IFN_BIN="$CARGO_TARGET_DIR/debug/ifn" node --test tests/static.mjs) || status=$?

# The same viewer on the France store built from ../shared/data, as users see it (first view,
# tiles per level, repaint times). Without the data it is skipped, unless IFN_REQUIRE_REAL_DATA=1
# (CI), where tests/france.mjs fails for want of a server.
data="${IFN_SHARED_DATA:-$root/../shared/data}"
france_url=""
france_pid=""
france_log="$(mktemp -t ifn-serve-france.XXXXXX.log)"
stop_france() {
  if [ -n "$france_pid" ] && kill -0 "$france_pid" 2>/dev/null; then
    kill "$france_pid" 2>/dev/null || true
    wait "$france_pid" 2>/dev/null || true
  fi
}
trap 'stop_server; stop_france; kill "$evolution_pid" 2>/dev/null || true' EXIT
if [ -d "$data" ]; then
  store="$(mktemp -d -t ifn-france-store.XXXXXX)"
  rmdir "$store"
  echo "test-web: building the France store from $data"
  "$CARGO_TARGET_DIR/debug/ifn" build --sources "$data" --out "$store" --strict >"$france_log" 2>&1 \
    || { echo "test-web: ifn build failed; its log:" >&2; cat "$france_log" >&2; exit 1; }
  fport="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  "$CARGO_TARGET_DIR/debug/ifn" serve --store "$store" --port "$fport" >>"$france_log" 2>&1 &
  france_pid=$!
  for _ in $(seq 1 240); do
    if curl -fsS "http://127.0.0.1:$fport/health" >/dev/null 2>&1; then france_url="http://127.0.0.1:$fport"; break; fi
    if ! kill -0 "$france_pid" 2>/dev/null; then break; fi
    sleep 0.5
  done
  [ -n "$france_url" ] || { echo "test-web: the France store's server did not answer; its log:" >&2; cat "$france_log" >&2; exit 1; }
fi
(cd "$root/web" && IFN_FRANCE_URL="$france_url" node --test tests/france.mjs) || status=$?
stop_france
[ -n "${store:-}" ] && rm -rf "$store"

if [ "$status" -ne 0 ]; then
  echo "test-web: FAILED (screenshots in web/test-results/; server logs: $log $france_log)" >&2
else
  rm -f "$log" "$france_log"
fi
exit "$status"
