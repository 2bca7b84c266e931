// End to end: the real server binary, the real Wasm client, two headless Chromium users.
// Run: node --test tests/e2e/   (after the native and wasm builds; see README)
// Env: PEERLINE_SERVER (default build/native/server/peerline-server),
//      PEERLINE_WEB (default build/wasm/web), PEERLINE_CHROMIUM (default /usr/bin/chromium).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const serverBinary = path.resolve(root, process.env.PEERLINE_SERVER ?? 'build/native/server/peerline-server');
const webRoot = path.resolve(root, process.env.PEERLINE_WEB ?? 'build/wasm/web');
const chromiumPath = process.env.PEERLINE_CHROMIUM ?? '/usr/bin/chromium';

// DESIGN.md "Testing": exactly these flags.
const chromiumFlags = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
];

const STEP_MS = 15_000;  // any single wait
const TEST_MS = 60_000;  // any single test

let server;
let serverLog = '';
let baseUrl;
let browser;
const users = {};  // name -> { context, page, errors }

function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(serverBinary, ['--port', '0', '--web-root', webRoot, '--address', '127.0.0.1'],
                        { stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => reject(new Error(`server did not start in ${STEP_MS} ms:\n${serverLog}`)), STEP_MS);
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = /Peerline listening on (http:\/\/\S+?)\/?\s*$/m.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1] });
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => { serverLog += chunk; });
    child.once('error', (error) => { clearTimeout(timer); reject(error); });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${serverLog}`));
    });
  });
}

async function stopServer(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timeout = new Promise((resolve) => setTimeout(resolve, 5_000, 'timeout'));
  if (await Promise.race([exited, timeout]) === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}

// One user = one browser context (its own storage), one page, every error it shows recorded.
async function openUser(name) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  const errors = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console.error: ${message.text()}`);
  });
  page.on('crash', () => errors.push('page crashed'));
  await page.goto(`${baseUrl}/?name=${encodeURIComponent(name)}`);
  users[name] = { context, page, errors };
  return users[name];
}

function assertNoErrors() {
  for (const [name, { errors }] of Object.entries(users)) {
    assert.deepEqual(errors, [], `${name}'s page reported errors`);
  }
}

async function waitForRemoteVideo(page) {
  await page.waitForFunction(() => {
    const video = document.getElementById('remoteVideo');
    return video && !video.hidden && video.videoWidth > 0 && video.currentTime > 0;
  }, null, { timeout: STEP_MS, polling: 50 });
}

async function remoteVideoSample(page) {
  return page.evaluate(() => {
    const video = document.getElementById('remoteVideo');
    return { width: video.videoWidth, height: video.videoHeight, time: video.currentTime,
             paused: video.paused };
  });
}

const phaseOf = (page) => page.locator('#callPanel').getAttribute('data-phase');
const statusOf = (page) => page.locator('#callStatus').textContent();

async function waitForPhase(page, phases) {
  await page.waitForFunction(
    (wanted) => wanted.includes(document.getElementById('callPanel')?.dataset.phase),
    phases, { timeout: STEP_MS, polling: 50 });
}

before(async () => {
  ({ child: server, url: baseUrl } = await startServer());
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumFlags, timeout: STEP_MS });
  await openUser('Alice');
  await openUser('Bob');
}, { timeout: TEST_MS });

after(async () => {
  await browser?.close().catch(() => {});
  await stopServer(server);
}, { timeout: TEST_MS });

test('each user sees the other on the roster', { timeout: TEST_MS }, async () => {
  const { page: alice } = users.Alice;
  const { page: bob } = users.Bob;
  await alice.getByRole('button', { name: 'Call Bob', exact: true }).waitFor();
  await bob.getByRole('button', { name: 'Call Alice', exact: true }).waitFor();
  assert.equal(await alice.locator('#selfName').textContent(), 'Alice');
  assert.equal(await bob.locator('#selfName').textContent(), 'Bob');
  assertNoErrors();
});

test('Alice calls Bob: both see and keep receiving the other\'s video', { timeout: TEST_MS }, async () => {
  const { page: alice } = users.Alice;
  const { page: bob } = users.Bob;
  const started = performance.now();
  await alice.getByRole('button', { name: 'Call Bob', exact: true }).click();

  await Promise.all([waitForPhase(alice, ['connected']), waitForPhase(bob, ['connected'])]);
  const connectedMs = performance.now() - started;
  await Promise.all([waitForRemoteVideo(alice), waitForRemoteVideo(bob)]);
  const videoMs = performance.now() - started;

  const first = await Promise.all([remoteVideoSample(alice), remoteVideoSample(bob)]);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const second = await Promise.all([remoteVideoSample(alice), remoteVideoSample(bob)]);
  for (const [i, name] of ['Alice', 'Bob'].entries()) {
    assert.ok(second[i].width > 0 && second[i].height > 0, `${name}: remote video has a size`);
    assert.ok(second[i].time > first[i].time + 0.5,
              `${name}: remote video advances (${first[i].time} -> ${second[i].time})`);
    assert.equal(second[i].paused, false, `${name}: remote video plays`);
  }
  assert.equal(await phaseOf(alice), 'connected');
  assert.equal(await phaseOf(bob), 'connected');
  assert.match(await statusOf(alice), /Bob/);
  assert.match(await statusOf(bob), /Alice/);
  assert.ok(await alice.getByRole('button', { name: 'Hang up', exact: true }).isVisible());
  // Local preview plays too (muted, so autoplay is always allowed).
  assert.ok(await alice.evaluate(() => document.getElementById('localVideo').videoWidth > 0));
  console.log(`click -> both connected: ${connectedMs.toFixed(0)} ms; ` +
              `click -> both remote videos playing: ${videoMs.toFixed(0)} ms; ` +
              `remote ${second[0].width}x${second[0].height}`);
  assertNoErrors();
});

test('Alice hangs up: the call ends on both sides and both can call again', { timeout: TEST_MS }, async () => {
  const { page: alice } = users.Alice;
  const { page: bob } = users.Bob;
  const started = performance.now();
  await alice.getByRole('button', { name: 'Hang up', exact: true }).click();
  await Promise.all([waitForPhase(alice, ['ended', 'idle']), waitForPhase(bob, ['ended', 'idle'])]);
  console.log(`hang up -> both ended: ${(performance.now() - started).toFixed(0)} ms`);
  for (const page of [alice, bob]) {
    assert.equal(await page.locator('#remoteVideo').isHidden(), true);
    assert.equal(await page.evaluate(() => document.getElementById('remoteVideo').srcObject), null);
    assert.equal(await page.getByRole('button', { name: 'Hang up', exact: true }).count() > 0 &&
                 await page.getByRole('button', { name: 'Hang up', exact: true }).isVisible(), false);
  }
  assert.match(await statusOf(bob), /ended/);
  await alice.getByRole('button', { name: 'Call Bob', exact: true }).and(alice.locator(':enabled')).waitFor();
  await bob.getByRole('button', { name: 'Call Alice', exact: true }).and(bob.locator(':enabled')).waitFor();
  // Camera released on both sides once the call is over.
  for (const page of [alice, bob]) {
    assert.equal(await page.evaluate(() => document.getElementById('localVideo').srcObject), null);
  }
  assertNoErrors();
});

test('a name with markup is shown as text, never parsed', { timeout: TEST_MS }, async () => {
  const { page: alice } = users.Alice;
  const name = '<img src=x onerror="window.pwned=1">Eve';
  const eve = await openUser(name);
  try {
    await alice.getByRole('button', { name: `Call ${name}`, exact: true }).waitFor();
    assert.equal(await alice.locator('#roster img').count(), 0);
    assert.equal(await alice.evaluate(() => window.pwned), undefined);
  } finally {
    await eve.context.close();
    delete users[name];
  }
  await alice.getByRole('button', { name: `Call ${name}`, exact: true }).waitFor({ state: 'detached' });
  assertNoErrors();
});
