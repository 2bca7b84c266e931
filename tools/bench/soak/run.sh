#!/usr/bin/env bash
# Soak of the signaling server (issue 18, "Hardening" item 3): PEERS peers churning against one
# peerline-server for DURATION seconds, loopback only; one row per INTERVAL of server RSS, open
# fds, CPU per message and p99 latency, then their drift after WARMUP. README.md here has the
# results and the exact commands.
#
#   tools/bench/soak/run.sh                          # the full run: 10,000 peers, 30 minutes
#   DURATION=300 WARMUP=120 SERVER=build/asan-soak/server/peerline-server BUILD=0 tools/bench/soak/run.sh
#
# Environment: PEERS (10000), DURATION (1800 s), INTERVAL (60 s), WARMUP (300 s), SIGNAL_RATE
# (1000/s), BINARY_RATE (50/s), BINARY_BYTES (16384), CHURN (0.1 of the peers per minute),
# PROVOKE (1 error/s), THREADS (2), CHECK (drifts that decide the exit code; rss,fds,cpu,p99; cpu_rel, p99_rel too),
# MAX_DRIFT (5 %), BUILD=0 to skip the build, SERVER=/SOAK= other binaries, NICE (e.g. 5).
# Exit code: the generator's (0 only if nothing unexpected happened and every checked drift
# held), or 4 if the server did not exit 0 on SIGTERM or printed a sanitizer report.
set -euo pipefail
cd "$(dirname "$0")/../../.."

PEERS=${PEERS:-10000}
DURATION=${DURATION:-1800}
INTERVAL=${INTERVAL:-60}
WARMUP=${WARMUP:-300}
B=build/native
SERVER=${SERVER:-$B/server/peerline-server}
SOAK=${SOAK:-$B/tools/bench/soak/peerline-soak}
prio=()
[[ -n ${NICE:-} ]] && prio=(nice -n "$NICE")
WORK=$(mktemp -d /tmp/peerline-soak.XXXXXX)
mkdir -p "$WORK/www"
server_pid=''
cleanup() { [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null || true; }
trap cleanup EXIT
log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }

if [[ ${BUILD:-1} == 1 ]]; then
  log "building peerline-server and peerline-soak"
  cmake --preset native >/dev/null
  cmake --build $B --target peerline-server peerline-soak >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
fi

# Default limits except the handshake timeout: all peers connect at once at the start.
"${prio[@]}" "$SERVER" --address 127.0.0.1 --port 0 --web-root "$WORK/www" >"$WORK/server.out" 2>"$WORK/server.log" &
server_pid=$!
for _ in $(seq 100); do grep -q 'listening on' "$WORK/server.out" && break; sleep 0.1; done
port=$(sed -n 's#.*127\.0\.0\.1:\([0-9]*\)/.*#\1#p' "$WORK/server.out" | head -1)
[[ -n $port ]] || { cat "$WORK/server.log" >&2; exit 1; }
log "server $SERVER pid $server_pid port $port; work folder $WORK; load $(cut -d' ' -f1-3 /proc/loadavg)"

status=0
"${prio[@]}" "$SOAK" --port "$port" --server-pid "$server_pid" --peers "$PEERS" --duration "$DURATION" \
  --interval "$INTERVAL" --warmup "$WARMUP" --signal-rate "${SIGNAL_RATE:-1000}" \
  --binary-rate "${BINARY_RATE:-50}" --binary-bytes "${BINARY_BYTES:-16384}" --churn "${CHURN:-0.1}" \
  --provoke "${PROVOKE:-1}" --threads "${THREADS:-2}" --check "${CHECK:-rss,fds,cpu,p99}" \
  --max-drift "${MAX_DRIFT:-5}" >"$WORK/soak.out" 2>"$WORK/soak.log" || status=$?

kill -TERM "$server_pid"
server_exit=0
wait "$server_pid" || server_exit=$?
server_pid=''
if ((server_exit != 0)) || grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$WORK/server.log"; then
  log "server exited $server_exit; sanitizer reports: $(grep -cE 'AddressSanitizer|LeakSanitizer|runtime error:' "$WORK/server.log")"
  status=4
fi

cat <<EOT

## Soak: $PEERS peers, $((DURATION / 60)) min

\`tools/bench/soak/run.sh\` PEERS=$PEERS DURATION=$DURATION INTERVAL=$INTERVAL WARMUP=$WARMUP — $(date -u +%Y-%m-%d), $(nproc) cores,
server \`$SERVER\`, load average at the end $(cut -d' ' -f1-3 /proc/loadavg). Server exit on SIGTERM: $server_exit.
Server log lines by kind: $(awk '{print $2}' "$WORK/server.log" | sort | uniq -c | sort -rn | head -8 | awk '{printf "%s %s, ", $2, $1}')

EOT
sed -n '/^| t (s)/,$p' "$WORK/soak.out"
echo
echo "Raw output: $WORK (soak.out, soak.log, server.log). Exit status $status."
exit "$status"
