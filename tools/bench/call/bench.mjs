// Click Call -> first remote video frame at the caller (requestVideoFrameCallback), Peerline vs
// a minimal hand-written JavaScript call page (baseline.html), interleaved in one run on loopback.
// The callee answers as soon as it can: Peerline's callee clicks Accept the moment the dialog
// opens (in-page, no test round trip); the baseline callee answers every offer at once.
// Usage: node tools/bench/call/bench.mjs [calls per side, default 20]
// Env: PEERLINE_WEB_BEFORE=<another built web folder> adds a "Before" row measured in the same
// run (served under /before/), to compare a change against the previous build side by side.
// BASELINE_START_KBPS=800 has the baseline write the start bitrate Peerline's SDP policy writes.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  builtWeb, launchBrowser, openUser, sleep, startServer, stopServer,
} from '../../../tests/e2e/helpers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const CALLS = Number(process.argv[2] ?? 20);
const WARMUP = 2;
const WAIT_MS = 15_000;

const within = (promise, ms, what) => Promise.race([
  promise, sleep(ms).then(() => { throw new Error(`${what}: no answer within ${ms} ms`); })]);

// In the caller page: starts the clock at the click (capture phase, before the app's handler)
// and stops it at the first presented frame of the remote <video>.
function armClock(videoId) {
  window.__firstFrameMs = new Promise((resolve) => {
    document.addEventListener('click', () => {
      const t0 = performance.now();
      document.getElementById(videoId).requestVideoFrameCallback(() => resolve(performance.now() - t0));
    }, { capture: true, once: true });
  });
}

async function peerlineCall(caller, calleePage) {
  await caller.page.evaluate(armClock, 'remoteVideo');
  await caller.page.getByRole('button', { name: `Call ${calleePage.name}`, exact: true }).click();
  const ms = await within(caller.page.evaluate(() => window.__firstFrameMs), WAIT_MS, 'Peerline first frame');
  await caller.page.getByRole('button', { name: 'Hang up', exact: true }).click();
  for (const page of [caller.page, calleePage.page]) {
    await page.waitForFunction(() => document.getElementById('callPanel').dataset.phase === 'ended',
                               null, { timeout: WAIT_MS });
  }
  return ms;
}

async function baselineCall(caller, callee) {
  await caller.evaluate(armClock, 'remote');
  await caller.click('#call');
  const ms = await within(caller.evaluate(() => window.__firstFrameMs), WAIT_MS, 'baseline first frame');
  await caller.evaluate(() => window.hangUp());
  await callee.waitForFunction(() => window.bench.pc === null, null, { timeout: WAIT_MS });
  return ms;
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), p90: quantile(sorted, 0.9), min: sorted[0], max: sorted.at(-1) };
};

// One server serves both pages: the built web folder plus baseline.html, copied to a temporary
// web root (a page fulfilled by the test would count as a public origin and be refused the
// loopback WebSocket by Chromium's local network access checks).
const web = await mkdtemp(path.join(os.tmpdir(), 'peerline-bench-'));
await cp(builtWeb(), web, { recursive: true });
await cp(path.join(here, 'baseline.html'), path.join(web, 'bench-baseline.html'));
const before = process.env.PEERLINE_WEB_BEFORE;
if (before) await cp(before, path.join(web, 'before'), { recursive: true });
const { child: server, url } = await startServer({ web });
const browser = await launchBrowser();
try {
  // Peerline: two users of the real page (and two of the previous build, if asked).
  const pair = async (base, caller, callee) => {
    const a = await openUser(browser, base, caller);
    const b = await openUser(browser, base, callee);
    await a.page.getByRole('button', { name: `Call ${callee}`, exact: true }).waitFor({ timeout: WAIT_MS });
    await b.page.evaluate(() => {
      const dialog = document.getElementById('incoming');
      new MutationObserver(() => { if (dialog.open) document.getElementById('acceptVideo').click(); })
        .observe(dialog, { attributes: true, attributeFilter: ['open'] });
    });
    return [a, b];
  };
  const [ada, bob] = await pair(url, 'BenchAda', 'BenchBob');
  const [oldAda, oldBob] = before ? await pair(`${url}/before`, 'BeforeAda', 'BeforeBob') : [];

  const baselinePage = async (name) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const start = process.env.BASELINE_START_KBPS ? `&start=${process.env.BASELINE_START_KBPS}` : '';
    await page.goto(`${url}/bench-baseline.html?name=${name}${start}`);
    await page.waitForFunction(() => window.bench?.id, null, { timeout: WAIT_MS });
    return page;
  };
  const baseCaller = await baselinePage('BaseCaller');
  const baseCallee = await baselinePage('BaseCallee');
  const calleeId = await baseCallee.evaluate(() => window.bench.id);
  await baseCaller.evaluate((id) => { window.benchTarget = id; }, calleeId);

  const results = { Peerline: [], Baseline: [], Before: [] };
  for (let i = 0; i < CALLS + WARMUP; ++i) {
    const p = await peerlineCall(ada, bob);
    await sleep(300);
    const b = await baselineCall(baseCaller, baseCallee);
    await sleep(300);
    const o = before ? await peerlineCall(oldAda, oldBob) : NaN;
    if (before) await sleep(300);
    if (i >= WARMUP) { results.Peerline.push(p); results.Baseline.push(b); if (before) results.Before.push(o); }
    process.stderr.write(`call ${i + 1 - WARMUP}${i < WARMUP ? ' (warm-up)' : ''}: Peerline ${p.toFixed(0)} ms, baseline ${b.toFixed(0)} ms` +
                         `${before ? `, before ${o.toFixed(0)} ms` : ''}\n`);
  }

  const peer = stats(results.Peerline);
  const base = stats(results.Baseline);
  const row = (name, s) => `| ${name.padEnd(9)} | ${s.median.toFixed(0).padStart(6)} | ${s.p90.toFixed(0).padStart(6)} | ${s.min.toFixed(0).padStart(6)} | ${s.max.toFixed(0).padStart(6)} |`;
  console.log(`Click Call -> first remote video frame at the caller, ${CALLS} calls each, interleaved, loopback (ms)`);
  console.log('| page      | median |    p90 |    min |    max |');
  console.log('|-----------|-------:|-------:|-------:|-------:|');
  console.log(row('Peerline', peer));
  console.log(row('Baseline', base));
  if (before) console.log(row('Before', stats(results.Before)));
  console.log(`Peerline / baseline: median ${(peer.median / base.median).toFixed(2)}x, p90 ${(peer.p90 / base.p90).toFixed(2)}x ` +
              `(targets: median <= 300 ms, <= 1.10x)`);
} finally {
  await browser.close().catch(() => {});
  await stopServer(server);
  await rm(web, { recursive: true, force: true });
}
