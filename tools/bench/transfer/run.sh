#!/usr/bin/env bash
# File transfer benchmark (issue 7): Peerline's file drop vs a raw data-channel blast of the same
# bytes (baseline.html), interleaved per round in one run on loopback, with peak renderer memory;
# then a sweep of the blast over chunk size x high-water mark. Prints markdown tables at the end.
#
#   tools/bench/transfer/run.sh [SIZE_MIB, default 1024; a comma list like 256,1024 compares sizes] [ROUNDS, default 2]
#
# Env: SWEEP_MIB (MiB per sweep cell, default 256; 0 skips the sweep). The random test files live
# in a temporary folder that is removed afterwards. 1024 MiB x 2 rounds + sweep: ~10 minutes.
#
#   ENGINES=1 tools/bench/transfer/run.sh [SIZE_MIB, default 1024] [ROUNDS, default 2]
#
# instead times Peerline's file drop Chromium→Chromium, Chromium→Firefox and Firefox→Chromium
# (firefox-esr), rounds interleaved across the pairs (engines.mjs); no baseline, no sweep.
#
# Large files between two persistent profiles, with each browser's process-tree RSS (issue 17):
#   node tools/bench/transfer/disk.mjs [SIZE_MIB, default 4096] [ROUNDS, default 1]
set -euo pipefail
cd "$(dirname "$0")/../../.."
for need in build/native/server/peerline-server build/wasm/web/peerline.wasm; do
  [ -e "$need" ] || { echo "missing $need: run tools/build.sh first" >&2; exit 1; }
done
[ "${ENGINES:-0}" = 1 ] && exec node tools/bench/transfer/engines.mjs "${1:-1024}" "${2:-2}"
exec node tools/bench/transfer/bench.mjs "${1:-1024}" "${2:-2}"
