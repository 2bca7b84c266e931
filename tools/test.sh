#!/usr/bin/env bash
# Runs every test: native unit tests (ctest), bounded fuzzing of the parsers, the real server
# binary with real WebSocket clients, the unit and server suites again under ASan + UBSan + LSan
# (the `asan` preset, which builds the fuzzers from the same objects), and end-to-end calls in
# headless Chromium and Firefox. Installs and builds first.
# Every suite runs even if an earlier one failed; the exit code is non-zero if any failed.
#
# The compiles and the suites that wait share the machine (docs/testing.md, "What CI costs"): a
# lane at nice 19 builds `asan` and runs `unit-asan` (no clock) while `server` and then `e2e` run
# at normal priority (both mostly wait: on browsers, media, ICE, timers); then `server-asan`
# (normal priority: its tests keep deadlines) runs beside `fuzz` (nice 19, bounded by time).
# server and e2e do not run beside each other: with the soak beside it, e2e lost its audio-only
# calls once. A suite that ran beside another prints its output when done, in one piece.
set -uo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
tools/setup.sh || exit 1
tools/build.sh || exit 1
echo "setup + build: $((SECONDS - started)) s"

logs=build/test-logs
rm -rf "$logs" && mkdir -p "$logs"

# suite NAME COMMAND...: runs one suite, prints its command, output and seconds. A failure is
# written to $logs/failed, so a suite that runs in a background lane counts too.
suite() {
  local name=$1; shift
  local t0=$SECONDS
  echo; echo "=== $name: $*"
  "$@" || echo "$name" >>"$logs/failed"
  echo "=== $name: $((SECONDS - t0)) s"
}

sanitizer_lane() {
  renice -n 19 -p "$BASHPID" >/dev/null
  local t0=$SECONDS
  echo; echo "=== asan build (nice 19, beside server and e2e): cmake --build --preset asan"
  if { [ -f build/asan/build.ninja ] || cmake --preset asan; } && cmake --build --preset asan; then
    echo "=== asan build: $((SECONDS - t0)) s"
    suite unit-asan ctest --preset asan
  else
    echo "=== asan build: FAILED after $((SECONDS - t0)) s"
    echo "asan-build" >>"$logs/failed"
  fi
}

suite unit ctest --preset native

# PEERLINE_TEST_SERIAL=1 runs the lane first, alone: slower, to tell a flaky suite from a starved one.
lane=
if [ "${PEERLINE_TEST_SERIAL:-}" = 1 ]; then
  (sanitizer_lane) >"$logs/sanitizer-lane.log" 2>&1
else
  sanitizer_lane >"$logs/sanitizer-lane.log" 2>&1 &
  lane=$!
fi
suite server node --test --test-concurrency=1 tests/server/
suite e2e node --test --test-concurrency=1 tests/e2e/
# Nothing runs beside the lane any more: back to normal priority where that is allowed (root or
# CAP_SYS_NICE). On a machine of its own nice changes nothing now; on a shared one it would starve.
descendants() { local p; for p in $(ps -o pid= --ppid "$1"); do echo "$p"; descendants "$p"; done; }
[ -z "$lane" ] || renice -n 0 -p "$lane" $(descendants "$lane") >/dev/null 2>&1 || true
t0=$SECONDS
[ -z "$lane" ] || wait "$lane"
echo; echo "(the sanitizer lane: waited $((SECONDS - t0)) s for it after e2e)"
cat "$logs/sanitizer-lane.log"

# The same server suite on the sanitizer build: any report stops the program (halt_on_error) and
# fails its test; the server exits 0 on SIGTERM, so LSan checks it at every stop (helpers.mjs).
# Beside it, at nice 19, the fuzzers of the same build: bounded, a few seconds per target
# (`tools/fuzz.sh 600` is the long run, in build/fuzz).
if [ -x build/asan/server/peerline-server ] && ! grep -qx asan-build "$logs/failed" 2>/dev/null; then
  ( renice -n 19 -p "$BASHPID" >/dev/null
    suite fuzz env PEERLINE_FUZZ_PRESET=asan tools/fuzz.sh 8 ) >"$logs/fuzz.log" 2>&1 &
  fuzz=$!
  suite server-asan env PEERLINE_SERVER=build/asan/server/peerline-server PEERLINE_SANITIZED=1 \
    ASAN_OPTIONS=halt_on_error=1:detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    node --test --test-concurrency=1 tests/server/
  wait "$fuzz"
  cat "$logs/fuzz.log"
else
  echo; echo "=== server-asan, fuzz: not run (no asan build)"
  printf '%s\n' server-asan fuzz >>"$logs/failed"
fi

echo
echo "total: $((SECONDS - started)) s"
if [ -s "$logs/failed" ]; then
  echo "FAILED suites: $(tr '\n' ' ' <"$logs/failed")"
  exit 1
fi
echo "All suites passed: unit, fuzz, server, unit-asan, server-asan, e2e"
