#!/usr/bin/env bash
# Starts Peerline: installs what is missing, builds, then serves the page and signaling.
# Usage: tools/run.sh [server flags]   (default port 8080; PORT=9000 tools/run.sh works too;
#        see build/native/server/peerline-server --help)
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
tools/build.sh
exec build/native/server/peerline-server --web-root build/wasm/web --port "${PORT:-8080}" "$@"
