// Which Chromium process is which page's renderer, and their resident memory sampled while a
// transfer runs. Every user is its own browser context, so its page gets its own renderer
// process. To tell which one, the page briefly holds a marker buffer and the renderer whose RSS
// jumped by that much is its own. Cheaper-looking ways named the wrong process here: "the new
// pid after opening it" (Chromium keeps spare renderers) and "the one whose CPU time grew while
// the page spun" (another renderer's CPU time grew along with it).
import { readdirSync, readFileSync } from 'node:fs';

export async function processTable(cdp) {
  const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
  return processInfo;
}

const MARKER_MIB = 96;

// The pid of `page`'s renderer; `taken` holds pids already attributed to other pages.
export async function findRenderer(cdp, taken, page) {
  const renderers = (await processTable(cdp)).filter((p) => p.type === 'renderer' && !taken.has(p.id)).map((p) => p.id);
  const before = new Map(renderers.map((pid) => [pid, rssMiB(pid)]));
  await page.evaluate((mib) => { window.__rendererMarker = new Uint8Array(mib * 1024 * 1024).fill(1); }, MARKER_MIB);
  let best = null;
  let bestGrowth = -Infinity;
  for (const pid of renderers) {
    const growth = rssMiB(pid) - before.get(pid);
    if (growth > bestGrowth) { best = pid; bestGrowth = growth; }
  }
  // Drop the marker and collect it now, so it is gone before anything is measured.
  await page.evaluate(() => { window.__rendererMarker = null; });
  const session = await page.context().newCDPSession(page);
  await session.send('HeapProfiler.collectGarbage');
  await session.detach();
  if (best === null || !(bestGrowth > MARKER_MIB / 2)) {
    throw new Error(`no renderer grew by the ${MARKER_MIB} MiB marker (best: ${bestGrowth} MiB)`);
  }
  taken.add(best);
  return best;
}

export async function browserPid(cdp) {
  return (await processTable(cdp)).find((p) => p.type === 'browser')?.id;
}

// VmRSS in MiB, or NaN once the process is gone.
export function rssMiB(pid) {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

// `root` and every process below it (e.g. all of Firefox's: it has no per-page renderer pid to
// ask for), from the parent pids in /proc/*/stat.
export function processTree(root) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch { /* gone meanwhile */ }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; ++i) tree.push(...(children.get(tree[i]) ?? []));
  return tree;
}

// A role of startSampler is one pid, or a function giving the pids to add up (asked at each
// sample; a process that is gone meanwhile counts as nothing).
const summed = (role, f) => (typeof role === 'function'
  ? role().map(f).filter(Number.isFinite).reduce((total, x) => total + x, 0) : f(role));

// CPU seconds (user + system) a process has used so far, or NaN once it is gone.
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;  // utime, stime in USER_HZ (100)
  } catch {
    return NaN;
  }
}

// Busy and total jiffies of the whole machine (/proc/stat, first line).
function machineJiffies() {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const idle = values[3] + values[4];
  const total = values.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

// Samples RSS of `pids` ({role: pid or () => [pid]}) and the transfer's progress
// (async () => 0..1) every `everyMs` until stop(); logs one progress line every `logEveryMs` so a
// stall shows as it happens.
// At stop, logs the CPU each role used per GiB moved and how busy the whole machine was: on a
// saturated machine every CPU second a page spends is taken from the data channel's own work.
export function startSampler({ pids, progress, totalMiB, label, everyMs = 200, logEveryMs = 5000 }) {
  const samples = [];
  const t0 = performance.now();
  const cpu0 = Object.fromEntries(Object.entries(pids).map(([role, pid]) => [role, summed(pid, cpuSeconds)]));
  const machine0 = machineJiffies();
  let running = true;
  let lastLog = { t: 0, done: 0 };
  const loop = (async () => {
    while (running) {
      const t = performance.now() - t0;
      const rss = Object.fromEntries(Object.entries(pids).map(([role, pid]) => [role, summed(pid, rssMiB)]));
      const done = await progress().catch(() => NaN);
      samples.push({ t, rss, done });
      if (t - lastLog.t >= logEveryMs) {
        const rate = ((done - lastLog.done) * totalMiB) / ((t - lastLog.t) / 1000);
        process.stderr.write(`  ${label} ${(t / 1000).toFixed(0).padStart(4)} s ${(done * 100).toFixed(1).padStart(5)} % ` +
                             `${rate.toFixed(1).padStart(6)} MiB/s  RSS ` +
                             `${Object.entries(rss).map(([r, v]) => `${r} ${v.toFixed(0)}`).join(', ')} MiB\n`);
        lastLog = { t, done };
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return async () => {
    running = false;
    await loop;
    const machine1 = machineJiffies();
    const gib = (samples.at(-1)?.done ?? 0) * totalMiB / 1024;
    const perGiB = Object.entries(pids).map(([role, pid]) => `${role} ${((summed(pid, cpuSeconds) - cpu0[role]) / gib).toFixed(2)}`);
    const busy = (machine1.busy - machine0.busy) / (machine1.total - machine0.total);
    process.stderr.write(`  ${label} CPU s per GiB: ${perGiB.join(', ')}; machine ${(busy * 100).toFixed(0)}% busy\n`);
    return summarize(samples, Object.keys(pids));
  };
}

// Peak per role, and each role's RSS at the first sample past 25/50/75/100 % of the bytes.
function summarize(samples, roles) {
  const peak = Object.fromEntries(roles.map((r) => [r, Math.max(...samples.map((s) => s.rss[r]).filter(Number.isFinite))]));
  const start = samples[0]?.rss ?? {};
  const at = {};
  for (const q of [0.25, 0.5, 0.75, 1]) {
    const s = samples.find((x) => x.done >= q - 1e-9) ?? samples.at(-1);
    at[q] = s?.rss ?? {};
  }
  return { peak, start, at, samples: samples.length };
}
