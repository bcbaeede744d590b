#!/usr/bin/env bash
# Installs what ifn needs on a Debian machine, only what is missing:
#   GDAL (library + ogrinfo), pkg-config; with --browser also Debian's Chromium for the web tests.
# Rust (cargo) and Node.js/npm must already be there; the script says so if they are not.
set -euo pipefail

want_browser=0
[ "${1:-}" = "--browser" ] && want_browser=1

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        echo "setup: need root (or sudo) to run: $*" >&2; exit 1; fi
}

missing=()
dpkg -s libgdal-dev >/dev/null 2>&1 || missing+=(libgdal-dev)
command -v ogrinfo >/dev/null 2>&1 || missing+=(gdal-bin)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
if [ "$want_browser" = 1 ]; then
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fi
if [ "${#missing[@]}" -gt 0 ]; then
    echo "setup: installing ${missing[*]} with apt-get" >&2
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
    echo "setup: cargo not found: install Rust 1.95 or newer (https://rustup.rs) and run again" >&2
    exit 1
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "setup: npm not found: installing Debian's nodejs and npm" >&2
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq nodejs npm >/dev/null
fi
