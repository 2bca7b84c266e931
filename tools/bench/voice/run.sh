#!/usr/bin/env bash
# Voice-message codec benchmark (issue 8, docs/voice.md): 60 s of espeak-ng speech at 48 kHz
# mono, encoded at 24 kbps (VOIP, 20 ms) and decoded, natively (Debian's libopus) and as Wasm
# (Debian's opus source compiled by emcc, run under Node) in the same run, rounds interleaved.
# Each Wasm variant is libopus (and libogg/libopusenc/opusfile) built with other flags, in its own
# build folder under build/bench/voice; the first is what build/wasm ships.
#   tools/bench/voice/run.sh [name=flags ...]     e.g. run.sh O2=-O2 O3=-O3 "approx=-O3 -DFLOAT_APPROX"
# Environment: COMPLEXITIES (default "9 5"), ROUNDS (default 3).
set -euo pipefail
cd "$(dirname "$0")/../../.."
out=build/bench/voice
mkdir -p "$out"
export NODE_PATH=/usr/share/nodejs   # Debian's emcc needs it (DESIGN.md pitfalls)
complexities=${COMPLEXITIES:-9 5}
rounds=${ROUNDS:-3}
shipped=$(sed -n 's/^set(PEERLINE_OPUS_WASM_FLAGS "\([^"]*\)".*/\1/p' third_party/opus/wasm.cmake)
if (($# == 0)); then set -- "shipped=$shipped"; fi

speech=$out/speech.wav
if [ ! -f "$speech" ]; then
  espeak-ng -s 150 -w "$speech" "Hi, it's me. I tried to call you but you did not pick up. I wanted \
to ask whether we are still on for dinner on Friday. The table is booked for seven thirty, and Anna \
said she would bring the wine. Call me back when you get this, or just send a message. Talk soon, bye."
fi

echo "bench: building native (g++ -O2, Debian's libopus $(pkg-config --modversion opus))" >&2
g++ -std=c++17 -O2 -DNDEBUG -Isrc/core tools/bench/voice/voice_bench.cpp src/core/voice/*.cpp \
    $(pkg-config --cflags --libs opus ogg libopusenc opusfile) -o "$out/voice_bench"

# Emscripten 3.1.6 writes CommonJS; the repo's package.json says "type": "module".
echo '{ "type": "commonjs" }' >"$out/package.json"
names=()
for variant in "$@"; do
  name=${variant%%=*} flags=${variant#*=}
  dir=$out/wasm-$name
  echo "bench: building wasm variant $name (libopus: $flags)" >&2
  start=$(date +%s)
  emcmake cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=MinSizeRel \
      -DPEERLINE_OPUS_WASM_FLAGS="$flags" -DDEBIAN_SOURCE_DIR="$PWD/$out/debian-source" >"$dir.log" 2>&1 \
    || { cat "$dir.log"; exit 1; }
  cmake --build "$dir" --target peerline_voice peerline_voice_inspect opus opusenc opusfile ogg >>"$dir.log" 2>&1 || { tail -30 "$dir.log"; exit 1; }
  em++ -std=c++17 -O2 -DNDEBUG -Isrc/core tools/bench/voice/voice_bench.cpp "$dir"/src/core/voice/libpeerline_voice{,_inspect}.a \
      "$dir"/third_party/opus/lib{opusenc,opusfile,ogg}.a "$dir/third_party/opus/libopus/libopus.a" \
      -sENVIRONMENT=node -sNODERAWFS=1 -sALLOW_MEMORY_GROWTH=1 -o "$out/voice_bench_$name.js"
  echo "bench: $name built in $(($(date +%s) - start)) s (configure + libraries + link)" >&2
  names+=("$name")
done

value() { awk -v k="$1" '$1 == k { print $2 }' <<<"$2"; }
best() { awk -v a="${1:-0}" -v b="$2" 'BEGIN { print (b > a ? b : a) }'; }
declare -A enc dec
for c in $complexities; do
  # Rounds interleave native and wasm, so load from other processes hits both alike; best of each.
  for ((r = 0; r < rounds; r++)); do
    result=$("$out/voice_bench" "$speech" "$c" 1)
    enc[native,$c]=$(best "${enc[native,$c]:-}" "$(value encode_x_realtime "$result")")
    dec[native,$c]=$(best "${dec[native,$c]:-}" "$(value decode_x_realtime "$result")")
    bytes[$c]=$(value bytes "$result")
    for name in "${names[@]}"; do
      result=$(node --no-experimental-fetch "$out/voice_bench_$name.js" "$speech" "$c" 1)
      enc[$name,$c]=$(best "${enc[$name,$c]:-}" "$(value encode_x_realtime "$result")")
      dec[$name,$c]=$(best "${dec[$name,$c]:-}" "$(value decode_x_realtime "$result")")
    done
  done
done

echo
echo "Voice benchmark: 60 s espeak-ng speech, 48 kHz mono, 24 kbps VOIP 20 ms; best of $rounds interleaved rounds"
echo "$(uname -m), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(g++ --version | head -1), emcc $(em++ --version | head -1 | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1), node $(node --version)"
printf '%-10s %-28s %4s %10s %10s %10s %10s %9s\n' build "libopus flags" cplx "enc ×rt" "dec ×rt" "enc w/n" "dec w/n" bytes
for c in $complexities; do
  printf '%-10s %-28s %4s %10s %10s %10s %10s %9s\n' native "Debian libopus0" "$c" "${enc[native,$c]}" "${dec[native,$c]}" - - "${bytes[$c]}"
  i=0
  for name in "${names[@]}"; do
    i=$((i + 1)); flags=${!i}; flags=${flags#*=}
    printf '%-10s %-28s %4s %10s %10s %9.2fx %9.2fx %9s\n' "$name" "$flags" "$c" "${enc[$name,$c]}" "${dec[$name,$c]}" \
      "$(awk -v n="${enc[native,$c]}" -v w="${enc[$name,$c]}" 'BEGIN { print n / w }')" \
      "$(awk -v n="${dec[native,$c]}" -v w="${dec[$name,$c]}" 'BEGIN { print n / w }')" -
  done
done
