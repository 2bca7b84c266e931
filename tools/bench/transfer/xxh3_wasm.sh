#!/usr/bin/env bash
# XXH3-128 in WebAssembly, 256 MiB under Node, built three ways: at -Os (what the page's size
# budget picks for everything else); with -O3 after it, as CMake appends a file's own options to
# the build type's -Os (emcc 3.1.6 then still adds -fno-inline-functions, its INLINING_LIMIT for
# -Os); and with -finline-functions as well, which src/core/transfer/CMakeLists.txt now gives
# checksum.cpp. All must print the same digest.   tools/bench/transfer/xxh3_wasm.sh   (~15 s)
set -euo pipefail
cd "$(dirname "$0")/../../.."
export NODE_PATH=/usr/share/nodejs
work=$(mktemp -d /tmp/peerline-xxh3.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/include" && ln -s /usr/include/xxhash.h "$work/include/xxhash.h"  # not all of /usr/include
n=0
for flags in "-Os" "-Os -O3" "-Os -O3 -finline-functions"; do
  n=$((n + 1))
  # shellcheck disable=SC2086  # the flags are words
  emcc $flags -sENVIRONMENT=node -I"$work/include" tools/bench/transfer/xxh3_speed.c -o "$work/xxh3-$n.js"
  # Emscripten 3.1.6's loader would fetch() the .wasm under Node 18+, which cannot open paths.
  printf '%-28s %s\n' "$flags" "$(node --no-experimental-fetch "$work/xxh3-$n.js")"
done
