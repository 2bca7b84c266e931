#!/usr/bin/env bash
# Where a relayed message's CPU goes (issue 21): `perf record` of one peerline-server and of the
# PeerJS server while each relays RATE msg/s with one frame per write (as browsers send) from the
# same load generator, then each one's CPU per message and the share of it spent in the kernel.
# At 10k msg/s every server wakes up for a few messages at a time, and the kernel's part (TCP on
# loopback, epoll, the scheduler) is a floor no server's own code can go under.
#
#   tools/bench/load/kernel_share.sh        # after tools/build.sh and one scale_out.sh (PeerJS)
#
# Environment: RATE (10000), CLIENTS (1000), DURATION (5 s). Needs `perf` (Debian: linux-perf)
# and permission to profile (root, or kernel.perf_event_paranoid <= 1). Loopback only.
set -euo pipefail
cd "$(dirname "$0")/../../.."
RATE=${RATE:-10000}
CLIENTS=${CLIENTS:-1000}
DURATION=${DURATION:-5}
B=build/native
PEERJS=build/bench-node/node_modules/peer/dist/bin/peerjs.js
command -v perf >/dev/null || { echo "needs perf (apt-get install linux-perf)" >&2; exit 1; }
[[ -x $B/server/peerline-server && -x $B/tools/bench/load/peerline-load ]] || { echo "run tools/build.sh first" >&2; exit 1; }
[[ -f $PEERJS ]] || { echo "no PeerJS server: run tools/bench/load/scale_out.sh once (it installs it)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/peerline-kernel-share.XXXXXX)
mkdir -p "$WORK/www"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() {  # file pattern
  for _ in $(seq 100); do grep -q "$2" "$1" 2>/dev/null && return; sleep 0.1; done
  echo "timeout waiting for '$2' in $1" >&2; exit 1
}

"$B/server/peerline-server" --address 127.0.0.1 --port 0 --web-root "$WORK/www" --no-qr \
  --rate=1000000 --burst=1000000 --max-per-address=100000 >"$WORK/peerline.out" 2>/dev/null &
pids+=($!); PEERLINE_PID=$!
PEERJS_PORT=$(free_port)
node "$PEERJS" --port "$PEERJS_PORT" --host 127.0.0.1 --concurrent_limit 100000 >"$WORK/peerjs.out" 2>&1 &
pids+=($!); PEERJS_PID=$!
wait_for "$WORK/peerline.out" "listening on"
wait_for "$WORK/peerjs.out" "Started PeerServer"
PEERLINE_PORT=$(sed -n 's#.*127\.0\.0\.1:\([0-9]*\)/.*#\1#p' "$WORK/peerline.out")

# name pid [load flags...]: profile the server through the load's warm-up and window.
measure() {
  local name=$1 pid=$2 line; shift 2
  perf record -F 2999 -g -o "$WORK/$name.data" -p "$pid" -- sleep $((DURATION + 2)) >/dev/null 2>&1 &
  local perf_pid=$!
  line=$("$B/tools/bench/load/peerline-load" relay --clients "$CLIENTS" --rate "$RATE" --duration "$DURATION" \
           --one-frame-per-write --server-pid "$pid" "$@" 2>/dev/null | grep '^RESULT')
  wait "$perf_pid"
  local cpu kernel
  cpu=$(sed -n 's/.*\bserver_cpu_ms_per_10k=\([^ ]*\).*/\1/p' <<<"$line")
  kernel=$(perf report -i "$WORK/$name.data" --no-children --sort dso -g none 2>/dev/null \
             | awk '/\[kernel\.kallsyms\]/ { gsub("%", "", $1); print $1; exit }')
  awk -v n="$name" -v c="$cpu" -v k="$kernel" 'BEGIN {
    printf "| %s | %.1f | %.0f %% | %.1f | %.1f |\n", n, c / 10, k, c / 10 * k / 100, c / 10 * (100 - k) / 100 }'
}

echo "CPU per relayed message at $RATE msg/s, $CLIENTS clients, one frame per write, under perf (µs)"
echo "| server | CPU per message | in the kernel | kernel µs | user µs |"
echo "|---|---:|---:|---:|---:|"
measure peerline "$PEERLINE_PID" --port "$PEERLINE_PORT"
measure peerjs "$PEERJS_PID" --port "$PEERJS_PORT" --peerjs
echo "perf data: $WORK"
