#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang-14 (-fsanitize=fuzzer,address,undefined)
# and runs each for a bounded time with the SDP corpus as seeds. Exits non-zero on a crash.
#   tools/fuzz.sh [seconds per target, default 10] [extra libFuzzer flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
shift || true
out=build/fuzz
mkdir -p "$out"

cxx=clang++-14
common=(-std=c++17 -O1 -g -fno-omit-frame-pointer -fno-sanitize-recover=undefined -Isrc/core)
# The library is compiled once, in parallel, with coverage instrumentation but no main.
echo "fuzz: compiling src/core/sdp with clang-14 sanitizers"
mkdir -p "$out/obj"
export cxx out
printf '%s\n' src/core/sdp/*.cpp | xargs -P "$(nproc)" -I{} sh -c \
  '"$cxx" "$@" -fsanitize=fuzzer-no-link,address,undefined -c "{}" -o "$out/obj/$(basename "{}" .cpp).o"' _ "${common[@]}"

# Seeds: the fixtures for the SDP target, their candidate lines (one per file) for the other.
seeds=$out/seeds
rm -rf "$seeds"; mkdir -p "$seeds/sdp_fuzzer" "$seeds/candidate_fuzzer"
cp tests/fixtures/sdp/*.sdp "$seeds/sdp_fuzzer/"
n=0
while IFS= read -r line; do
  n=$((n + 1)); printf '%s' "$line" >"$seeds/candidate_fuzzer/$n"
done < <(cat tests/fixtures/sdp/*.sdp | tr -d '\r' | grep '^a=candidate:' | sort -u)

status=0
for target in sdp_fuzzer candidate_fuzzer; do
  echo "fuzz: building $target"
  "$cxx" "${common[@]}" -fsanitize=fuzzer,address,undefined "tests/fuzz/$target.cpp" "$out"/obj/*.o -o "$out/$target"
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
