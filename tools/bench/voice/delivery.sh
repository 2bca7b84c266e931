#!/usr/bin/env bash
# Voice message delivery benchmark (issue 20): Send -> Delivered for a 60 s message over the data
# link (opened for it, and already open) against the old path through the server, same run.
# Usage: tools/bench/voice/delivery.sh [pairs per side, default 10] [old ref, default 94904aa]
#   (after tools/build.sh). The old page is built once from that git ref into
#   build/bench-before/<ref>/ (a worktree); PEERLINE_WEB_BEFORE=<web folder> skips that.
set -euo pipefail
cd "$(dirname "$0")/../../.."
pairs=${1:-10}
ref=${2:-94904aa}  # the last commit whose page sends voice messages through the server
for need in build/native/server/peerline-server build/wasm/web/peerline.wasm; do
  [ -e "$need" ] || { echo "missing $need: run tools/build.sh first" >&2; exit 1; }
done
command -v opusenc >/dev/null || { echo "needs opusenc (opus-tools; tools/setup.sh installs it)" >&2; exit 1; }

if [ -z "${PEERLINE_WEB_BEFORE:-}" ]; then
  tree=build/bench-before/$ref
  if [ ! -e "$tree/build/wasm/web/peerline.wasm" ]; then
    [ -d "$tree" ] || git worktree add --detach "$tree" "$ref" >/dev/null
    (cd "$tree" && export NODE_PATH=/usr/share/nodejs && cmake --preset wasm >/dev/null && cmake --build build/wasm >/dev/null)
  fi
  export PEERLINE_WEB_BEFORE=$PWD/$tree/build/wasm/web
fi

# A minute of a voiced, syllable-paced synthetic signal, encoded as the recorder does (24 kbps,
# 20 ms, VBR): ~180 KB, the size a real minute of speech has (docs/voice.md "The format").
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work/minute.wav" <<'PY'
import math, random, struct, sys, wave
rate, seconds = 48000, 60
random.seed(7)
out = wave.open(sys.argv[1], 'wb')
out.setnchannels(1); out.setsampwidth(2); out.setframerate(rate)
samples = bytearray()
for i in range(rate * seconds):
    t = i / rate
    syllable = 0.5 * (1 + math.sin(2 * math.pi * 3.1 * t))
    pitch = 140 * (1 + 0.1 * math.sin(2 * math.pi * 0.4 * t))
    voiced = sum(math.sin(2 * math.pi * pitch * k * t) / k for k in range(1, 8))
    s = 0.25 * syllable * voiced + 0.02 * (random.random() * 2 - 1)
    samples += struct.pack('<h', int(max(-1, min(1, s)) * 32767))
out.writeframes(bytes(samples))
out.close()
PY
opusenc --quiet --bitrate 24 --framesize 20 --vbr "$work/minute.wav" "$work/minute.opus"
node tools/bench/voice/delivery.mjs "$work/minute.opus" "$pairs"
