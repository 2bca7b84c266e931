// The long main-thread tasks of each page in a Chromium trace (trace.mjs with CHROME_TRACE=...):
// for every renderer main thread, each task over MIN_MS with the events that took its time,
// times in ms from the first task shown. Shows what a "main thread busy" line of trace.mjs was.
// Usage: node tools/bench/call/tasks.mjs trace.json [min ms, default 4]
import { readFile } from 'node:fs/promises';

const [file, minArg] = process.argv.slice(2);
const MIN_MS = Number(minArg ?? 4);
const trace = JSON.parse(await readFile(file, 'utf8'));
const events = Array.isArray(trace) ? trace : trace.traceEvents;

const threadNames = new Map();
const processNames = new Map();
for (const e of events) {
  if (e.ph !== 'M') continue;
  if (e.name === 'thread_name') threadNames.set(`${e.pid}:${e.tid}`, e.args.name);
  if (e.name === 'process_labels' || e.name === 'process_name') processNames.set(e.pid, e.args.labels ?? e.args.name);
}
const complete = events.filter((e) => e.ph === 'X' && threadNames.get(`${e.pid}:${e.tid}`) === 'CrRendererMain');
const runs = complete.filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask');
// The outermost task only (Chromium nests one RunTask in another).
const tasks = runs.filter((e) => e.dur / 1000 >= MIN_MS && !runs.some((o) => o !== e && o.pid === e.pid &&
  o.tid === e.tid && o.ts <= e.ts && o.ts + o.dur >= e.ts + e.dur && o.dur > e.dur));
if (tasks.length === 0) { console.log(`no renderer main-thread task of ${MIN_MS} ms or more`); process.exit(0); }
const origin = Math.min(...tasks.map((t) => t.ts));
for (const task of tasks.sort((a, b) => a.ts - b.ts)) {
  const inside = complete.filter((e) => e !== task && e.pid === task.pid && e.tid === task.tid &&
    e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur && !/RunTask/.test(e.name));
  // Time per event name, counting only events not inside another of the same name.
  const byName = new Map();
  for (const e of inside) byName.set(e.name, (byName.get(e.name) ?? 0) + e.dur / 1000);
  const top = [...byName].sort((a, b) => b[1] - a[1]).slice(0, 8)
    .map(([name, ms]) => `${name} ${ms.toFixed(1)}`).join(', ');
  const page = `${processNames.get(task.pid) ?? 'pid'} ${task.pid}`;
  console.log(`${((task.ts - origin) / 1000).toFixed(1).padStart(7)} ms  ${(task.dur / 1000).toFixed(1).padStart(5)} ms  ${page}: ${top}`);
}
