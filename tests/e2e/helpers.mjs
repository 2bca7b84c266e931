// Shared by the e2e tests: the real server binary, headless Chromium with exactly the DESIGN.md
// flags, users (one browser context each), and bounded waits on what the page shows.
// Env: PEERLINE_SERVER (default build/native/server/peerline-server),
//      PEERLINE_WEB (default build/wasm/web), PEERLINE_CHROMIUM (default /usr/bin/chromium).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const builtWeb = () => webRoot;
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const serverBinary = path.resolve(root, process.env.PEERLINE_SERVER ?? 'build/native/server/peerline-server');
const webRoot = path.resolve(root, process.env.PEERLINE_WEB ?? 'build/wasm/web');
const chromiumPath = process.env.PEERLINE_CHROMIUM ?? '/usr/bin/chromium';

// DESIGN.md "Testing": exactly these flags.
export const chromiumFlags = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
];

export const STEP_MS = 15_000;  // any single wait
export const TEST_MS = 60_000;  // any single test

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- the server ----------------------------------------------------------------------------------

// Starts the server; `port` 0 picks a free one. Extra flags (e.g. --secret) go after the usual.
export function startServer({ port = 0, extra = [], web = webRoot, address = '127.0.0.1' } = {}) {
  return new Promise((resolve, reject) => {
    let log = '';
    const child = spawn(serverBinary,
                        ['--port', String(port), '--address', address, '--web-root', web,
                         '--no-qr', ...extra],
                        { stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => reject(new Error(`server did not start in ${STEP_MS} ms:\n${log}`)), STEP_MS);
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = /Peerline listening on (http:\/\/\S+?)\/?\s*$/m.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1], port: Number(new URL(match[1]).port), log: () => log });
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => { log += chunk; });
    child.once('error', (error) => { clearTimeout(timer); reject(error); });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${log}`));
    });
  });
}

export async function stopServer(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  if (await Promise.race([exited, sleep(5_000).then(() => 'timeout')]) === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}

// ---- the browser and its users -------------------------------------------------------------------

// playwright's launch() gives every run a fresh temporary user-data-dir.
// `executablePath` and `args` (added to the usual flags) for a browser started another way, e.g.
// inside a network namespace (network_blip.test.mjs).
export function launchBrowser({ executablePath = chromiumPath, args = [] } = {}) {
  return chromium.launch({ executablePath, args: [...chromiumFlags, ...args], timeout: STEP_MS });
}
export const chromiumExecutable = chromiumPath;

// Test-only instrumentation, injected before the page's scripts: every RTCPeerConnection the
// page creates is kept in window.__peerConnections so a test can read getStats() and states.
// (Exported for engines.mjs, which injects it into Firefox pages too.)
export function recordPeerConnections() {
  const Native = window.RTCPeerConnection;
  const all = [];
  window.__peerConnections = all;
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      all.push(this);
    }
  };
}

// Test-only instrumentation, injected before the page's scripts: every Content-Security-Policy
// violation (an inline script or style, eval, a load from elsewhere; issue 18) is kept in
// window.__cspViolations and said on console.error, so the no-errors check of every test fails
// on it. Capture on window: it sees the event whatever element it was fired at, and before the
// page could stop it. (Exported for engines.mjs, which injects it into Firefox pages too.)
export function reportCspViolations() {
  const seen = [];
  window.__cspViolations = seen;
  window.addEventListener('securitypolicyviolation', (event) => {
    const where = event.sourceFile ? ` at ${event.sourceFile}:${event.lineNumber}` : '';
    const what = event.blockedURI || 'inline';
    seen.push({ directive: event.effectiveDirective, blocked: what, where, sample: event.sample });
    console.error(`CSP violation: ${event.effectiveDirective} blocked ${what}${where} ${event.sample}`.trim());
  }, true);
}

// Console errors a test may expect (e.g. while the server is down); everything else fails it.
const expectedConsoleErrors = [];
export function allowConsoleErrors(pattern) { expectedConsoleErrors.push(pattern); }
export const consoleErrorExpected = (text) => expectedConsoleErrors.some((pattern) => pattern.test(text));

// One user = one browser context (own storage), one page, every error it shows recorded.
// `initScript` runs in the page before its own scripts (e.g. to take an API away); `prepare`
// gets the page before it loads (e.g. to route a worker's script); `room` opens an invite link.
export async function openUser(browser, baseUrl, name, { initScript, prepare, room } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  if (prepare) await prepare(page);
  page.setDefaultTimeout(STEP_MS);
  await page.addInitScript(recordPeerConnections);
  await page.addInitScript(reportCspViolations);
  if (initScript) await page.addInitScript(initScript);
  const errors = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    if (expectedConsoleErrors.some((pattern) => pattern.test(message.text()))) return;
    errors.push(`console.error: ${message.text()}`);
  });
  page.on('crash', () => errors.push('page crashed'));
  await page.goto(`${baseUrl}/?name=${encodeURIComponent(name)}${room ? `&room=${room}` : ''}`);
  await waitForLink(page, 'online');
  return { name, context, page, errors };
}

export async function closeUsers(...users) {
  for (const user of users) await user?.context.close().catch(() => {});
}

export function assertNoErrors(...users) {
  for (const { name, errors } of users) assert.deepEqual(errors, [], `${name}'s page reported errors`);
}

// ---- what the page shows -------------------------------------------------------------------------

export const button = (page, name) => page.getByRole('button', { name, exact: true });
// The roster tile's button that opens the conversation (chat and files) with `name`.
export const chatButton = (page, name) => page.getByRole('button', { name: new RegExp(`^Chat and files with ${name}`) });

// `from` sends `file` (writeRandomFile's) to `to`, who accepts; returns once `to`'s progress bar
// has reached `share` (0..1) of it: the moment a test cuts something mid-transfer.
export async function startFileTransfer(from, to, file, share) {
  await chatButton(from.page, to.name).click();
  await from.page.locator('#fileInput').setInputFiles([file.file]);
  await to.page.locator('#transfers .transfer').last().waitFor();
  await button(to.page, 'Accept').click();
  await to.page.waitForFunction((s) => {
    const bar = document.querySelector('#transfers .transfer:last-child progress');
    return bar && bar.value / bar.max >= s;
  }, share, { timeout: 60_000, polling: 50 });
}

// Until the newest transfer in the conversation is in `state` (data-state: offered, sending, …).
export async function waitForTransferState(page, state, timeout = STEP_MS) {
  await page.waitForFunction((s) => {
    const items = document.querySelectorAll('#transfers .transfer');
    return items.length > 0 && items[items.length - 1].dataset.state === s;
  }, state, { timeout, polling: 100 });
}
// The device selects live in the Settings dialog (the header's gear button); the peer's volume,
// statistics, full screen and picture-in-picture behind the call's "More" button.
export async function openSettings(page) {
  await button(page, 'Settings').click();
  await page.getByRole('dialog', { name: 'Devices' }).waitFor();
}
export async function closeSettings(page) {
  await button(page, 'Done').click();
  await page.getByRole('dialog', { name: 'Devices' }).waitFor({ state: 'hidden' });
}
export async function openMore(page) {
  if (await button(page, 'More').getAttribute('aria-expanded') !== 'true') await button(page, 'More').click();
  await page.getByRole('group', { name: 'More call options' }).waitFor();
}
export const phaseOf = (page) => page.locator('#callPanel').getAttribute('data-phase');
export const endReasonOf = (page) => page.locator('#callPanel').getAttribute('data-end-reason');
export const statusOf = (page) => page.locator('#callStatus').textContent();

async function waitFor(page, predicate, arg, timeout = STEP_MS) {
  await page.waitForFunction(predicate, arg, { timeout, polling: 50 });
}

export function waitForLink(page, state, timeout = STEP_MS) {
  return waitFor(page, (s) => document.getElementById('connection')?.dataset.state === s, state, timeout);
}

export function waitForPhase(page, phase, timeout = STEP_MS) {
  return waitFor(page, (p) => document.getElementById('callPanel')?.dataset.phase === p, phase, timeout);
}

export async function waitForEnd(page, reason, timeout = STEP_MS) {
  await waitForPhase(page, 'ended', timeout);
  assert.equal(await endReasonOf(page), reason, `${await statusOf(page)}`);
}

// The incoming-call dialog is open and names the caller.
export async function waitForRinging(page, caller) {
  const dialog = page.getByRole('alertdialog', { name: `${caller} is calling` });
  await dialog.waitFor({ state: 'visible' });
  return dialog;
}

// Calls `callee` from `caller` (video unless told) and accepts (with video unless told);
// resolves once both pages say connected.
export async function connectCall(caller, callee, { video = true, acceptVideo = true } = {}) {
  await button(caller.page, `${video ? 'Call' : 'Audio call'} ${callee.name}`).click();
  await waitForRinging(callee.page, caller.name);
  await button(callee.page, acceptVideo && video ? 'Accept' : (video ? 'Accept audio only' : 'Accept')).click();
  await Promise.all([waitForPhase(caller.page, 'connected'), waitForPhase(callee.page, 'connected')]);
}

// What the remote media element shows, read in the page; shared with engines.mjs (any engine).
export const probes = {
  remoteVideoSample: () => {
    const video = document.getElementById('remoteVideo');
    const stream = video.srcObject;
    return { width: video.videoWidth, height: video.videoHeight, time: video.currentTime,
             paused: video.paused, hidden: video.hidden, muted: video.muted,
             videoTracks: stream ? stream.getVideoTracks().length : 0,
             audioTracks: stream ? stream.getAudioTracks().length : 0 };
  },
  remoteVideoTime: () => document.getElementById('remoteVideo').currentTime,
  // Call once recording shows its level meter (a little after capture started): notes how long
  // the recording runs until the Stop click, for recordedSeconds. A busy machine may click late;
  // the decoded message must be as long as what was really recorded.
  timeRecording: () => {
    const start = performance.now();
    document.addEventListener('click', (e) => {
      if (e.target.closest('button')?.textContent === 'Stop recording') window.__recordMs = performance.now() - start;
    }, { capture: true });
  },
  recordedSeconds: () => window.__recordMs / 1000,
  // SHA-256 of every file the page offers for saving, by name, computed in the page.
  savedHashes: async () => {
    const out = {};
    for (const link of document.querySelectorAll('#transfers a[download]')) {
      const bytes = await (await fetch(link.href)).arrayBuffer();
      const digest = await crypto.subtle.digest('SHA-256', bytes);
      out[link.download] = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
    }
    return out;
  },
  // Every file in the origin's private file system, where received files are written
  // (docs/transfer.md "Where received bytes go"): { "folder/name": size }.
  storedFiles: async () => {
    const out = {};
    const walk = async (dir, prefix) => {
      for await (const [name, handle] of dir.entries()) {
        if (handle.kind === 'directory') await walk(handle, `${prefix}${name}/`);
        else out[`${prefix}${name}`] = (await handle.getFile()).size;
      }
    };
    await walk(await navigator.storage.getDirectory(), '');
    return out;
  },
  // The newest voice card's download: its name, the Ogg magic and the Opus head, its size.
  voiceDownload: async () => {
    const link = document.querySelector('.voice-card a[download]');
    const bytes = new Uint8Array(await (await fetch(link.href)).arrayBuffer());
    return { name: link.download, magic: String.fromCharCode(...bytes.slice(0, 4)),
             head: String.fromCharCode(...bytes.slice(28, 36)), size: bytes.length };
  },
  // Playing, and its clock past start + seconds (with frames of a size, for video).
  remoteMediaFlowing: ({ start, video, seconds }) => {
    const el = document.getElementById('remoteVideo');
    return !el.hidden && !el.paused && el.currentTime > start + seconds && (!video || el.videoWidth > 0);
  },
};

export const remoteVideoSample = (page) => page.evaluate(probes.remoteVideoSample);

// The remote media element plays, and its clock advances by at least `seconds` within the wait.
export async function waitForRemoteMediaFlowing(page, { video = true, seconds = 0.5 } = {}) {
  const start = await page.evaluate(probes.remoteVideoTime);
  await waitFor(page, probes.remoteMediaFlowing, { start, video, seconds });
}

// A file of `bytes` random bytes written into `folder`, and its SHA-256 (what a receiver's
// copy must hash to).
export async function writeRandomFile(folder, name, bytes) {
  const file = path.join(folder, name);
  const hash = createHash('sha256');
  const out = createWriteStream(file);
  for (let left = bytes; left > 0;) {
    const block = randomBytes(Math.min(left, 4 << 20));
    hash.update(block);
    if (!out.write(block)) await new Promise((resolve) => out.once('drain', resolve));
    left -= block.length;
  }
  out.end();
  await finished(out);
  return { file, name, bytes, sha256: hash.digest('hex') };
}

// Sum over the page's connected peer connections of inbound audio energy (webrtc-stats
// totalAudioEnergy), and which path the selected pair uses.
export function inboundAudioEnergy(page) {
  return page.evaluate(async () => {
    let energy = 0;
    for (const pc of window.__peerConnections) {
      if (pc.connectionState !== 'connected') continue;
      for (const s of (await pc.getStats()).values()) {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') energy += s.totalAudioEnergy ?? 0;
      }
    }
    return energy;
  });
}

// How much audio energy arrived over `ms`.
export async function inboundAudioEnergyOver(page, ms) {
  const before = await inboundAudioEnergy(page);
  await sleep(ms);
  return (await inboundAudioEnergy(page)) - before;
}

export function connectedPeerConnections(page) {
  return page.evaluate(() => window.__peerConnections.map((pc) => pc.connectionState)
                                                      .filter((state) => state === 'connected').length);
}

// Opens the server and browser for one test file; `session.users` are closed after each test.
export function useSession({ before, after, afterEach }) {
  const session = { server: null, browser: null, baseUrl: '' };
  before(async () => {
    const started = await startServer();
    session.server = started.child;
    session.serverInfo = started;
    session.baseUrl = started.url;
    session.browser = await launchBrowser();
  }, { timeout: TEST_MS });
  after(async () => {
    await session.browser?.close().catch(() => {});
    await stopServer(session.server);
  }, { timeout: TEST_MS });
  let opened = [];
  // Each argument is a name, or { name, initScript, prepare } (openUser).
  session.open = async (...who) => {
    const users = await Promise.all(who.map((w) => (typeof w === 'string'
      ? openUser(session.browser, session.baseUrl, w)
      : openUser(session.browser, session.baseUrl, w.name, w))));
    opened.push(...users);
    // Each sees the others before anyone calls.
    for (const user of users) {
      for (const other of users) {
        if (other !== user) await button(user.page, `Call ${other.name}`).waitFor();
      }
    }
    return users;
  };
  afterEach(async () => {
    await closeUsers(...opened);
    opened = [];
  }, { timeout: TEST_MS });
  return session;
}
