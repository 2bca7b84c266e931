#!/usr/bin/env bash
# SDP benchmark: parse + serialize of Chrome's audio+video offer (the fixture captured from
# headless Chromium), native (g++ -O3) and Wasm (Debian emcc 3.1.6, run under Node), side by
# side in one run. Prints a table with the Wasm/native ratio.
# The Wasm is built with the flags the page ships with (MinSizeRel's -Os -DNDEBUG and the
# `peerline` target's own compile and link options, read from src/browser/CMakeLists.txt), not
# -O3: timing an -O3 build would flatter the code the page actually runs. Only what a Node
# harness needs differs: ENVIRONMENT=node, a file system for the fixture, no Embind.
#   tools/bench/sdp/run.sh [fixture.sdp] [iterations]
# SDP_SOURCE_DIR=<dir> measures another copy of src/core/sdp (e.g. the previous version, for a
# before/after comparison on the same machine state); its parent goes first on the include path.
set -euo pipefail
cd "$(dirname "$0")/../../.."
fixture=${1:-tests/fixtures/sdp/chrome-audio-video-offer.sdp}
iterations=${2:-20000}
source_dir=${SDP_SOURCE_DIR:-src/core/sdp}
out=build/bench/sdp/$(echo "$source_dir" | tr '/' '_')
mkdir -p "$out"
# Emscripten 3.1.6 writes CommonJS; the repo's package.json says "type": "module", so the
# output folder gets its own package.json.
echo '{ "type": "commonjs" }' >"$out/package.json"
sources=(tools/bench/sdp/sdp_bench.cpp "$source_dir"/*.cpp)
includes=(-I"$(dirname "$source_dir")" -Isrc/core)

echo "bench: building native (g++ -O3)" >&2
g++ -std=c++17 -O3 -DNDEBUG "${includes[@]}" "${sources[@]}" -o "$out/sdp_bench"

# The page's flags, from the target that builds it: compile options without the warnings, link
# options without comments and without what only a browser page needs (ENVIRONMENT, FILESYSTEM,
# Embind) or what keeps the harness from receiving its fixture (INCOMING_MODULE_JS_API=[] stops
# the embedded file from being loaded); none of these changes the code being timed.
browser_cmake=src/browser/CMakeLists.txt
read -r -a page_compile <<<"$(sed -n 's/^target_compile_options(peerline PRIVATE \(.*\))$/\1/p' "$browser_cmake" | sed 's/-W[a-z-]*//g')"
read -r -a page_link <<<"$(sed -n '/^target_link_options(peerline PRIVATE$/,/^)$/p' "$browser_cmake" | sed '1d;$d;s/#.*//' |
  grep -vE -- '^\s*(-lembind|-sENVIRONMENT=|-sFILESYSTEM=|-sINCOMING_MODULE_JS_API=)' | tr '\n' ' ')"
if [[ " ${page_compile[*]} " != *" -Os "* || ${#page_link[@]} -lt 3 ]]; then
  echo "bench: could not read the page's flags from $browser_cmake (got '${page_compile[*]}' / '${page_link[*]}')" >&2
  exit 1
fi
echo "bench: building wasm with the page's flags: ${page_compile[*]} / ${page_link[*]}" >&2
export NODE_PATH=/usr/share/nodejs   # Debian's emcc needs it (DESIGN.md pitfalls)
em++ -std=c++17 -DNDEBUG "${page_compile[@]}" "${includes[@]}" "${sources[@]}" "${page_link[@]}" \
     -sENVIRONMENT=node --embed-file "$fixture@/fixture.sdp" -o "$out/sdp_bench.js"

native=$("$out/sdp_bench" "$fixture" "$iterations")
wasm=$(node --no-experimental-fetch "$out/sdp_bench.js" /fixture.sdp "$iterations")
value() { awk -v k="$1" '$1 == k { print $2 }' <<<"$2"; }

echo
echo "SDP benchmark ($source_dir): $(basename "$fixture") ($(value bytes "$native") bytes), best of 25 rounds x $((iterations / 5)) ops"
echo "native: g++ -O3; wasm: the page's flags (${page_compile[*]} ${page_link[*]})"
echo "$(uname -m), $(g++ --version | head -1), emcc $(em++ --version | head -1 | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1), node $(node --version)"
printf '%-18s %14s %14s %8s\n' "operation" "native µs/op" "wasm (page) µs/op" "ratio"
for op in parse serialize parse+serialize; do
  n=$(value "$op" "$native"); w=$(value "$op" "$wasm")
  printf '%-18s %14s %14s %7.2fx\n' "$op" "$n" "$w" "$(awk -v a="$w" -v b="$n" 'BEGIN { print a / b }')"
done
