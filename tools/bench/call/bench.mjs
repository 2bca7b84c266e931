// Click Call -> first remote video frame at the caller (requestVideoFrameCallback), Peerline vs
// a minimal hand-written JavaScript call page (baseline.html), interleaved in one run on loopback.
// The callee answers as soon as it can: Peerline's callee clicks Accept the moment the dialog
// opens (in-page, no test round trip); the baseline callee answers every offer at once.
// The caller is always Chromium; each page is called both in a Chromium callee and in a Firefox
// one (firefox-esr over WebDriver BiDi, tests/e2e/engines.mjs), interleaved too, and Peerline is
// compared with the baseline that has the same callee engine.
// Usage: node tools/bench/call/bench.mjs [calls per side, default 20]
// Env: FIREFOX=0 leaves the Firefox callees out.
// Env: ACCEPT_AFTER_MS=600 has Peerline's callee click Accept that long after the dialog opens,
// as a person does (the default, 0, is the fastest possible callee). Its first frame then
// includes the wait, so read the steps: accept → answer and after.
// Env: PEERLINE_WEB_BEFORE=<another built web folder> adds a "Before" row measured in the same
// run (served under /before/), to compare a change against the previous build side by side.
// BASELINE_START_KBPS=800 has the baseline write the start bitrate Peerline's SDP policy writes.
// Beside the first frame it reports the steps underneath it (steps.mjs), each page against the
// baseline with the same callee engine: the frame lands on the camera's and the display's grids,
// the steps do not.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumUser, launchFirefox, openFirefoxUser } from '../../../tests/e2e/engines.mjs';
import {
  builtWeb, launchBrowser, openUser, sleep, startServer, stopServer,
} from '../../../tests/e2e/helpers.mjs';
import { firstFrameSize, markSteps, STEP_NAMES, stepsOf } from './steps.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const CALLS = Number(process.argv[2] ?? 20);
const WARMUP = 2;
const WAIT_MS = 15_000;
const FIREFOX = process.env.FIREFOX !== '0';
const ACCEPT_AFTER_MS = Number(process.env.ACCEPT_AFTER_MS ?? 0);
const ENGINE = { chromium: 'Chromium', firefox: 'Firefox' };

const within = (promise, ms, what) => Promise.race([
  promise, sleep(ms).then(() => { throw new Error(`${what}: no answer within ${ms} ms`); })]);

// One call, timed from both pages' step timelines: `start` clicks Call; returns the click →
// first presented remote frame in ms and the steps underneath it.
async function timedCall(caller, callee, videoId, start) {
  for (const page of [caller, callee]) await page.evaluate(() => window.__steps.splice(0));
  await caller.evaluate((id) => window.__armFirstFrame(id), videoId);
  await start();
  await within(caller.evaluate(() => window.__firstFrame), WAIT_MS, `${videoId}: first frame`);
  const [callerLog, calleeLog] = await Promise.all([caller, callee].map((page) => page.evaluate(() => window.__steps.splice(0))));
  const click = callerLog.find(([, w]) => w.startsWith('click '))[0];
  const presented = callerLog.find(([, w]) => w === 'frame presented')[0];
  return { ms: presented - click, steps: stepsOf(callerLog, calleeLog), size: firstFrameSize(callerLog) };
}

// Callees are engine-neutral: {name or id, evaluate, waitFor} (engines.mjs's users, baselinePage).
async function peerlineCall(caller, callee) {
  const result = await timedCall(caller.page, callee, 'remoteVideo', () =>
    caller.page.getByRole('button', { name: `Call ${callee.name}`, exact: true }).click());
  await caller.page.getByRole('button', { name: 'Hang up', exact: true }).click();
  const ended = () => document.getElementById('callPanel').dataset.phase === 'ended';
  await caller.page.waitForFunction(ended, null, { timeout: WAIT_MS });
  await callee.waitFor(ended, null, WAIT_MS);
  return result;
}

async function baselineCall(caller, callee) {
  await caller.evaluate((id) => { window.benchTarget = id; }, callee.id);
  const result = await timedCall(caller, callee.page, 'remote', () => caller.click('#call'));
  await caller.evaluate(() => window.hangUp());
  await callee.waitFor(() => window.bench.pc === null, null, WAIT_MS);
  return result;
}

// In a Peerline callee: click Accept (with video) the moment the incoming-call dialog opens,
// or `afterMs` later.
function autoAccept(afterMs) {
  const dialog = document.getElementById('incoming');
  const accept = () => document.getElementById('acceptVideo').click();
  new MutationObserver(() => { if (dialog.open) (afterMs > 0 ? setTimeout(accept, afterMs) : accept()); })
    .observe(dialog, { attributes: true, attributeFilter: ['open'] });
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
const stats = (values) => {
  const sorted = values.filter((v) => v !== null).sort((a, b) => a - b);
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
    const user = engine === 'firefox' ? await openFirefoxUser(firefox, base, name, { initScript: markSteps })
                                      : chromiumUser(await openUser(browser, base, name, { initScript: markSteps }));
    await of.page.getByRole('button', { name: `Call ${name}`, exact: true }).waitFor({ timeout: WAIT_MS });
    await user.evaluate(autoAccept, ACCEPT_AFTER_MS);
    return user;
  };
  const ada = await openUser(browser, url, 'BenchAda', { initScript: markSteps });
  const callees = {};
  for (const engine of engines) callees[engine] = await callee(engine, url, `Bench${ENGINE[engine]}`, ada);
  const oldAda = before ? await openUser(browser, `${url}/before`, 'BeforeAda', { initScript: markSteps }) : null;
  const oldBob = before ? await callee('chromium', `${url}/before`, 'BeforeBob', oldAda) : null;

  // Baseline: a Chromium caller page and a callee page per engine.
  const baselinePage = async (engine, name) => {
    const start = process.env.BASELINE_START_KBPS ? `&start=${process.env.BASELINE_START_KBPS}` : '';
    const address = `${url}/bench-baseline.html?name=${name}${start}`;
    let page, waitFor;
    if (engine === 'firefox') {
      page = await (await firefox.createBrowserContext()).newPage();
      await page.evaluateOnNewDocument(markSteps);
      waitFor = (fn, arg, timeout) => page.waitForFunction(fn, { timeout, polling: 50 }, arg);
    } else {
      page = await (await browser.newContext()).newPage();
      await page.addInitScript(markSteps);
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
    { page: 'Peerline', engine, call: () => peerlineCall(ada, callees[engine]), times: [], steps: [] },
    { page: 'Baseline', engine, call: () => baselineCall(baseCaller, baseCallees[engine]), times: [], steps: [] },
  ]);
  if (before) rows.push({ page: 'Before', engine: 'chromium', call: () => peerlineCall(oldAda, oldBob), times: [], steps: [] });
  for (let i = 0; i < CALLS + WARMUP; ++i) {
    const line = [];
    for (const row of rows) {
      const { ms, steps, size } = await row.call();
      await sleep(300);
      if (i >= WARMUP) { row.times.push(ms); row.steps.push(steps); }
      const parts = steps.map((x) => (x === null ? '—' : x.toFixed(0))).join('/');
      line.push(`${row.page} → ${ENGINE[row.engine]} ${ms.toFixed(0)} ms (steps ${parts}; ${size})`);
    }
    process.stderr.write(`call ${i + 1 - WARMUP}${i < WARMUP ? ' (warm-up)' : ''}: ${line.join(', ')}\n`);
  }

  const cell = (x) => x.toFixed(0).padStart(6);
  console.log(`Click Call -> first remote video frame at the Chromium caller, ${CALLS} calls each, interleaved, loopback (ms)` +
              (ACCEPT_AFTER_MS > 0 ? `; Peerline's callee accepts ${ACCEPT_AFTER_MS} ms after ringing, which its times include` : ''));
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

  // The steps underneath: medians per row, and Peerline minus the baseline of the same callee
  // engine (target: each within 5 ms; the ringing step has no counterpart in the baseline).
  const ms = (x) => (x === undefined || x === null ? '—' : x.toFixed(1));
  console.log(`\nSteps underneath the first frame, median ms (${CALLS} calls each)`);
  console.log(`| step | ${rows.map((r) => `${r.page} → ${ENGINE[r.engine]}`).join(' | ')} | ${engines.map((e) => `Peerline − baseline, ${ENGINE[e]}`).join(' | ')} |`);
  console.log(`|---|${rows.map(() => '---:').join('|')}|${engines.map(() => '---:').join('|')}|`);
  STEP_NAMES.forEach((name, k) => {
    const medians = new Map(rows.map((r) => [r, stats(r.steps.map((s) => s[k])).median]));
    const gaps = engines.map((engine) => {
      const [peer, base] = ['Peerline', 'Baseline'].map((page) => medians.get(rows.find((r) => r.page === page && r.engine === engine)));
      if (peer === undefined || base === undefined) return '—';
      const gap = peer - base;
      return `${gap >= 0 ? '+' : ''}${gap.toFixed(1)}${gap <= 5 ? '' : ' (over 5)'}`;
    });
    console.log(`| ${name} | ${rows.map((r) => ms(medians.get(r))).join(' | ')} | ${gaps.join(' | ')} |`);
  });
} finally {
  await firefox?.close().catch(() => {});
  await browser.close().catch(() => {});
  await stopServer(server);
  await rm(web, { recursive: true, force: true });
}
