#!/usr/bin/env bash
# Instructions per parse+serialize op, counted by callgrind: unlike time, stable when the
# machine is shared. Runs the native bench (g++ -O3) for 10 and for 110 ops and divides the
# difference by 100, so start-up and file reading cancel out.
#   tools/bench/sdp/callgrind.sh [fixture.sdp] [source dir, default src/core/sdp]
set -euo pipefail
cd "$(dirname "$0")/../../.."
fixture=${1:-tests/fixtures/sdp/chrome-audio-video-offer.sdp}
sources_dir=${2:-src/core/sdp}
out=build/bench/sdp
mkdir -p "$out"
# A copy of the library elsewhere (e.g. the previous version) is measured with its own
# headers first on the include path.
g++ -std=c++17 -O3 -DNDEBUG -I"$(dirname "$sources_dir")" -Isrc/core tools/bench/sdp/sdp_bench.cpp "$sources_dir"/*.cpp \
    -o "$out/sdp_bench_cg"
count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$out/sdp_bench_cg" "$fixture" --ops "$1" 2>&1 |
    awk '/Collected :/ { print $NF }'
}
small=$(count 10)
large=$(count 110)
echo "callgrind: $(basename "$fixture"): $(( (large - small) / 100 )) instructions per parse+serialize ($sources_dir)"
