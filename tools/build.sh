#!/usr/bin/env bash
# Builds both worlds incrementally: native (core, server, unit tests, tools) and wasm (core +
# browser shell + the web folder the server serves, in build/wasm/web).
set -euo pipefail
cd "$(dirname "$0")/.."
# Debian's emcc needs Node to find its modules (else "Cannot find module 'acorn'").
export NODE_PATH=/usr/share/nodejs

[ -f build/native/build.ninja ] || cmake --preset native
cmake --build --preset native

[ -f build/wasm/build.ninja ] || cmake --preset wasm
cmake --build --preset wasm
