#!/usr/bin/env bash
# Runs every test: native unit tests (ctest), bounded fuzzing of the parsers, the real server
# binary with real WebSocket clients, the unit and server suites again under ASan + UBSan + LSan
# (the `asan` preset), and end-to-end calls in headless Chromium. Installs and builds first.
# Every suite runs even if an earlier one failed; the exit code is non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
tools/setup.sh || exit 1
tools/build.sh || exit 1
echo "setup + build: $((SECONDS - started)) s"
t0=$SECONDS
{ [ -f build/asan/build.ninja ] || cmake --preset asan; } && cmake --build --preset asan || exit 1
echo "asan build: $((SECONDS - t0)) s"

failed=()
suite() {
  local name=$1; shift
  local t0=$SECONDS
  echo; echo "=== $name: $*"
  "$@" || failed+=("$name")
  echo "=== $name: $((SECONDS - t0)) s"
}

suite unit   ctest --preset native
# Bounded: a few seconds per parser; `tools/fuzz.sh 600` is the long run.
suite fuzz   tools/fuzz.sh 8
suite server node --test --test-concurrency=1 tests/server/
# The same suites on the sanitizer build: any report stops the program (halt_on_error) and fails
# its test; the server exits 0 on SIGTERM, so LSan checks it at every stop (helpers.mjs).
suite unit-asan ctest --preset asan
suite server-asan env PEERLINE_SERVER=build/asan/server/peerline-server PEERLINE_SANITIZED=1 \
  ASAN_OPTIONS=halt_on_error=1:detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  node --test --test-concurrency=1 tests/server/
suite e2e    node --test --test-concurrency=1 tests/e2e/

echo
echo "total: $((SECONDS - started)) s"
if ((${#failed[@]})); then
  echo "FAILED suites: ${failed[*]}"
  exit 1
fi
echo "All suites passed: unit, fuzz, server, unit-asan, server-asan, e2e"
