#!/usr/bin/env bash
# Builds the map viewer (web/) into web/dist/, which `ifn-server` embeds at compile time.
# Idempotent: `npm ci` from the committed lock file (or `npm install` when there is none).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
web="$root/web"

if ! command -v npm >/dev/null 2>&1; then
  echo "build-web: npm is not installed; install Node.js 20+ and npm (e.g. apt-get install -y nodejs npm), then rerun" >&2
  exit 1
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
  echo "build-web: Node.js $(node --version) is too old; the viewer needs Node.js 20 or newer" >&2
  exit 1
fi

cd "$web"
if [ -f package-lock.json ]; then
  # npm writes node_modules/.package-lock.json on install: reinstall only when the lock is newer,
  # so that a second run does not wipe and refetch node_modules.
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
     || [ package.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund
  fi
else
  npm install --no-audit --no-fund
fi
npm run build
test -f dist/index.html || { echo "build-web: npm run build did not produce web/dist/index.html" >&2; exit 1; }
echo "build-web: web/dist is ready"
