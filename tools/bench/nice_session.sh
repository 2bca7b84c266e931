# Sourced (not run) by the benchmarks that take NICE. With the scheduler's autogroups (Linux,
# sched_autogroup_enabled=1) CPU is shared fairly between sessions whatever the nice values inside
# them, so NICE applies to a session of our own: re-run the calling script in one, and set that
# session's autogroup priority. Everything the benchmark starts then runs at that priority alike.
if [[ -n ${NICE:-} && -z ${PEERLINE_BENCH_SESSION:-} ]]; then
  PEERLINE_BENCH_SESSION=1 exec setsid -w "$0" "$@"
fi
if [[ -n ${NICE:-} && -w /proc/self/autogroup ]]; then echo "$NICE" >/proc/self/autogroup || true; fi
