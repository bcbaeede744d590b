#!/usr/bin/env bash
# Regenerates the SDF glyph ranges ifn serves at /fonts/{fontstack}/{start}-{end}.pbf (MapLibre
# text), into data/fonts/: DejaVu Sans Book and Bold, ranges 0-255 (Latin-1: é, ç, «, »),
# 256-511 (Latin Extended-A: œ, Œ) and 8192-8447 (punctuation: ’, –, …). The server embeds
# these files; nothing is fetched at run time.
#
#   scripts/glyphs.sh                       # fonts from the fonts-dejavu-core package
#   FONTS="a.ttf b.ttf" scripts/glyphs.sh
#
# Needs cargo and the DejaVu TTFs (Debian: apt-get install fonts-dejavu-core).
set -euo pipefail
cd "$(dirname "$0")/.."
FONTS=${FONTS:-"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"}
for f in $FONTS; do
  [ -f "$f" ] || { echo "missing font $f (apt-get install fonts-dejavu-core)" >&2; exit 1; }
done
# Its own target folder: the generator is not part of the workspace.
export CARGO_TARGET_DIR=${GLYPHS_TARGET_DIR:-/tmp/ifn-glyphs-target}
# shellcheck disable=SC2086
cargo run --quiet --release --manifest-path scripts/glyphs/Cargo.toml -- \
  data/fonts 0 256 8192 -- $FONTS
