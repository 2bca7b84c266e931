#!/usr/bin/env bash
# Installs what Peerline needs to build and test, and nothing that is already there:
# Debian packages through apt, the test-only Node packages through npm (pinned by the lockfile).
# Safe to run again and again; the run and test commands both start with it.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake ninja-build g++ pkg-config git ca-certificates  # the native world
  emscripten                                          # the wasm world (Debian's 3.1.6)
  libboost-dev libssl-dev libqrcodegencpp-dev         # Beast/Asio server, TLS, LAN QR code
  coturn                                              # TURN relay for the relay-only test
  nlohmann-json3-dev catch2 libxxhash-dev libopus-dev # core libraries and unit tests
  clang-14 libclang-rt-14-dev                         # libFuzzer targets
  chromium                                            # end-to-end tests, headless
  nodejs                                              # test runners (node --test)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
# A machine may carry Node from elsewhere; then Debian's nodejs is not needed.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}")
fi
read -r -a missing <<<"${missing[*]:-}"

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
if ! command -v npm >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends npm
fi

# npm ci only when the lockfile changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
