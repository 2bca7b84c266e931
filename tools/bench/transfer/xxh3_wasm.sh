#!/usr/bin/env bash
# XXH3-128 in WebAssembly, built at -Os (what the page's size budget picks for everything else)
# and at -O3 (what src/core/transfer/CMakeLists.txt gives checksum.cpp), 256 MiB each under
# Node. Both must print the same digest.   tools/bench/transfer/xxh3_wasm.sh   (~10 s)
set -euo pipefail
cd "$(dirname "$0")/../../.."
export NODE_PATH=/usr/share/nodejs
work=$(mktemp -d /tmp/peerline-xxh3.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/include" && ln -s /usr/include/xxhash.h "$work/include/xxhash.h"  # not all of /usr/include
for level in -Os -O3; do
  emcc "$level" -sENVIRONMENT=node -I"$work/include" tools/bench/transfer/xxh3_speed.c -o "$work/xxh3$level.js"
  # Emscripten 3.1.6's loader would fetch() the .wasm under Node 18+, which cannot open paths.
  printf '%s %s\n' "$level" "$(node --no-experimental-fetch "$work/xxh3$level.js")"
done
