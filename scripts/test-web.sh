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

status=0
(cd "$root/web" && IFN_BASE_URL="http://127.0.0.1:$port" node --test --test-concurrency=1 tests/*.test.mjs) || status=$?
if [ "$status" -ne 0 ]; then
  echo "test-web: FAILED (screenshots in web/test-results/; server log: $log)" >&2
else
  rm -f "$log"
fi
exit "$status"
