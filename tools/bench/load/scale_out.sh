#!/usr/bin/env bash
# Scale-out benchmark (issue #21): one peerline-server instance against two instances sharing a
# real redis-server with every pair split across them (each message crosses Redis), in one run,
# loopback only. Both with the load generator batching frames per write, and with one frame per
# write as browsers send. Beside them, the PeerJS server (npm `peer` 1.0.2, installed on first use
# into build/bench-node: a benchmark's dependency, not the tests') under the same load with the
# same client, for CPU per message.
#
#   tools/bench/load/scale_out.sh      # ~2-4 minutes; prints a markdown table at the end
#
# Environment: DURATION (s per window, default 5), ROUNDS (default 2; best shown, all kept),
# CLIENTS (default 1000), RATE (default 10000), MILLION_S (s of the unpaced cross-instance
# window that must carry >= 1M messages, default 30), BUILD=0 to skip the build, NICE=-10 to run
# everything (servers, Redis, PeerJS, load generator alike) at that priority on a shared machine.
set -euo pipefail
source "$(dirname "$0")/../nice_session.sh"  # NICE: the whole benchmark in a session at that priority
cd "$(dirname "$0")/../../.."

DURATION=${DURATION:-5}
ROUNDS=${ROUNDS:-2}
CLIENTS=${CLIENTS:-1000}
RATE=${RATE:-10000}
MILLION_S=${MILLION_S:-30}
B=build/native
SERVER=${SERVER:-$B/server/peerline-server}
LOAD=${LOAD:-$B/tools/bench/load/peerline-load}
WORK=$(mktemp -d /tmp/peerline-scale.XXXXXX)
mkdir -p "$WORK/www"
started=()
cleanup() {
  for pid in "${started[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }
field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$2" | head -1; }
wait_line() {  # file pattern timeout_s
  local n=0
  until grep -q "$2" "$1" 2>/dev/null; do
    ((n++ < $3 * 10)) || { echo "timeout waiting for '$2' in $1" >&2; cat "$1" >&2; return 1; }
    sleep 0.1
  done
}

if [[ ${BUILD:-1} == 1 ]]; then
  log "building peerline-server and peerline-load"
  cmake --preset native >/dev/null && cmake --build $B --target peerline-server peerline-load >"$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log" >&2; exit 1; }
fi

limits=(--rate=1000000 --burst=1000000 --max-per-address=100000)
REDIS_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no >"$WORK/redis.log" 2>&1 &
REDIS_PID=$!; started+=("$REDIS_PID")
wait_line "$WORK/redis.log" "Ready to accept connections" 10

start() {  # name [flags...] -> sets PID PORT
  local out=$WORK/$1; shift
  "$SERVER" --address 127.0.0.1 --port 0 --web-root "$WORK/www" --no-qr "${limits[@]}" "$@" >"$out.out" 2>"$out.log" &
  PID=$!; started+=("$PID")
  wait_line "$out.out" "listening on" 10
  PORT=$(sed -n 's#.*127\.0\.0\.1:\([0-9]*\)/.*#\1#p' "$out.out")
}
start single;  S_PID=$PID S_PORT=$PORT
start one --redis "redis://127.0.0.1:$REDIS_PORT" --instance-id one --secret "$(printf 'ab%.0s' {1..16})"
O_PID=$PID O_PORT=$PORT
start two --redis "redis://127.0.0.1:$REDIS_PORT" --instance-id two --secret "$(printf 'ab%.0s' {1..16})"
T_PID=$PID T_PORT=$PORT
PEERJS_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PEERJS_PID=
PEERJS=build/bench-node/node_modules/peer/dist/bin/peerjs.js
if [[ ! -f $PEERJS ]]; then
  log "installing the PeerJS server (npm peer@1.0.2) into build/bench-node"
  npm install --prefix build/bench-node --no-save --no-audit --no-fund --loglevel=error peer@1.0.2 >"$WORK/npm.log" 2>&1 \
    || log "npm could not install peer (see $WORK/npm.log)"
fi
if [[ -f $PEERJS ]]; then
  node "$PEERJS" --port "$PEERJS_PORT" --host 127.0.0.1 --concurrent_limit 100000 \
    >"$WORK/peerjs.out" 2>&1 &
  PEERJS_PID=$!; started+=("$PEERJS_PID")
  wait_line "$WORK/peerjs.out" "Started PeerServer" 20
else
  log "no PeerJS server: its rows are left out"
fi
wait_line "$WORK/one.log" "redis state=up" 10
wait_line "$WORK/two.log" "redis state=up" 10
log "work folder $WORK; load $(cut -d' ' -f1-3 /proc/loadavg)"

run() {  # name [load flags...]
  local name=$1 line status=0 out; shift
  out=$("$LOAD" relay --clients "$CLIENTS" "$@" 2>>"$WORK/load.log") || status=$?
  line=$(grep '^RESULT' <<<"$out" || true)
  echo "$name round=$round status=$status $line" >>"$WORK/results.txt"
  log "$name round $round: $(field msgs_per_s "$line") msg/s, p50 $(field p50_us "$line") p99 $(field p99_us "$line") us, CPU $(field server_cpu_ms_per_10k "$line") ms/10k, lost $(field lost "$line") undelivered $(field undelivered "$line") reordered $(field reordered "$line") errors $(field errors "$line") (status $status)"
}
single=(--port "$S_PORT" --server-pid "$S_PID")
cross=(--port "$O_PORT" --port2 "$T_PORT" --server-pid "$O_PID,$T_PID,$REDIS_PID")
for ((round = 1; round <= ROUNDS; round++)); do
  for mode in batched frame; do
    extra=(); [[ $mode == frame ]] && extra=(--one-frame-per-write)
    run "single-max-$mode" "${single[@]}" --duration "$DURATION" "${extra[@]}"
    run "cross-max-$mode" "${cross[@]}" --duration "$DURATION" "${extra[@]}"
    run "single-rate-$mode" "${single[@]}" --duration "$DURATION" --rate "$RATE" "${extra[@]}"
    run "cross-rate-$mode" "${cross[@]}" --duration "$DURATION" --rate "$RATE" "${extra[@]}"
    if [[ -n $PEERJS_PID ]]; then
      run "peerjs-max-$mode" --port "$PEERJS_PORT" --server-pid "$PEERJS_PID" --peerjs --duration "$DURATION" "${extra[@]}"
      run "peerjs-rate-$mode" --port "$PEERJS_PORT" --server-pid "$PEERJS_PID" --peerjs --duration "$DURATION" --rate "$RATE" "${extra[@]}"
    fi
  done
done
round=million
run cross-million "${cross[@]}" --duration "$MILLION_S"

best() {  # name key (max for msgs_per_s, min otherwise) -> value
  local sort=(sort -n); [[ $2 == msgs_per_s ]] && sort=(sort -rn)
  grep "^$1 " "$WORK/results.txt" | sed -n "s/.*\b$2=\([^ ]*\).*/\1/p" | "${sort[@]}" | head -1
}
range() {  # name key -> min-max over rounds
  grep "^$1 " "$WORK/results.txt" | sed -n "s/.*\b$2=\([^ ]*\).*/\1/p" | sort -n | awk 'NR==1{a=$1} {b=$1} END{print (a==b ? a : a "–" b)}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "?" }'; }
median() { grep "^$1 " "$WORK/results.txt" | sed -n "s/.*\b$2=\([^ ]*\).*/\1/p" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
problems() { grep "^$1" "$WORK/results.txt" | awk '{for(i=1;i<=NF;i++){split($i,a,"="); if(a[1]=="errors")e+=a[2]; if(a[1]=="lost")l+=a[2]; if(a[1]=="undelivered")u+=a[2]; if(a[1]=="reordered")r+=a[2]; if(a[1]=="wrong_sender")w+=a[2]}} END{printf "%d / %d / %d / %d / %d", e, l, u, r, w}'; }
million=$(grep '^cross-million ' "$WORK/results.txt")

cat <<EOF2

## Scale-out benchmark

\`tools/bench/load/scale_out.sh\` — $(date -u +%Y-%m-%d), $(nproc) cores shared with other work
(load $(cut -d' ' -f1-3 /proc/loadavg) at the end)${NICE:+, everything at nice $NICE}, loopback. $CLIENTS clients in pairs; *single*:
one instance, no Redis; *cross*: two instances + redis-server, the two clients of every pair on
different instances, so every message is PUBLISHed through Redis. CPU = server(s) + Redis,
per 10k relayed messages. $ROUNDS rounds of ${DURATION} s; ranges over rounds.

| Measure | batched writes: single | cross | cross / single | one frame per write: single | cross | cross / single |
|---|---|---|---|---|---|---|
| Max relayed msg/s (unpaced) | $(range single-max-batched msgs_per_s) | $(range cross-max-batched msgs_per_s) | $(ratio "$(best cross-max-batched msgs_per_s)" "$(best single-max-batched msgs_per_s)") | $(range single-max-frame msgs_per_s) | $(range cross-max-frame msgs_per_s) | $(ratio "$(best cross-max-frame msgs_per_s)" "$(best single-max-frame msgs_per_s)") |
| p50 at $RATE msg/s (µs) | $(range single-rate-batched p50_us) | $(range cross-rate-batched p50_us) | | $(range single-rate-frame p50_us) | $(range cross-rate-frame p50_us) | |
| p99 at $RATE msg/s (µs) | $(range single-rate-batched p99_us) | $(range cross-rate-batched p99_us) | | $(range single-rate-frame p99_us) | $(range cross-rate-frame p99_us) | |
| CPU per 10k msgs at $RATE msg/s (ms, median) | $(median single-rate-batched server_cpu_ms_per_10k) | $(median cross-rate-batched server_cpu_ms_per_10k) | $(ratio "$(median cross-rate-batched server_cpu_ms_per_10k)" "$(median single-rate-batched server_cpu_ms_per_10k)") | $(median single-rate-frame server_cpu_ms_per_10k) | $(median cross-rate-frame server_cpu_ms_per_10k) | $(ratio "$(median cross-rate-frame server_cpu_ms_per_10k)" "$(median single-rate-frame server_cpu_ms_per_10k)") |
| CPU per 10k msgs unpaced (ms, median) | $(median single-max-batched server_cpu_ms_per_10k) | $(median cross-max-batched server_cpu_ms_per_10k) | $(ratio "$(median cross-max-batched server_cpu_ms_per_10k)" "$(median single-max-batched server_cpu_ms_per_10k)") | $(median single-max-frame server_cpu_ms_per_10k) | $(median cross-max-frame server_cpu_ms_per_10k) | $(ratio "$(median cross-max-frame server_cpu_ms_per_10k)" "$(median single-max-frame server_cpu_ms_per_10k)") |
| errors / dropped / undelivered / reordered / misaddressed, all rounds | $(problems single-) | $(problems cross-) | | | | |

PeerJS server (npm \`peer\` $(node -p 'require("./build/bench-node/node_modules/peer/package.json").version' 2>/dev/null || echo "not installed"), Node $(node --version)), one process, same clients and rates; ratio = PeerJS CPU / Peerline single-instance CPU (higher: Peerline more efficient):

| Measure | batched writes: PeerJS | PeerJS / Peerline | one frame per write: PeerJS | PeerJS / Peerline |
|---|---|---|---|---|
| Max relayed msg/s (unpaced) | $(range peerjs-max-batched msgs_per_s) | $(ratio "$(best peerjs-max-batched msgs_per_s)" "$(best single-max-batched msgs_per_s)") | $(range peerjs-max-frame msgs_per_s) | $(ratio "$(best peerjs-max-frame msgs_per_s)" "$(best single-max-frame msgs_per_s)") |
| p99 at $RATE msg/s (µs) | $(range peerjs-rate-batched p99_us) | | $(range peerjs-rate-frame p99_us) | |
| CPU per 10k msgs at $RATE msg/s (ms, median) | $(median peerjs-rate-batched server_cpu_ms_per_10k) | $(ratio "$(median peerjs-rate-batched server_cpu_ms_per_10k)" "$(median single-rate-batched server_cpu_ms_per_10k)") | $(median peerjs-rate-frame server_cpu_ms_per_10k) | $(ratio "$(median peerjs-rate-frame server_cpu_ms_per_10k)" "$(median single-rate-frame server_cpu_ms_per_10k)") |
| CPU per 10k msgs unpaced (ms, median) | $(median peerjs-max-batched server_cpu_ms_per_10k) | $(ratio "$(median peerjs-max-batched server_cpu_ms_per_10k)" "$(median single-max-batched server_cpu_ms_per_10k)") | $(median peerjs-max-frame server_cpu_ms_per_10k) | $(ratio "$(median peerjs-max-frame server_cpu_ms_per_10k)" "$(median single-max-frame server_cpu_ms_per_10k)") |
| errors / dropped / undelivered / reordered / misaddressed, all rounds | $(problems peerjs-) | | | |

One long cross-instance window: $(field sent "$million") sent, $(field received "$million") received,
undelivered $(field undelivered "$million"), reordered $(field reordered "$million"), misaddressed
$(field wrong_sender "$million"), errors $(field errors "$million") (exit status $(field status "$million")).
Raw results: $WORK/results.txt
EOF2
if grep -v 'status=0 ' "$WORK/results.txt" | grep -q .; then
  echo "FAILED: runs with errors, lost, undelivered or reordered messages (see $WORK/results.txt)" >&2
  exit 3
fi
