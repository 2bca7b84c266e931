// Engine-neutral users for the cross-engine e2e tests: one test can mix Chromium and Firefox users.
// Chromium users are exactly helpers.mjs's (playwright-core, DESIGN.md flags, one browser context
// each). Firefox users are Debian's firefox-esr driven headless by puppeteer-core over WebDriver
// BiDi, one browser per test file and one browser context (own cookies and storage) per user.
// Both kinds offer the same small vocabulary, so a test reads the same whichever engine is where.
// Env: PEERLINE_FIREFOX (default /usr/bin/firefox-esr), plus helpers.mjs's.
import assert from 'node:assert/strict';
import puppeteer from 'puppeteer-core';
import {
  STEP_MS, TEST_MS, button, consoleErrorExpected, launchBrowser, openUser, probes, recordPeerConnections,
  reportCspViolations, sleep, startServer, stopServer,
} from './helpers.mjs';

export { STEP_MS, TEST_MS, sleep };

const firefoxPath = process.env.PEERLINE_FIREFOX ?? '/usr/bin/firefox-esr';

// Firefox prefs, each needed here:
export const firefoxPrefs = {
  // Fake camera (a moving test pattern) and microphone (a tone) instead of real devices.
  'media.navigator.streams.fake': true,
  // No getUserMedia permission prompt (headless has nobody to answer it).
  'media.navigator.permission.disabled': true,
  // Gather loopback host candidates too: the machine may have nothing but lo in a namespace.
  'media.peerconnection.ice.loopback': true,
  // Host candidates as plain addresses, not <uuid>.local mDNS names, which a Chromium peer on
  // this machine cannot resolve (no mDNS responder here).
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  // Not needed, so left at Firefox's defaults (checked with Firefox 153): media.autoplay.default
  // (the remote <video> plays with sound after the user's own click), dom.webnotifications.*
  // (the ring notification neither prompts nor errors headless).
};

// Optional, for tests that need Web Audio to run in Firefox (voice messages): this machine has no
// sound device, and there headless Firefox never starts an AudioContext (state stays "suspended",
// resume() never settles). Cubeb's mock context stands in for the device. Not in firefoxPrefs:
// the call tests pass without it, and it changes how Firefox plays out remote sound.
export const firefoxAudioOutputPrefs = {
  'media.cubeb.force_mock_context': true,
};

// ---- the browsers ----------------------------------------------------------------------------------

// A fresh temporary profile each launch (puppeteer makes one and removes it on close).
// `extraPrefs` go on top of firefoxPrefs.
export function launchFirefox(extraPrefs = {}) {
  return puppeteer.launch({
    browser: 'firefox', protocol: 'webDriverBiDi', executablePath: firefoxPath, headless: true,
    extraPrefsFirefox: { ...firefoxPrefs, ...extraPrefs }, timeout: STEP_MS,
  });
}

// The same user vocabulary for both engines.
export const inChromium = (name, options = {}) => ({ ...options, name, engine: 'chromium' });
export const inFirefox = (name, options = {}) => ({ ...options, name, engine: 'firefox' });

// Test-only instrumentation for every cross-engine user: a data channel send() that throws is
// noted (with the message size) in window.__sendErrors before the exception goes on to the page,
// so a test can say why a transfer broke even if the page does not.
function recordSendErrors() {
  const send = RTCDataChannel.prototype.send;
  window.__sendErrors = [];
  RTCDataChannel.prototype.send = function (data) {
    try {
      return send.call(this, data);
    } catch (error) {
      window.__sendErrors.push({ label: this.label, bytes: data?.byteLength ?? data?.size ?? data?.length,
                                 error: String(error) });
      throw error;
    }
  };
}
export const sendErrors = (user) => user.evaluate(() => window.__sendErrors ?? []);
// The same, short: how many, and the distinct ones.
export async function sendErrorSummary(user) {
  const all = await sendErrors(user);
  const distinct = [...new Set(all.map((e) => `${e.label}: ${e.bytes} B: ${e.error}`))];
  return all.length === 0 ? 'none' : `${all.length} times: ${distinct.join(' | ')}`;
}

// CSS-ish string quoting for puppeteer's ::-p-aria() selector.
const quoted = (text) => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const ariaSelector = (role, name) => `::-p-aria([name=${quoted(name)}][role=${quoted(role)}])`;

// (chromiumUser and openFirefoxUser are exported for tools/bench, which opens users itself.)
export function chromiumUser(user) {
  const { page, context } = user;
  const byRole = (role, name) => (role === 'button' ? button(page, name)
                                                    : page.getByRole(role, { name, exact: true }));
  return {
    name: user.name, engine: 'chromium', page, errors: user.errors,
    click: (name, role = 'button') => byRole(role, name).click(),
    waitForRole: (role, name, state = 'visible', timeout = STEP_MS) => byRole(role, name).waitFor({ state, timeout }),
    countRole: (role, name) => byRole(role, name).count(),
    fill: (name, text) => byRole('textbox', name).fill(text),
    press: (key) => page.keyboard.press(key),
    waitFor: (fn, arg, timeout = STEP_MS) => page.waitForFunction(fn, arg, { timeout, polling: 50 }),
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    setInputFiles: (selector, files) => page.locator(selector).setInputFiles(files),
    // Opens `url` in this user's page (e.g. a link someone sent) and waits until it is online.
    visit: async (url) => {
      await page.goto(url);
      await page.waitForFunction(() => document.getElementById('connection')?.dataset.state === 'online',
                                 undefined, { timeout: STEP_MS, polling: 50 });
    },
    close: () => context.close().catch(() => {}),
  };
}

export async function openFirefoxUser(browser, baseUrl, name, { initScript } = {}) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.setDefaultNavigationTimeout(STEP_MS);
  await page.evaluateOnNewDocument(recordPeerConnections);
  await page.evaluateOnNewDocument(reportCspViolations);
  if (initScript) await page.evaluateOnNewDocument(initScript);
  const errors = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message ?? error}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    if (consoleErrorExpected(message.text())) return;
    errors.push(`console.error: ${message.text()}`);
  });
  page.on('error', (error) => errors.push(`page crashed: ${error.message}`));
  const waitFor = (fn, arg, timeout = STEP_MS) => page.waitForFunction(fn, { timeout, polling: 50 }, arg);
  const user = {
    name, engine: 'firefox', page, errors,
    // A real click (input.performActions over BiDi) once the element is visible, enabled and
    // stable: puppeteer's locator does Playwright's actionability checks.
    // Scrolled into view first: puppeteer's locator does not scroll in Firefox, and times out on
    // an element below the fold (800×600 here), e.g. the roster under an open invite panel.
    click: async (label, role = 'button') => {
      const selector = ariaSelector(role, label);
      const element = await page.waitForSelector(selector, { visible: true, timeout: STEP_MS });
      try { await element.evaluate((el) => el.scrollIntoView({ block: 'nearest' })); } finally { await element.dispose(); }
      await page.locator(selector).click();
    },
    waitForRole: async (role, label, state = 'visible', timeout = STEP_MS) => {
      const options = state === 'hidden' ? { hidden: true, timeout } : { visible: true, timeout };
      await page.waitForSelector(ariaSelector(role, label), options);
    },
    countRole: async (role, label) => (await page.$$(ariaSelector(role, label))).length,
    fill: (label, text) => page.locator(ariaSelector('textbox', label)).fill(text),
    press: (key) => page.keyboard.press(key),
    waitFor,
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    // Path-based, so a file of any size is fine (BiDi input.setFiles; nothing is read by Node).
    setInputFiles: async (selector, files) => {
      const input = await page.waitForSelector(selector, { timeout: STEP_MS });
      try { await input.uploadFile(...files); } finally { await input.dispose(); }
    },
    // Opens `url` in this user's page (e.g. a link someone sent) and waits until it is online.
    visit: async (url) => {
      await page.goto(url, { waitUntil: 'load' });
      await waitFor(() => document.getElementById('connection')?.dataset.state === 'online');
    },
    close: () => context.close().catch(() => {}),
  };
  await user.visit(`${baseUrl}/?name=${encodeURIComponent(name)}`);
  return user;
}

// Opens the server for one test file, and each engine's browser the first time a user needs it;
// `session.users` are closed after each test. Optional: `serverFlags` (more server flags, e.g.
// ['--trust-proxy', '127.0.0.1']) and `firefoxPrefs` (on top of firefoxPrefs, e.g.
// firefoxAudioOutputPrefs). A test file may point `session.baseUrl` elsewhere (e.g. a proxy in
// front of the server) in a before() of its own; users open at `session.baseUrl` as it is then.
export function useCrossSession({ before, after, afterEach }, { serverFlags = [], firefoxPrefs: prefs = {} } = {}) {
  const session = { server: null, baseUrl: '', chromium: null, firefox: null };
  let chromiumLaunch = null, firefoxLaunch = null;
  before(async () => {
    const started = await startServer({ extra: serverFlags });
    session.server = started.child;
    session.serverInfo = started;
    session.baseUrl = started.url;
  }, { timeout: TEST_MS });
  after(async () => {
    await (await chromiumLaunch?.catch(() => null))?.close().catch(() => {});
    await (await firefoxLaunch?.catch(() => null))?.close().catch(() => {});
    await stopServer(session.server);
  }, { timeout: TEST_MS });
  const browserFor = (engine) => {
    if (engine === 'firefox') return (firefoxLaunch ??= launchFirefox(prefs));
    if (engine === 'chromium') return (chromiumLaunch ??= launchBrowser());
    throw new Error(`unknown engine ${engine}`);
  };
  const openOne = async ({ name, engine, initScript }) => {
    const browser = await browserFor(engine);
    // recordSendErrors first, so an initScript of the test may still wrap send() on top of it.
    const init = initScript ? `(${recordSendErrors})();\n(${initScript})();` : recordSendErrors;
    if (engine === 'firefox') return openFirefoxUser(browser, session.baseUrl, name, { initScript: init });
    return chromiumUser(await openUser(browser, session.baseUrl, name, { initScript: init }));
  };
  let opened = [];
  // Each argument is inChromium(name, { initScript }) or inFirefox(name, { initScript }).
  // One after the other: at most two browsers start, and two cores are enough.
  session.open = async (...who) => {
    const users = [];
    for (const w of who) {
      const user = await openOne(w);
      opened.push(user);
      users.push(user);
    }
    // Each sees the others before anyone calls.
    for (const user of users) {
      for (const other of users) {
        if (other !== user) await user.waitForRole('button', `Call ${other.name}`);
      }
    }
    return users;
  };
  afterEach(async () => {
    for (const user of opened) await user.close();
    opened = [];
  }, { timeout: TEST_MS });
  return session;
}

export function assertNoErrors(...users) {
  for (const { name, engine, errors } of users) {
    assert.deepEqual(errors, [], `${name}'s page (${engine}) reported errors`);
  }
}

// ---- what the page shows (page functions: the same in both engines) ----------------------------

// The newest file transfer as the page shows it: state, text and bytes that came twice.
export const lastTransfer = (user) => user.evaluate(() => {
  const item = [...document.querySelectorAll('#transfers .transfer')].pop();
  return item ? { state: item.dataset.state, text: item.textContent, resent: Number(item.dataset.resent ?? 0) } : null;
});

// The newest transfer reaches `state`; fails at once (with what the page shows) if it ends otherwise.
export async function waitForTransferState(user, state, timeout = STEP_MS) {
  const ends = ['done', 'failed', 'cancelled', 'declined'];
  await user.waitFor(({ state, ends }) => {
    const s = [...document.querySelectorAll('#transfers .transfer')].pop()?.dataset.state;
    return s === state || ends.includes(s);
  }, { state, ends }, timeout);
  const last = await lastTransfer(user);
  assert.equal(last.state, state, `${user.name} (${user.engine}): ${last.text}`);
}

// Both ends of the newest transfer reach `done`; a failure says what the sender's send() threw.
export async function waitForTransferDone(from, to, timeout) {
  try {
    await Promise.all([waitForTransferState(to, 'done', timeout), waitForTransferState(from, 'done', timeout)]);
  } catch (error) {
    error.message += `\nsend() threw at ${from.name} (${from.engine}): ${await sendErrorSummary(from)}`;
    throw error;
  }
}

export const phaseOf = (user) => user.evaluate(() => document.getElementById('callPanel').dataset.phase);
export const endReasonOf = (user) => user.evaluate(() => document.getElementById('callPanel').dataset.endReason);
export const statusOf = (user) => user.evaluate(() => document.getElementById('callStatus').textContent);

export function waitForPhase(user, phase, timeout = STEP_MS) {
  return user.waitFor((p) => document.getElementById('callPanel')?.dataset.phase === p, phase, timeout);
}

export async function waitForEnd(user, reason, timeout = STEP_MS) {
  await waitForPhase(user, 'ended', timeout);
  assert.equal(await endReasonOf(user), reason, `${user.name}: ${await statusOf(user)}`);
}

// The incoming-call dialog is open and names the caller.
export const waitForRinging = (user, caller) => user.waitForRole('alertdialog', `${caller} is calling`);

// Calls `callee` from `caller` (video unless told) and accepts (with video unless told);
// resolves once both pages say connected.
export async function connectCall(caller, callee, { video = true, acceptVideo = true } = {}) {
  await caller.click(`${video ? 'Call' : 'Audio call'} ${callee.name}`);
  await waitForRinging(callee, caller.name);
  await callee.click(acceptVideo && video ? 'Accept' : (video ? 'Accept audio only' : 'Accept'));
  await Promise.all([waitForPhase(caller, 'connected'), waitForPhase(callee, 'connected')]);
}

export const remoteVideoSample = (user) => user.evaluate(probes.remoteVideoSample);

// The remote media element plays, and its clock advances by at least `seconds` within the wait.
export async function waitForRemoteMediaFlowing(user, { video = true, seconds = 0.5 } = {}) {
  const start = await user.evaluate(probes.remoteVideoTime);
  await user.waitFor(probes.remoteMediaFlowing, { start, video, seconds });
}

// Inbound audio over the page's connected peer connections: webrtc-stats totalAudioEnergy
// (both engines implement it: Chromium, and Firefox 153 on inbound-rtp), and bytesReceived.
export function inboundAudio(user) {
  return user.evaluate(async () => {
    const out = { energy: 0, bytes: 0 };
    for (const pc of window.__peerConnections) {
      if (pc.connectionState !== 'connected') continue;
      for (const s of (await pc.getStats()).values()) {
        if (s.type !== 'inbound-rtp' || s.kind !== 'audio') continue;
        out.energy += s.totalAudioEnergy ?? 0;
        out.bytes += s.bytesReceived ?? 0;
      }
    }
    return out;
  });
}

// How much audio energy (and how many bytes) arrived over `ms`.
export async function inboundAudioOver(user, ms) {
  const before = await inboundAudio(user);
  await sleep(ms);
  const now = await inboundAudio(user);
  return { energy: now.energy - before.energy, bytes: now.bytes - before.bytes };
}

// The o= lines (username and session id) of the call's local and remote descriptions. Chromium
// re-serializes a remote description, so its o= there reads "- <id> <version> IN IP4 127.0.0.1"
// whoever wrote it: compare session ids with the peer's local description instead.
export function descriptionOrigins(user) {
  return user.evaluate(() => {
    const pc = window.__peerConnections.at(-1);
    const origin = (d) => {
      const match = /^o=(\S+) (\d+) /m.exec(d?.sdp ?? '');
      return match ? { username: match[1], session: match[2] } : null;
    };
    return { local: origin(pc?.currentLocalDescription), remote: origin(pc?.currentRemoteDescription) };
  });
}
