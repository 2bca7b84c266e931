#!/usr/bin/env bash
# Starts Peerline: installs what is missing, builds, then serves the page and signaling.
# Usage: tools/run.sh [server flags]   (default port 8080; PORT=9000 tools/run.sh works too;
#        see build/native/server/peerline-server --help)
# State lives outside the source tree, in PEERLINE_STATE (default $XDG_STATE_HOME/peerline or
# ~/.local/state/peerline, created 0700): the resume-token secret, so a call outlives a server
# restart, and the certificate --tls-self-signed makes, so no private key lands in the checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
tools/build.sh
state=${PEERLINE_STATE:-${XDG_STATE_HOME:-$HOME/.local/state}/peerline}
mkdir -p -m 0700 "$state"
chmod 0700 "$state"
echo "run: state (secret, generated certificate) in $state"
exec build/native/server/peerline-server --web-root build/wasm/web --port "${PORT:-8080}" \
  --secret-file "$state/secret" "$@"
