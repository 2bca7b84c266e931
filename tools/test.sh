#!/usr/bin/env bash
# Runs every test: native unit tests (ctest), the real server binary with real WebSocket
# clients, and end-to-end calls in headless Chromium. Installs and builds first.
# Every suite runs even if an earlier one failed; the exit code is non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh || exit 1
tools/build.sh || exit 1

failed=()
suite() {
  local name=$1; shift
  echo; echo "=== $name: $*"
  "$@" || failed+=("$name")
}

suite unit   ctest --preset native
suite server node --test --test-concurrency=1 tests/server/
suite e2e    node --test --test-concurrency=1 tests/e2e/

echo
if ((${#failed[@]})); then
  echo "FAILED suites: ${failed[*]}"
  exit 1
fi
echo "All suites passed: unit, server, e2e"
