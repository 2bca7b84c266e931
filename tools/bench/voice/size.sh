#!/usr/bin/env bash
# What libopus and the Ogg Opus libraries add to a Wasm module, gzip -9 (docs/voice.md): probe
# programs linked with the voice module's size flags against build/wasm's libraries: an empty
# module, bare libopus (encode + decode), src/core/voice (libopus + libopusenc + opusfile +
# libogg), and each half of it alone (encoder: libopusenc; decoder: opusfile + libogg).
# Build the libraries first: cmake --build --preset wasm --target peerline_voice
#   tools/bench/voice/size.sh [wasm build folder, default build/wasm]
set -euo pipefail
cd "$(dirname "$0")/../../.."
build=${1:-build/wasm}
out=build/bench/voice/size
mkdir -p "$out"
export NODE_PATH=/usr/share/nodejs
libs=("$build"/third_party/opus/lib{opusenc,opusfile,ogg}.a "$build/third_party/opus/libopus/libopus.a")
[ -f "${libs[3]}" ] || { echo "missing ${libs[3]}: build $build first" >&2; exit 1; }
flags=(-Os -sENVIRONMENT=web -sFILESYSTEM=0 -sMALLOC=emmalloc -sSUPPORT_LONGJMP=0 -sALLOW_MEMORY_GROWTH=1
       -sDISABLE_EXCEPTION_CATCHING=1 --no-entry)
opus_include=$(ls -d "$build"/debian-source/opus-*/include 2>/dev/null || sed -n 's/^DEBIAN_SOURCE_DIR:PATH=//p' "$build/CMakeCache.txt")
[ -d "$opus_include" ] || opus_include=$(ls -d "$opus_include"/opus-*/include)

echo 'int keep;' >"$out/empty.c"
emcc "${flags[@]}" "$out/empty.c" -o "$out/empty.js"
emcc "${flags[@]}" -I"$opus_include" tools/bench/voice/size_raw_opus.c "${libs[3]}" -o "$out/raw_opus.js"
for half in voice:"" voice_encode:-DPROBE_ENCODE voice_decode:-DPROBE_DECODE; do
  em++ "${flags[@]}" -std=c++17 -Isrc/core ${half#*:} tools/bench/voice/size_voice.cpp \
       "$build"/src/core/voice/libpeerline_voice{,_inspect}.a "${libs[@]}" -o "$out/${half%%:*}.js"
done

gz() { gzip -9 -n -c "$1" | wc -c; }
base=$(gz "$out/empty.wasm")
printf '| probe | wasm bytes | wasm gzip | added gzip vs empty |\n|---|---|---|---|\n'
for p in empty raw_opus voice_encode voice_decode voice; do
  g=$(gz "$out/$p.wasm")
  printf '| %s | %d | %d | %d |\n' "$p" "$(wc -c <"$out/$p.wasm")" "$g" "$((g - base))"
done
