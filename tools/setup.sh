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
  libhiredis-dev                                      # --redis: the switchboard of many instances
  redis-server haproxy                                # scale-out tests: real Redis, real load balancer
  coturn                                              # TURN relay for the relay-only test
  iproute2                                            # network namespaces: a receiver whose network goes away
  nlohmann-json3-dev catch2 libxxhash-dev             # core libraries and unit tests
  libopus-dev libogg-dev libopusenc-dev libopusfile-dev # voice messages, native world
  dpkg-dev                                            # apt-get source: the wasm world builds them
  opus-tools espeak-ng                                # voice tests (opusinfo, opusenc) and bench
  clang-14 libclang-rt-14-dev                         # libFuzzer targets
  chromium                                            # end-to-end tests, headless
  firefox-esr                                         # cross-engine e2e (headless, WebDriver BiDi)
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

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
updated=
# The wasm world compiles libopus, libogg, libopusenc and opusfile from Debian's own source packages
# (third_party/opus runs `apt-get source`), so apt needs the deb-src indexes of the same archive.
if ! grep -Eqs '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources \
      /etc/apt/sources.list.d/*.list; then
  echo "setup: enabling deb-src"
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && "${sudo_cmd[@]}" sed -i -E 's/^Types:[[:space:]]*deb[[:space:]]*$/Types: deb deb-src/' "$f"
  done
  if [ -f /etc/apt/sources.list ] && grep -q '^deb ' /etc/apt/sources.list; then
    sed -n 's/^deb /deb-src /p' /etc/apt/sources.list | "${sudo_cmd[@]}" tee -a /etc/apt/sources.list >/dev/null
  fi
fi
if ! compgen -G '/var/lib/apt/lists/*_Sources*' >/dev/null; then
  "${sudo_cmd[@]}" apt-get update -q
  updated=1
fi

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  [ -n "$updated" ] || "${sudo_cmd[@]}" apt-get update -q
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
