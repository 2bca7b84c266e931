#!/usr/bin/env bash
# Signaling load benchmark (issue 4, "Benchmark"): peerline-server against a bare Node `ws`
# relay of the same protocol (ws-relay.mjs), side by side in one run, loopback only.
#
#   tools/bench/load/run.sh            # ~3-5 minutes; prints a markdown table at the end
#
# Environment: DURATION (s per relay window, default 5), ROUNDS (alternating relay rounds,
# default 2; the table shows the best), CLIENTS (default 1000), RATE (default 10000),
# IDLE_SMALL (default 10000), IDLE_BIG (default 50000 if the servers' open-file limit can be
# raised that far, else the hard limit minus 1000: then the larger count is extrapolated),
# BUILD=0 to skip the build step, SERVER=/LOAD= to use other binaries, NICE=-10 to run the whole
# benchmark at that priority on a machine shared with other work (both servers and the load
# generator alike, so the ratio stays fair; the table says so). Raw outputs stay in the printed
# work folder.
set -euo pipefail
source "$(dirname "$0")/../nice_session.sh"  # NICE: the whole benchmark in a session at that priority
cd "$(dirname "$0")/../../.."

DURATION=${DURATION:-5}
ROUNDS=${ROUNDS:-2}
CLIENTS=${CLIENTS:-1000}
RATE=${RATE:-10000}
IDLE_SMALL=${IDLE_SMALL:-10000}
# Both servers need a descriptor per connection. Raising the hard limit needs CAP_SYS_RESOURCE
# (in some containers root lacks it): try, and fall back to what the hard limit allows.
prio=()
[[ -n ${NICE:-} ]] && prio=(nice -n "$NICE")
nofile_wrap=()
if prlimit --nofile=52000:52000 true 2>/dev/null; then
  nofile_wrap=(prlimit --nofile=52000:52000 --)
  IDLE_BIG=${IDLE_BIG:-50000}
else
  IDLE_BIG=${IDLE_BIG:-$(( $(ulimit -Hn) - 1000 ))}
fi
B=build/native
SERVER=${SERVER:-$B/server/peerline-server}
LOAD=${LOAD:-$B/tools/bench/load/peerline-load}
WORK=$(mktemp -d /tmp/peerline-bench.XXXXXX)
mkdir -p "$WORK/www"
started=()

cleanup() {
  for pid in "${started[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }

if [[ ${BUILD:-1} == 1 ]]; then
  log "building peerline-server and peerline-load"
  if ! { cmake --preset native >/dev/null && cmake --build $B --target peerline-server peerline-load >"$WORK/build.log" 2>&1; }; then
    [[ -x $SERVER && -x $LOAD ]] || { cat "$WORK/build.log" >&2; exit 1; }
    log "build failed (see $WORK/build.log); using the binaries already built"
  fi
fi
[[ -d node_modules/ws ]] || { echo "node_modules/ws missing: run tools/setup.sh" >&2; exit 1; }

# ---- helpers -----------------------------------------------------------------------------------
field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$2" | head -1; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }     # comm has no spaces here
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
pressure() { awk '/^some/ {sub("avg60=", "", $3); print $3 "%"}' /proc/pressure/cpu 2>/dev/null || echo "?"; }

wait_quiet() {  # until the process uses < 4 % of a core over 250 ms (at most 60 s)
  local pid=$1 before after n=0
  before=$(cpu_ticks "$pid")
  while ((n++ < 240)); do
    sleep 0.25
    after=$(cpu_ticks "$pid")
    ((after - before <= 1)) && return 0
    before=$after
  done
}

wait_line() {  # file pattern timeout_s
  local n=0
  until grep -q "$2" "$1" 2>/dev/null; do
    ((n++ < $3 * 10)) || { echo "timeout waiting for '$2' in $1" >&2; cat "$1" >&2; return 1; }
    sleep 0.1
  done
}

# Limits the server has grown (messages per second, burst, connections per address) must not be
# what a benchmark measures: every such flag in --help gets the largest value it accepts.
limit_flags=()
while read -r flag; do
  case $flag in
    --rate|--burst|--max-per-address|*conns*|*per-ip*|*msgs*) ;;
    *) continue ;;
  esac
  for value in 1000000 100000 20000 10000; do
    if "$SERVER" "$flag=$value" --help >/dev/null 2>&1; then limit_flags+=("$flag=$value"); break; fi
  done
done < <("$SERVER" --help | grep -oE -- '--[a-z0-9-]+' | sort -u)

PEERLINE_PID='' PEERLINE_PORT=''
start_peerline() {
  local out=$WORK/peerline.$1
  "${prio[@]}" "${nofile_wrap[@]}" "$SERVER" --address 127.0.0.1 --port 0 --web-root "$WORK/www" "${limit_flags[@]}" >"$out.out" 2>"$out.log" &
  PEERLINE_PID=$!; started+=("$PEERLINE_PID")
  wait_line "$out.out" "listening on" 10
  PEERLINE_PORT=$(sed -n 's#.*127\.0\.0\.1:\([0-9]*\)/.*#\1#p' "$out.out")
}
NODE_PID='' NODE_PORT=''
start_node() {
  local out=$WORK/node.$1
  "${prio[@]}" "${nofile_wrap[@]}" node tools/bench/load/ws-relay.mjs --host 127.0.0.1 --port 0 >"$out.out" 2>&1 &
  NODE_PID=$!; started+=("$NODE_PID")
  wait_line "$out.out" "listening on" 10
  NODE_PORT=$(sed -n 's#.*127\.0\.0\.1:\([0-9]*\)/.*#\1#p' "$out.out")
}
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
[[ -n ${NICE:-} && -r /proc/self/autogroup ]] && log "priority: nice $NICE, $(cat /proc/self/autogroup)"
log "work folder $WORK; CPU pressure (avg60) $(pressure), load $load_start"
((${#limit_flags[@]})) && log "server limit flags: ${limit_flags[*]}"

# ---- relay: max throughput and latency at RATE, alternating servers ---------------------------
start_peerline relay
start_node relay
relay_failures=()
relay() {  # name pid port [extra...]; uses $round
  local name=$1 pid=$2 port=$3; shift 3
  local line status=0 out
  out=$("${prio[@]}" "$LOAD" relay --port "$port" --clients "$CLIENTS" --duration "$DURATION" --server-pid "$pid" "$@" 2>>"$WORK/load.log") || status=$?
  line=$(grep '^RESULT' <<<"$out" || true)
  echo "$name round=$round status=$status $line load1=$(cut -d' ' -f1 /proc/loadavg)" >>"$WORK/relay.txt"
  # A round with errors, dropped connections, misaddressed or undelivered messages (or no result
  # at all) is not a figure: the benchmark fails, whatever the other rounds did.
  if ((status != 0)) || [[ -z $line ]]; then
    relay_failures+=("$name round $round: exit $status, $(problems "$line")")
  fi
  log "$name round $round: $(field msgs_per_s "$line") msg/s p99 $(field p99_us "$line") us, server $(field server_cpu_ms_per_10k "$line") ms CPU/10k, $(problems "$line")"
}
problems() {  # RESULT line -> "errors E, lost L, misaddressed M, undelivered U"
  echo "errors $(field errors "$1"), dropped $(field lost "$1"), misaddressed $(field wrong_sender "$1"), undelivered $(field undelivered "$1")"
}
for ((round = 1; round <= ROUNDS; round++)); do
  relay peerline-max "$PEERLINE_PID" "$PEERLINE_PORT"
  relay node-max "$NODE_PID" "$NODE_PORT"
  relay peerline-rate "$PEERLINE_PID" "$PEERLINE_PORT" --rate "$RATE"
  relay node-rate "$NODE_PID" "$NODE_PORT" --rate "$RATE"
done
join_cpu=$(grep '^peerline-max' "$WORK/relay.txt" | head -1 | sed -n 's/.*join_server_cpu_s=\([^ ]*\).*/\1/p')
join_cpu_node=$(grep '^node-max' "$WORK/relay.txt" | head -1 | sed -n 's/.*join_server_cpu_s=\([^ ]*\).*/\1/p')
stop "$PEERLINE_PID"; stop "$NODE_PID"

best_line() {  # name key: the round that gives the table's figure (max msg/s, else lowest p99)
  if [[ $2 == msgs_per_s ]]; then
    grep "^$1 " "$WORK/relay.txt" | awk '{for(i=1;i<=NF;i++) if ($i ~ /^msgs_per_s=/) {split($i,a,"="); print a[2], $0}}' | sort -n | tail -1 | cut -d' ' -f2-
  else
    grep "^$1 " "$WORK/relay.txt" | awk '{for(i=1;i<=NF;i++) if ($i ~ /^p99_us=/) {split($i,a,"="); print a[2], $0}}' | sort -n | head -1 | cut -d' ' -f2-
  fi
}
best() { field "$2" "$(best_line "$1" "$2")"; }
round_of() { field round "$(best_line "$1" "$2")"; }
# Errors over every round of a name: errors / dropped connections / misaddressed / undelivered.
errors_of() {
  grep "^$1 " "$WORK/relay.txt" | awk '{for(i=1;i<=NF;i++) {split($i,a,"="); if (a[1]=="errors") e+=a[2]; if (a[1]=="lost") l+=a[2]; if (a[1]=="wrong_sender") w+=a[2]; if (a[1]=="undelivered") u+=a[2]; if (a[1]=="status" && a[2]!=0) s++}} END {printf "%d / %d / %d / %d%s", e, l, w, u, s ? " (" s " failed)" : ""}'
}
cpu_at() {  # name: server CPU ms per 10k msgs, median over rounds
  grep "^$1 " "$WORK/relay.txt" | sed -n 's/.*server_cpu_ms_per_10k=\([^ ]*\).*/\1/p' | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'
}

# ---- idle: RSS per connection ----------------------------------------------------------------
# Does the server put different source addresses in different rooms yet? Two clients from two
# addresses, one after the other: the second one's welcome lists 0 peers if so.
start_peerline probe
probe=$("$LOAD" idle --port "$PEERLINE_PORT" --connections 2 --per-source 1 --concurrency 1 --hold 0 --source-base 127.9.0.1 2>/dev/null | grep '^RESULT' || true)
stop "$PEERLINE_PID"
hello_flag=()
idle_kind="greeted (hello), 100 per source address"
if [[ $(field max_welcome_peers "$probe") != 0 ]]; then
  # One room for everyone: N greeted clients cost O(N^2) presence frames (~10 ms of server CPU
  # per join at 1k clients), hours at 19k. Measure open WebSockets without hello instead.
  hello_flag=(--no-hello)
  idle_kind="WebSocket open, no hello (server has one room for all: greeting 19k would be O(N^2) presence)"
  if "$SERVER" --help | grep -q -- --handshake-timeout; then limit_flags+=(--handshake-timeout=3600); fi
fi
log "idle connections: $idle_kind"

idle_series() {  # name start_fn -> sets R0 R1 R2 (KiB) N1 N2
  local name=$1 pid port
  $2 idle
  if [[ $name == peerline ]]; then pid=$PEERLINE_PID port=$PEERLINE_PORT; else pid=$NODE_PID port=$NODE_PORT; fi
  sleep 0.5; wait_quiet "$pid"
  R0=$(rss_kib "$pid")
  local procs=() k=0 n each
  launch() {  # count: in processes of <= 9500 connections, each on its own 127.x range
    local left=$1
    while ((left > 0)); do
      each=$((left > 9500 ? 9500 : left)); left=$((left - each)); k=$((k + 1))
      "${prio[@]}" "$LOAD" idle --port "$port" --connections "$each" --per-source 100 --hold 300 \
        --source-base "127.$((20 + k)).0.1" "${hello_flag[@]}" >"$WORK/idle.$name.$k.out" 2>>"$WORK/load.log" &
      procs+=($!); started+=($!)
    done
  }
  launch "$IDLE_SMALL"
  for ((i = 1; i <= k; i++)); do wait_line "$WORK/idle.$name.$i.out" READY 180; done
  sleep 1; wait_quiet "$pid"
  N1=$(awk '/^READY/ {s += substr($2, 13)} END {print s}' "$WORK"/idle.$name.*.out)
  R1=$(rss_kib "$pid")
  local first=$k
  launch $((IDLE_BIG - IDLE_SMALL))
  for ((i = first + 1; i <= k; i++)); do wait_line "$WORK/idle.$name.$i.out" READY 180; done
  sleep 1; wait_quiet "$pid"
  N2=$(awk '/^READY/ {s += substr($2, 13)} END {print s}' "$WORK"/idle.$name.*.out)
  R2=$(rss_kib "$pid")
  log "$name idle: RSS ${R0} KiB empty, ${R1} KiB at $N1, ${R2} KiB at $N2 connections"
  for p in "${procs[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${procs[@]}"; do wait "$p" 2>/dev/null || true; done
  stop "$pid"
}
idle_series peerline start_peerline
P_R0=$R0 P_R1=$R1 P_R2=$R2 P_N1=$N1 P_N2=$N2
idle_series node start_node
N_R0=$R0 N_R1=$R1 N_R2=$R2 N_N1=$N1 N_N2=$N2

# ---- report ----------------------------------------------------------------------------------
per() { awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { if (n > 0) printf "%.2f", (b - a) * 1.024 / n; else print "?" }'; }  # KiB -> KB
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "?" }'; }
extrap() { awk -v r0="$1" -v r1="$2" -v r2="$3" -v n1="$4" -v n2="$5" 'BEGIN { if (n2 > n1) printf "%.0f MB", (r2 + (50000 - n2) * (r2 - r1) / (n2 - n1)) * 1.024 / 1000; else print "?" }'; }

fifty() {  # reached-count r0 r1 r2 n1
  if (($1 >= 50000)); then echo "held $1"; return; fi
  echo "not reachable here: $(ulimit -Hn) open files per process (hard limit; raising it needs CAP_SYS_RESOURCE); extrapolated RSS $(extrap "$2" "$3" "$4" "$5" "$1")"
}
p_max=$(best peerline-max msgs_per_s); n_max=$(best node-max msgs_per_s)
cat <<EOF

## Signaling load benchmark

\`tools/bench/load/run.sh\` — $(date -u +%Y-%m-%d), $(nproc) cores, loopback, one load generator
process (C++/Asio, 1 thread) per relay run; CPU pressure from other work on this machine
(avg60 at the end): $(pressure)${NICE:+; servers and load generator ran at nice $NICE}; load average $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end. Relay: $CLIENTS clients in $((CLIENTS / 2)) pairs, each pair on its own
127.x source address, ~$(( $(sed -n 's/.*payload_bytes = \([0-9]*\).*/\1/p' tools/bench/load/modes.hpp) + 90 ))-byte signal messages both ways; best of $ROUNDS alternating rounds of ${DURATION} s.
Idle: $idle_kind.

Each relay row names the round (of $ROUNDS) its figure comes from; the errors column sums every
round of that kind: errors / dropped connections / misaddressed / undelivered messages.

| Measure | Peerline | Node \`ws\` baseline | Peerline / Node | Target | Round (Peerline, Node) | Errors, all rounds (Peerline; Node) |
|---|---|---|---|---|---|---|
| Max relayed msg/s (unpaced, 8 in flight per client) | $p_max | $n_max | $(ratio "$p_max" "$n_max") | ≥ 1.5× | $(round_of peerline-max msgs_per_s), $(round_of node-max msgs_per_s) | $(errors_of peerline-max); $(errors_of node-max) |
| Relay latency at $RATE msg/s: p50 / p90 / p99 / max (µs) | $(best peerline-rate p50_us) / $(best peerline-rate p90_us) / $(best peerline-rate p99_us) / $(best peerline-rate max_us) | $(best node-rate p50_us) / $(best node-rate p90_us) / $(best node-rate p99_us) / $(best node-rate max_us) | | p99 < 1000 µs | $(round_of peerline-rate p99_us), $(round_of node-rate p99_us) | $(errors_of peerline-rate); $(errors_of node-rate) |
| Achieved rate in that run (msg/s) | $(field msgs_per_s "$(best_line peerline-rate p99_us)") | $(field msgs_per_s "$(best_line node-rate p99_us)") | | $RATE | same round | |
| Server CPU per 10k relayed msgs at $RATE msg/s (ms, median) | $(cpu_at peerline-rate) | $(cpu_at node-rate) | $(ratio "$(cpu_at peerline-rate)" "$(cpu_at node-rate)") | |
| Server CPU per 10k relayed msgs, unpaced (ms, median) | $(cpu_at peerline-max) | $(cpu_at node-max) | $(ratio "$(cpu_at peerline-max)" "$(cpu_at node-max)") | |
| Server CPU for $CLIENTS joins incl. presence (s) | $join_cpu | $join_cpu_node | | |
| RSS per idle connection at $P_N1 / $N_N1 conns (KB) | $(per "$P_R0" "$P_R1" "$P_N1") | $(per "$N_R0" "$N_R1" "$N_N1") | | ≤ 10 KB |
| RSS per idle connection at $P_N2 / $N_N2 conns (KB) | $(per "$P_R0" "$P_R2" "$P_N2") | $(per "$N_R0" "$N_R2" "$N_N2") | | ≤ 10 KB |
| Marginal RSS per connection, $P_N1 → $P_N2 (KB) | $(per "$P_R1" "$P_R2" $((P_N2 - P_N1))) | $(per "$N_R1" "$N_R2" $((N_N2 - N_N1))) | | |
| Server RSS: empty / at $P_N1 / at $P_N2 (MB) | $((P_R0 / 1000)) / $((P_R1 / 1000)) / $((P_R2 / 1000)) | $((N_R0 / 1000)) / $((N_R1 / 1000)) / $((N_R2 / 1000)) | | |
| 50k idle connections | $(fifty "$P_N2" "$P_R0" "$P_R1" "$P_R2" "$P_N1") | $(fifty "$N_N2" "$N_R0" "$N_R1" "$N_R2" "$N_N1") | | ≥ 50k |

RSS is the server's VmRSS; kernel socket buffers are not in it. Raw results: $WORK
EOF
if ((${#relay_failures[@]})); then
  printf '\nFAILED: relay rounds with errors, dropped connections, misaddressed or undelivered messages:\n' >&2
  printf '  %s\n' "${relay_failures[@]}" >&2
  exit 3
fi
