// Where the time of one call goes: the same instrumentation (steps.mjs's timeline, plus WebRTC,
// getUserMedia, long tasks) injected into Peerline's and the baseline's pages, one merged
// timeline per call, times in ms from the click. Diagnostic companion of bench.mjs.
// Usage: node tools/bench/call/trace.mjs [calls per side, default 3]
//        CHROME_TRACE=/tmp/call.json node tools/bench/call/trace.mjs 3   # and the browser's trace
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtWeb, launchBrowser, sleep, startServer, stopServer } from '../../../tests/e2e/helpers.mjs';
import { markSteps } from './steps.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const CALLS = Number(process.argv[2] ?? 3);
const WAIT_MS = 15_000;
// What a trace records: the pages' tasks, layout and paint, WebRTC, and the display compositor's
// draws (viz: software compositing here, so every video frame drawn is CPU taken from call setup).
const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'webrtc',
  'toplevel', 'v8.execute', 'viz'];

// On top of steps.mjs's timeline (window.__steps, window.__mark: clicks, signaling, dialog,
// connection state, first frame), the browser calls and events a trace wants to see.
function instrument() {
  const log = window.__steps;
  const now = () => performance.timeOrigin + performance.now();
  const mark = window.__mark;
  const wrap = (proto, name, label = name) => {
    const original = proto[name];
    if (typeof original !== 'function') return;
    proto[name] = function (...args) {
      const t0 = now();
      const tag = label + (args[0]?.type ? `(${args[0].type})` : '');
      let result;
      try { result = original.apply(this, args); } catch (e) { mark(`${tag} threw`); throw e; }
      const sync = now() - t0;
      if (result && typeof result.then === 'function') {
        result.then(() => log.push([t0, `${tag} ${(now() - t0).toFixed(1)} ms (sync ${sync.toFixed(1)})`]),
                    () => log.push([t0, `${tag} rejected`]));
      } else {
        log.push([t0, `${tag} sync ${sync.toFixed(1)} ms`]);
      }
      return result;
    };
  };
  const pc = RTCPeerConnection.prototype;
  for (const m of ['createOffer', 'createAnswer', 'setLocalDescription', 'setRemoteDescription', 'getStats', 'addTrack', 'addIceCandidate'])
    wrap(pc, m);
  wrap(RTCRtpTransceiver.prototype, 'setCodecPreferences');
  wrap(RTCRtpSender.prototype, 'setParameters');
  wrap(MediaDevices.prototype, 'getUserMedia');
  wrap(MediaDevices.prototype, 'enumerateDevices');
  wrap(HTMLMediaElement.prototype, 'play');
  const Pc = window.RTCPeerConnection;  // steps.mjs's, which marks the connection's state
  window.RTCPeerConnection = class extends Pc {
    constructor(...args) {
      const t0 = now();
      super(...args);
      log.push([t0, `new RTCPeerConnection ${(now() - t0).toFixed(1)} ms`]);
      this.addEventListener('track', (e) => mark(`ontrack ${e.track.kind}`));
      this.addEventListener('icecandidate', (e) => mark(`icecandidate ${e.candidate ? e.candidate.type ?? '' : 'end'}`));
      this.addEventListener('iceconnectionstatechange', () => mark(`ice ${this.iceConnectionState}`));
    }
  };
  const AC = window.AudioContext;
  window.AudioContext = class extends AC {
    constructor(...args) { const t0 = now(); super(...args); log.push([t0, `new AudioContext ${(now() - t0).toFixed(1)} ms`]); }
  };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) log.push([performance.timeOrigin + e.startTime, `LONGTASK ${e.duration.toFixed(0)} ms`]);
  }).observe({ type: 'longtask', buffered: false });
  // Main-thread stalls under the long-task threshold: a 4 ms timer that notes when it ran late.
  let last = now();
  setInterval(() => { const t = now(); if (t - last > 12) log.push([last, `main thread busy ~${(t - last - 4).toFixed(0)} ms`]); last = t; }, 4);
}

const web = await mkdtemp(path.join(os.tmpdir(), 'peerline-trace-'));
await cp(builtWeb(), web, { recursive: true });
await cp(path.join(here, 'baseline.html'), path.join(web, 'bench-baseline.html'));
await cp(path.join(here, 'baseline.js'), path.join(web, 'bench-baseline.js'));
const { child: server, url } = await startServer({ web });
const browser = await launchBrowser();
const open = async (address) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(markSteps);
  await page.addInitScript(instrument);
  page.on('console', (m) => { if (m.type() === 'error') console.error('console:', m.text()); });
  await page.goto(address);
  return page;
};
const timeline = async (label, pages) => {
  const all = [];
  for (const [who, page] of pages) {
    const entries = await page.evaluate(() => window.__steps.splice(0));
    for (const [t, what] of entries) all.push([t, who, what]);
  }
  all.sort((a, b) => a[0] - b[0]);
  const click = all.find(([, , what]) => what.startsWith('click'))?.[0] ?? all[0][0];
  console.log(`--- ${label}`);
  for (const [t, who, what] of all) {
    if (t < click - 5) continue;
    console.log(`${(t - click).toFixed(1).padStart(8)}  ${who.padEnd(7)} ${what}`);
  }
};
try {
  const ada = await open(`${url}/?name=BenchAda`);
  const bob = await open(`${url}/?name=BenchBob`);
  await ada.getByRole('button', { name: 'Call BenchBob', exact: true }).waitFor({ timeout: WAIT_MS });
  await bob.evaluate(() => {
    const dialog = document.getElementById('incoming');
    new MutationObserver(() => { if (dialog.open) document.getElementById('acceptVideo').click(); })
      .observe(dialog, { attributes: true, attributeFilter: ['open'] });
  });
  const baseCaller = await open(`${url}/bench-baseline.html?name=BaseCaller`);
  const baseCallee = await open(`${url}/bench-baseline.html?name=BaseCallee`);
  for (const p of [baseCaller, baseCallee]) await p.waitForFunction(() => window.bench?.id, null, { timeout: WAIT_MS });
  const calleeId = await baseCallee.evaluate(() => window.bench.id);
  await baseCaller.evaluate((id) => { window.benchTarget = id; }, calleeId);

  for (let i = 0; i < CALLS; ++i) {
    for (const p of [ada, bob]) await p.evaluate(() => window.__steps.splice(0));
    await ada.evaluate(() => window.__armFirstFrame('remoteVideo'));
    // CHROME_TRACE=file: the browser's own trace of the last Peerline call (every process's
    // tasks, layout, paint, WebRTC), to open in the DevTools Performance panel or tools/bench/call/tasks.mjs.
    const tracing = process.env.CHROME_TRACE && i === CALLS - 1;
    if (tracing) {
      await browser.startTracing(ada, { path: process.env.CHROME_TRACE, categories: TRACE_CATEGORIES });
    }
    await ada.getByRole('button', { name: 'Call BenchBob', exact: true }).click();
    await ada.evaluate(() => window.__firstFrame);
    await sleep(200);
    if (tracing) await browser.stopTracing();
    await timeline(`Peerline call ${i + 1}`, [['caller', ada], ['callee', bob]]);
    await ada.getByRole('button', { name: 'Hang up', exact: true }).click();
    for (const p of [ada, bob]) {
      await p.waitForFunction(() => document.getElementById('callPanel').dataset.phase === 'ended', null, { timeout: WAIT_MS });
    }
    await sleep(300);

    for (const p of [baseCaller, baseCallee]) await p.evaluate(() => window.__steps.splice(0));
    await baseCaller.evaluate(() => window.__armFirstFrame('remote'));
    // ...and of the last baseline call beside it (CHROME_TRACE's name + ".baseline.json").
    if (tracing) await browser.startTracing(baseCaller, { path: `${process.env.CHROME_TRACE}.baseline.json`, categories: TRACE_CATEGORIES });
    await baseCaller.click('#call');
    await baseCaller.evaluate(() => window.__firstFrame);
    await sleep(200);
    if (tracing) await browser.stopTracing();
    await timeline(`Baseline call ${i + 1}`, [['caller', baseCaller], ['callee', baseCallee]]);
    await baseCaller.evaluate(() => window.hangUp());
    await baseCallee.waitForFunction(() => window.bench.pc === null, null, { timeout: WAIT_MS });
    await sleep(300);
  }
} finally {
  await browser.close().catch(() => {});
  await stopServer(server);
  await rm(web, { recursive: true, force: true });
}
