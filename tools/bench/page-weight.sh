#!/usr/bin/env bash
# Prints what a first visit downloads (gzip, as the server sends it): the files of the built web
# folder's top level plus voice/voice.js (a <script> of index.html), against the 300 KB budget
# (DESIGN.md); then, apart, what the voice-message codec module adds when it is first used.
#   tools/bench/page-weight.sh [web folder, default build/wasm/web]
set -euo pipefail
cd "$(dirname "$0")/../.."
web=${1:-build/wasm/web}
[ -f "$web/index.html" ] || { echo "missing $web/index.html (build first: tools/build.sh)" >&2; exit 1; }

table() {  # title, files relative to $web
  local title=$1 total=0 gz raw f
  shift
  printf '\n%s\n\n| file | gzip bytes | raw bytes |\n|---|---|---|\n' "$title"
  for f in "$@"; do
    gz=$(gzip -9 -n -c "$web/$f" | wc -c)
    raw=$(wc -c <"$web/$f")
    total=$((total + gz))
    printf '| %s | %d | %d |\n' "$f" "$gz" "$raw"
  done
  awk -v t="$total" 'BEGIN { printf "| **total** | **%d** (%.1f KB) | |\n", t, t / 1024 }'
}

first=$(cd "$web" && find . -maxdepth 1 -type f ! -name '*.gz' -printf '%P\n' | sort)
# shellcheck disable=SC2086  # file names without spaces, one per word
table "First visit (budget 300 KB gzip):" $first voice/voice.js
if [ -d "$web/voice" ]; then
  table "On demand, when a voice message is first recorded or played:" \
    voice/peerline-voice.js voice/peerline-voice.wasm voice/recorder-worklet.js
fi
