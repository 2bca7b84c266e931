// Click Call -> first remote video frame at the caller (requestVideoFrameCallback), Peerline vs
// a minimal hand-written JavaScript call page (baseline.html), interleaved in one run on loopback.
// The callee answers as soon as it can: Peerline's callee clicks Accept the moment the dialog
// opens (in-page, no test round trip); the baseline callee answers every offer at once.
// The caller is always Chromium; each page is called both in a Chromium callee and in a Firefox
// one (firefox-esr over WebDriver BiDi, tests/e2e/engines.mjs), interleaved too, and Peerline is
// compared with the baseline that has the same callee engine.
// Usage: node tools/bench/call/bench.mjs [calls per side, default 20]
// Env: FIREFOX=0 leaves the Firefox callees out.
// Env: PEERLINE_WEB_BEFORE=<another built web folder> adds a "Before" row measured in the same
// run (served under /before/), to compare a change against the previous build side by side.
// BASELINE_START_KBPS=800 has the baseline write the start bitrate Peerline's SDP policy writes.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumUser, launchFirefox, openFirefoxUser } from '../../../tests/e2e/engines.mjs';
import {
  builtWeb, launchBrowser, openUser, sleep, startServer, stopServer,
} from '../../../tests/e2e/helpers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const CALLS = Number(process.argv[2] ?? 20);
const WARMUP = 2;
const WAIT_MS = 15_000;
const FIREFOX = process.env.FIREFOX !== '0';
const ENGINE = { chromium: 'Chromium', firefox: 'Firefox' };

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

// Callees are engine-neutral: {name or id, evaluate, waitFor} (engines.mjs's users, baselinePage).
async function peerlineCall(caller, callee) {
  await caller.page.evaluate(armClock, 'remoteVideo');
  await caller.page.getByRole('button', { name: `Call ${callee.name}`, exact: true }).click();
  const ms = await within(caller.page.evaluate(() => window.__firstFrameMs), WAIT_MS, 'Peerline first frame');
  await caller.page.getByRole('button', { name: 'Hang up', exact: true }).click();
  const ended = () => document.getElementById('callPanel').dataset.phase === 'ended';
  await caller.page.waitForFunction(ended, null, { timeout: WAIT_MS });
  await callee.waitFor(ended, null, WAIT_MS);
  return ms;
}

async function baselineCall(caller, callee) {
  await caller.evaluate((id) => { window.benchTarget = id; }, callee.id);
  await caller.evaluate(armClock, 'remote');
  await caller.click('#call');
  const ms = await within(caller.evaluate(() => window.__firstFrameMs), WAIT_MS, 'baseline first frame');
  await caller.evaluate(() => window.hangUp());
  await callee.waitFor(() => window.bench.pc === null, null, WAIT_MS);
  return ms;
}

// In a Peerline callee: click Accept (with video) the moment the incoming-call dialog opens.
function autoAccept() {
  const dialog = document.getElementById('incoming');
  new MutationObserver(() => { if (dialog.open) document.getElementById('acceptVideo').click(); })
    .observe(dialog, { attributes: true, attributeFilter: ['open'] });
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
await cp(path.join(here, 'baseline.js'), path.join(web, 'bench-baseline.js'));
const before = process.env.PEERLINE_WEB_BEFORE;
if (before) await cp(before, path.join(web, 'before'), { recursive: true });
const { child: server, url } = await startServer({ web });
const browser = await launchBrowser();
let firefox;
try {
  firefox = FIREFOX ? await launchFirefox() : null;
  const engines = FIREFOX ? ['chromium', 'firefox'] : ['chromium'];
  // Peerline: a Chromium caller and a callee per engine, users of the real page (and a pair of
  // the previous build, if asked).
  const callee = async (engine, base, name, of) => {
    const user = engine === 'firefox' ? await openFirefoxUser(firefox, base, name)
                                      : chromiumUser(await openUser(browser, base, name));
    await of.page.getByRole('button', { name: `Call ${name}`, exact: true }).waitFor({ timeout: WAIT_MS });
    await user.evaluate(autoAccept);
    return user;
  };
  const ada = await openUser(browser, url, 'BenchAda');
  const callees = {};
  for (const engine of engines) callees[engine] = await callee(engine, url, `Bench${ENGINE[engine]}`, ada);
  const oldAda = before ? await openUser(browser, `${url}/before`, 'BeforeAda') : null;
  const oldBob = before ? await callee('chromium', `${url}/before`, 'BeforeBob', oldAda) : null;

  // Baseline: a Chromium caller page and a callee page per engine.
  const baselinePage = async (engine, name) => {
    const start = process.env.BASELINE_START_KBPS ? `&start=${process.env.BASELINE_START_KBPS}` : '';
    const address = `${url}/bench-baseline.html?name=${name}${start}`;
    let page, waitFor;
    if (engine === 'firefox') {
      page = await (await firefox.createBrowserContext()).newPage();
      waitFor = (fn, arg, timeout) => page.waitForFunction(fn, { timeout, polling: 50 }, arg);
    } else {
      page = await (await browser.newContext()).newPage();
      waitFor = (fn, arg, timeout) => page.waitForFunction(fn, arg, { timeout, polling: 50 });
    }
    await page.goto(address);
    await waitFor(() => window.bench?.id, null, WAIT_MS);
    return { page, waitFor, id: await page.evaluate(() => window.bench.id) };
  };
  const baseCaller = (await baselinePage('chromium', 'BaseCaller')).page;
  const baseCallees = {};
  for (const engine of engines) baseCallees[engine] = await baselinePage(engine, `BaseCallee${ENGINE[engine]}`);

  // One list of times per row, run in this order within each round.
  const rows = engines.flatMap((engine) => [
    { page: 'Peerline', engine, call: () => peerlineCall(ada, callees[engine]), times: [] },
    { page: 'Baseline', engine, call: () => baselineCall(baseCaller, baseCallees[engine]), times: [] },
  ]);
  if (before) rows.push({ page: 'Before', engine: 'chromium', call: () => peerlineCall(oldAda, oldBob), times: [] });
  for (let i = 0; i < CALLS + WARMUP; ++i) {
    const line = [];
    for (const row of rows) {
      const ms = await row.call();
      await sleep(300);
      if (i >= WARMUP) row.times.push(ms);
      line.push(`${row.page} → ${ENGINE[row.engine]} ${ms.toFixed(0)} ms`);
    }
    process.stderr.write(`call ${i + 1 - WARMUP}${i < WARMUP ? ' (warm-up)' : ''}: ${line.join(', ')}\n`);
  }

  const cell = (x) => x.toFixed(0).padStart(6);
  console.log(`Click Call -> first remote video frame at the Chromium caller, ${CALLS} calls each, interleaved, loopback (ms)`);
  console.log('| page      | callee   | median |    p90 |    min |    max |');
  console.log('|-----------|----------|-------:|-------:|-------:|-------:|');
  for (const row of rows) {
    const s = (row.stats = stats(row.times));
    console.log(`| ${row.page.padEnd(9)} | ${ENGINE[row.engine].padEnd(8)} | ${cell(s.median)} | ${cell(s.p90)} | ${cell(s.min)} | ${cell(s.max)} |`);
  }
  for (const engine of engines) {
    const [peer, base] = ['Peerline', 'Baseline'].map((page) => rows.find((r) => r.page === page && r.engine === engine).stats);
    console.log(`Peerline / baseline, ${ENGINE[engine]} callee: median ${(peer.median / base.median).toFixed(2)}x, ` +
                `p90 ${(peer.p90 / base.p90).toFixed(2)}x${engine === 'chromium' ? ' (targets: median <= 300 ms, <= 1.10x)' : ''}`);
  }
} finally {
  await firefox?.close().catch(() => {});
  await browser.close().catch(() => {});
  await stopServer(server);
  await rm(web, { recursive: true, force: true });
}
