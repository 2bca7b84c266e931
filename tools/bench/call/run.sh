#!/usr/bin/env bash
# Call setup benchmark: click Call -> first remote video frame, Peerline vs a plain-JS baseline,
# each from a Chromium caller to a Chromium and to a Firefox callee (FIREFOX=0: Chromium only).
# Usage: tools/bench/call/run.sh [calls per side, default 20]   (after tools/build.sh)
set -euo pipefail
cd "$(dirname "$0")/../../.."
for need in build/native/server/peerline-server build/wasm/web/peerline.wasm; do
  [ -e "$need" ] || { echo "missing $need: run tools/build.sh first" >&2; exit 1; }
done
exec node tools/bench/call/bench.mjs "${1:-20}"
