#!/usr/bin/env bash
# Runs the libFuzzer targets of tests/fuzz, built by the `fuzz` preset (clang-14, ASan + UBSan),
# each for a bounded time, one after another, from the kept corpus in tests/fuzz/corpus/<target>.
# Exits non-zero on a crash; findings go to build/<preset>/findings/<target>/ (build/fuzz/...).
#   tools/fuzz.sh [seconds per target, default 10] [extra libFuzzer flags...]
#   tools/fuzz.sh --minimise   # merge what the runs found into tests/fuzz/corpus (smallest set)
# New inputs collect in build/<preset>/corpus/<target>, never in the source tree, until --minimise.
# PEERLINE_FUZZ_PRESET=asan runs the targets of the `asan` build instead (the same flags, so the
# same binaries; tools/test.sh does this and so compiles the sources once for both).
set -euo pipefail
cd "$(dirname "$0")/.."
# Every target of tests/fuzz (each is tests/fuzz/<target>.cpp), so a new one runs without a list to edit.
targets=()
for source in tests/fuzz/*_fuzzer.cpp; do targets+=("$(basename "$source" .cpp)"); done
preset=${PEERLINE_FUZZ_PRESET:-fuzz}
out=build/$preset

[ -f "$out/build.ninja" ] || cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"

if [ "${1:-}" = --minimise ]; then
  # -merge=1 keeps, of the kept corpus and the new inputs, a smallest set with all their features;
  # -use_counters=0 makes those features edges only (not hit counts): every edge stays covered
  # in about a third of the files. The working corpus in build/ keeps the richer set.
  for target in "${targets[@]}"; do
    kept=tests/fuzz/corpus/$target
    merged=$out/merged/$target
    rm -rf "$merged"; mkdir -p "$merged" "$kept" "$out/corpus/$target"
    "$out/tests/fuzz/$target" -merge=1 -use_counters=0 -max_len=65536 -timeout=30 -rss_limit_mb=1024 "$merged" "$kept" \
      "$out/corpus/$target" >"$out/$target-merge.log" 2>&1
    rm -rf "$kept"; mv "$merged" "$kept"
    echo "fuzz: $target: $(find "$kept" -type f | wc -l) files, $(cat "$kept"/* | wc -c) bytes"
  done
  exit 0
fi

seconds=${1:-10}
shift || true
status=0
for target in "${targets[@]}"; do
  mkdir -p "$out/corpus/$target" "$out/findings/$target"
  echo "fuzz: running $target for ${seconds}s"
  # The first folder is the one libFuzzer adds to; the kept corpus is only read.
  # -timeout=30: on a loaded shared machine a 5 s limit fired on inputs that run in milliseconds.
  if ! "$out/tests/fuzz/$target" "$out/corpus/$target" "tests/fuzz/corpus/$target" \
        -max_total_time="$seconds" -max_len=65536 -timeout=30 -rss_limit_mb=1024 \
        -artifact_prefix="$out/findings/$target/" -print_final_stats=1 "$@" >"$out/$target.log" 2>&1; then
    echo "fuzz: $target FAILED; log: $out/$target.log, findings: $out/findings/$target/"
    tail -40 "$out/$target.log"
    status=1
  else
    grep -E "stat::number_of_executed_units|cov:" "$out/$target.log" | tail -2 | sed "s/^/fuzz: $target: /"
  fi
done
exit $status
