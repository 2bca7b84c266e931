#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang-14 (-fsanitize=fuzzer,address,undefined)
# and runs each for a bounded time, seeded with the SDP corpus and a few hand-made transfer
# sessions and WebSocket frame streams. Exits non-zero on a crash.
#   tools/fuzz.sh [seconds per target, default 10] [extra libFuzzer flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
shift || true
out=build/fuzz
mkdir -p "$out"

cxx=clang++-14
common=(-std=c++17 -O1 -g -fno-omit-frame-pointer -fno-sanitize-recover=undefined -Isrc/core)
# The transfer module uses header-only xxHash and nlohmann_json from /usr/include, configured as
# CMake's xxhash_headers / nlohmann_json_headers targets configure them.
transfer_flags=(-DXXH_INLINE_ALL -DJSON_USE_IMPLICIT_CONVERSIONS=0)
# The libraries are compiled once, in parallel, with coverage instrumentation but no main; each
# module into its own folder (file names repeat across modules).
echo "fuzz: compiling src/core/sdp, src/core/transfer, the wire protocol and the WebSocket frames with clang-14 sanitizers"
mkdir -p "$out/obj" "$out/obj-transfer" "$out/obj-protocol"
export cxx out
printf '%s\n' src/core/sdp/*.cpp | xargs -P "$(nproc)" -I{} sh -c \
  '"$cxx" "$@" -fsanitize=fuzzer-no-link,address,undefined -c "{}" -o "$out/obj/$(basename "{}" .cpp).o"' _ "${common[@]}"
printf '%s\n' src/core/transfer/*.cpp | xargs -P "$(nproc)" -I{} sh -c \
  '"$cxx" "$@" -fsanitize=fuzzer-no-link,address,undefined -c "{}" -o "$out/obj-transfer/$(basename "{}" .cpp).o"' \
  _ "${common[@]}" "${transfer_flags[@]}"
printf '%s\n' src/core/protocol.cpp src/core/json_depth.cpp | xargs -P "$(nproc)" -I{} sh -c \
  '"$cxx" "$@" -fsanitize=fuzzer-no-link,address,undefined -c "{}" -o "$out/obj-protocol/$(basename "{}" .cpp).o"' \
  _ "${common[@]}" -DJSON_USE_IMPLICIT_CONVERSIONS=0
# The voice checks and decoder, instrumented; libogg, opusfile and libopus are Debian's own
# (uninstrumented: a crash inside them still stops the run, coverage guides through our code).
mkdir -p "$out/obj-voice"
voice_cflags=$(pkg-config --cflags ogg opusfile opus)
voice_libs=$(pkg-config --libs ogg opusfile opus)
for f in src/core/voice/inspect.cpp src/core/voice/decoder.cpp; do
  # shellcheck disable=SC2086  # pkg-config's flags are words
  "$cxx" "${common[@]}" $voice_cflags -fsanitize=fuzzer-no-link,address,undefined -c "$f" \
    -o "$out/obj-voice/$(basename "$f" .cpp).o" &
done
# The server's RFC 6455 frame codec: no Beast, no Asio, just the one file.
mkdir -p "$out/obj-ws"
"$cxx" "${common[@]}" -Iserver -fsanitize=fuzzer-no-link,address,undefined -c server/ws_frames.cpp \
  -o "$out/obj-ws/ws_frames.o" &
wait

# Seeds: the fixtures for the SDP target, their candidate lines (one per file) for the other.
seeds=$out/seeds
rm -rf "$seeds"; mkdir -p "$seeds/sdp_fuzzer" "$seeds/candidate_fuzzer" "$seeds/transfer_fuzzer" "$seeds/signal_fuzzer" \
  "$seeds/voice_fuzzer" "$seeds/ws_frames_fuzzer"
cp tests/fixtures/sdp/*.sdp "$seeds/sdp_fuzzer/"
cp tests/fixtures/voice/*.opus "$seeds/voice_fuzzer/"
n=0
while IFS= read -r line; do
  n=$((n + 1)); printf '%s' "$line" >"$seeds/candidate_fuzzer/$n"
done < <(cat tests/fixtures/sdp/*.sdp | tr -d '\r' | grep '^a=candidate:' | sort -u)

# Transfer seeds (records of op u8, length u16 LE, body; see transfer_fuzzer.cpp): offer t1 of
# one 10-byte file "f1", accept it, its chunk, its end frame; then the same with a cancel.
printf '\x02\x04\x00\x00\x00\x01\x0a\x06\x02\x00\x00\x00\x03\x0c\x00\x00\x000123456789\x04\x02\x00\x00\x00' \
  >"$seeds/transfer_fuzzer/whole"
printf '\x02\x04\x00\x00\x00\x01\x0a\x06\x02\x00\x00\x00\x03\x06\x00\x00\x000123\x07\x02\x00\x00\x01' \
  >"$seeds/transfer_fuzzer/cancelled"
printf '{"type":"transfer-offer","transfer":"t1","files":[{"name":"a","size":3,"mime":"text/plain"}]}' \
  | { printf '\x00\x5d\x00'; cat; } >"$seeds/transfer_fuzzer/offer-json"

# Signal seeds: one client text frame each, for the relay's fast path (scan_json_object).
printf '%s' '{"type":"signal","to":"abc","data":{"kind":"candidate","candidate":"candidate:1 1 udp 2122260223 192.168.1.2 54321 typ host","n":[1,2.5e3,-0,true,null],"s":"\u00e9\uD83D\uDE00"}}' \
  >"$seeds/signal_fuzzer/signal"
printf '%s' '{"type":"hello","name":"x"}' >"$seeds/signal_fuzzer/hello"

# WebSocket seeds ([flags][limit][stream], see ws_frames_fuzzer.cpp), built from RFC 6455 5.7's
# examples. To a server, 9 bytes a read: a masked text "Hello", a masked pong, a close 1000
# (mask key 0, so the payload reads as is).
{ printf '\x10\x04\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58'; printf '\x8a\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58'
  printf '\x88\x82\x00\x00\x00\x00\x03\xe8'; } >"$seeds/ws_frames_fuzzer/to-server"
# To a client, a byte a read, text limit 32: "Hel" + ping + "lo", then a 40-byte text (too
# large), then a close 1000.
{ printf '\x01\x01\x01\x03Hel\x89\x05Hello\x80\x02lo\x81\x28'; printf '%040d' 0; printf '\x88\x02\x03\xe8'; } \
  >"$seeds/ws_frames_fuzzer/to-client"
# To a server, 128 bytes a read: a 200-byte binary message (16-bit length), a close with a reason.
{ printf '\xfe\x10\x82\xfe\x00\xc8\x00\x00\x00\x00'; printf '%0200d' 0; printf '\x88\x85\x00\x00\x00\x00\x03\xe9bye'; } \
  >"$seeds/ws_frames_fuzzer/binary-to-server"

status=0
for target in sdp_fuzzer candidate_fuzzer transfer_fuzzer signal_fuzzer voice_fuzzer ws_frames_fuzzer; do
  echo "fuzz: building $target"
  case $target in
    transfer_fuzzer) objects=("$out"/obj-transfer/*.o); flags=("${transfer_flags[@]}") ;;
    signal_fuzzer) objects=("$out"/obj-protocol/*.o); flags=(-DJSON_USE_IMPLICIT_CONVERSIONS=0) ;;
    # shellcheck disable=SC2206  # pkg-config's flags are words
    voice_fuzzer) objects=("$out"/obj-voice/*.o); flags=($voice_cflags) ;;
    ws_frames_fuzzer) objects=("$out"/obj-ws/*.o); flags=(-Iserver) ;;
    *) objects=("$out"/obj/*.o); flags=() ;;
  esac
  libs=()
  # shellcheck disable=SC2206  # pkg-config's flags are words
  [ "$target" = voice_fuzzer ] && libs=($voice_libs)
  "$cxx" "${common[@]}" "${flags[@]}" -fsanitize=fuzzer,address,undefined "tests/fuzz/$target.cpp" "${objects[@]}" \
    "${libs[@]}" -o "$out/$target"
  mkdir -p "$out/$target-corpus" "$out/$target-findings"
  echo "fuzz: running $target for ${seconds}s"
  if ! "$out/$target" "$out/$target-corpus" "$seeds/$target" -max_total_time="$seconds" -max_len=65536 \
        -timeout=5 -rss_limit_mb=1024 -artifact_prefix="$out/$target-findings/" -print_final_stats=1 "$@" \
        >"$out/$target.log" 2>&1; then
    echo "fuzz: $target FAILED; log: $out/$target.log, findings: $out/$target-findings/"
    tail -40 "$out/$target.log"
    status=1
  else
    grep -E "stat::number_of_executed_units|cov:" "$out/$target.log" | tail -2 | sed "s/^/fuzz: $target: /"
  fi
done
exit $status
