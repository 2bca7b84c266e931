// File transfer throughput across engines (issue 16): Peerline's real page and a real file,
// Chromium→Chromium, Chromium→Firefox and Firefox→Chromium, rounds interleaved across the pairs in
// one run on loopback, each timed as peerline.mjs times it (receiver's Accept click to
// data-state="done", set only after the XXH3-128 matched), with the receiver's peak memory.
// Chromium users are Playwright pages (one context each, as bench.mjs); Firefox users are
// firefox-esr pages over WebDriver BiDi (tests/e2e/engines.mjs), one context each.
// Usage: node tools/bench/transfer/engines.mjs [SIZE_MIB, default 1024] [ROUNDS, default 2]
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromiumUser, launchFirefox, openFirefoxUser } from '../../../tests/e2e/engines.mjs';
import { launchBrowser, openUser, startServer, stopServer } from '../../../tests/e2e/helpers.mjs';
import { findRenderer, processTree } from './memory.mjs';
import { makeFile, timeTransfer } from './peerline.mjs';

const MIB = Number(process.argv[2] ?? 1024);
const ROUNDS = Number(process.argv[3] ?? 2);
if (!(Number.isInteger(MIB) && MIB > 0 && MIB <= 4096) || !(Number.isInteger(ROUNDS) && ROUNDS >= 1 && ROUNDS <= 10)) {
  console.error('usage: engines.mjs SIZE_MIB(1..4096) ROUNDS(1..10)');
  process.exit(2);
}
// bench.mjs's bound, doubled: Firefox's side may well be slower.
const TIMEOUT_MS = Math.max(60, MIB * 1.2) * 1000;
const PAIRS = [['chromium', 'chromium'], ['chromium', 'firefox'], ['firefox', 'chromium']];
const ENGINE = { chromium: 'Chromium', firefox: 'Firefox' };
const pairName = ([from, to]) => `${ENGINE[from]}→${ENGINE[to]}`;

const log = (line) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const loadAverage = () => execFileSync('uptime', { encoding: 'utf8' }).trim().replace(/^.*load average/, 'load average');
const fmt = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const work = await mkdtemp(path.join(os.tmpdir(), 'peerline-bench-engines-'));
const loads = [loadAverage()];
let server, chromium, firefox;
try {
  log(`writing ${MIB} MiB of random bytes`);
  const file = await makeFile(work, MIB);
  const started = await startServer();
  server = started.child;
  chromium = await launchBrowser();
  const cdp = await chromium.newBrowserCDPSession();
  firefox = await launchFirefox();
  const firefoxPid = firefox.process().pid;

  // A user of the page in `engine`, and what to sample for its memory: a Chromium page's own
  // renderer; for Firefox, every Firefox process (it names no renderer per page).
  let users = 0;
  const open = async (engine, name, taken) => {
    if (engine === 'firefox') {
      return { user: await openFirefoxUser(firefox, started.url, name), pid: () => processTree(firefoxPid) };
    }
    const user = chromiumUser(await openUser(chromium, started.url, name));
    return { user, pid: await findRenderer(cdp, taken, user.page) };
  };

  const runs = [];  // {pair, round, ms | error, memory}
  for (let round = 1; round <= ROUNDS; ++round) {
    for (const pair of PAIRS) {
      log(`round ${round}/${ROUNDS}, ${MIB} MiB: ${pairName(pair)}`);
      const taken = new Set();
      const opened = [];
      let result;
      try {
        ++users;
        const sender = await open(pair[0], `Ada${users}`, taken);
        opened.push(sender.user);
        const receiver = await open(pair[1], `Bob${users}`, taken);
        opened.push(receiver.user);
        result = await timeTransfer({ sender: sender.user, receiver: receiver.user, file, sizeMiB: MIB, timeoutMs: TIMEOUT_MS,
                                      pids: { sender: sender.pid, receiver: receiver.pid }, label: pairName(pair) });
      } catch (error) {
        result = { error: error.message.split('\n')[0] };
      } finally {
        for (const user of opened) await user.close();
      }
      log(`  ${result.error ?? `${fmt(MIB / (result.ms / 1000))} MiB/s`}${result.pageErrors ? ` page errors: ${result.pageErrors.join('; ')}` : ''}`);
      runs.push({ pair: pairName(pair), round, ...result });
      loads.push(loadAverage());
    }
  }

  const ok = (r) => !r.error && Number.isFinite(r.ms);
  const rate = (r) => (ok(r) ? MIB / (r.ms / 1000) : NaN);
  console.log(`\n## File transfer across engines, Peerline page, ${MIB} MiB (loopback, ${ROUNDS} interleaved round(s))\n`);
  console.log(`${os.cpus().length} cores; ${loads.map((l, i) => `${i ? 'after ' : 'before: '}${l}`).join('; ')}\n`);
  console.log('| pair | round | MiB/s | receiver RSS peak (MiB) | receiver RSS growth (MiB) |');
  console.log('|------|------:|------:|------:|------:|');
  for (const r of runs) {
    const m = r.memory;
    console.log(`| ${r.pair} | ${r.round} | ${ok(r) ? fmt(rate(r)) : `FAILED: ${r.error}`} | ${fmt(m?.peak.receiver, 0)} | ` +
                `${fmt(m?.peak.receiver - m?.start.receiver, 0)} |`);
  }
  console.log('\nReceiver RSS: a Chromium receiver\'s own renderer process; a Firefox receiver\'s is every Firefox');
  console.log('process (parent, content, GPU, socket, utility) together, so compare its growth, not its peak.\n');
  console.log('| pair | best MiB/s | median MiB/s | median / Chromium→Chromium median |');
  console.log('|------|------:|------:|------:|');
  const medians = {};
  for (const pair of PAIRS.map(pairName)) {
    const rates = runs.filter((r) => r.pair === pair && ok(r)).map(rate);
    medians[pair] = rates.length ? median(rates) : NaN;
    console.log(`| ${pair} | ${fmt(rates.length ? Math.max(...rates) : NaN)} | ${fmt(medians[pair])} | ` +
                `${fmt(medians[pair] / medians['Chromium→Chromium'], 2)} |`);
  }
  process.exitCode = runs.some((r) => !ok(r)) ? 1 : 0;
} finally {
  await chromium?.close().catch(() => {});
  await firefox?.close().catch(() => {});
  await stopServer(server);
  await rm(work, { recursive: true, force: true });
}
