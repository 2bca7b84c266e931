// A receiver whose network goes away mid-transfer, for real (issue 17 item 3): its browser runs
// in a network namespace of its own, joined to this machine by a veth pair, and the test takes
// the link down and brings it back. Unlike closing the RTCPeerConnection from a hook
// (files_resume.test.mjs), the page is told nothing: its ICE checks and its WebSocket go
// unanswered until the browser gives the connection up, then it reconnects when the network is
// back, and the transfer resumes from the last verified block.
//
// Needs root (ip netns, as the CI machine runs). Only addresses of the namespace's own link
// (10.213.N.0/24) are used; everything is removed after the test.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  assertNoErrors, button, chromiumExecutable, closeUsers, launchBrowser, openUser, probes, startFileTransfer,
  startServer, stopServer, waitForTransferState, writeRandomFile,
} from './helpers.mjs';

const kBlockBytes = 1024 * 1024;
const tag = process.pid % 250 + 1;             // one /24 and one namespace per run
const ns = `peerline-blip-${tag}`;
const hostSide = `plblip${tag}h`;             // interface names: at most 15 characters
const nsSide = `plblip${tag}n`;
const hostAddress = `10.213.${tag}.1`;
const nsAddress = `10.213.${tag}.2`;
const room = 'NetworkBlipTestRoom1AB';       // an invite room (22 characters), as a link gives
const folder = mkdtempSync(path.join(tmpdir(), 'peerline-blip-'));

const ip = (...args) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
const inNs = (...args) => ip('netns', 'exec', ns, 'ip', ...args);
const setLink = (state) => ip('link', 'set', hostSide, state);

let server, url, hostBrowser, nsBrowser;
const users = [];
// What a run killed halfway left behind (same tag) goes first.
function removeNetwork() {
  try { ip('link', 'del', hostSide); } catch { /* none, or gone with the namespace */ }
  try { ip('netns', 'del', ns); } catch { /* none */ }
}

before(async () => {
  removeNetwork();
  ip('netns', 'add', ns);
  ip('link', 'add', hostSide, 'type', 'veth', 'peer', 'name', nsSide);
  ip('link', 'set', nsSide, 'netns', ns);
  ip('addr', 'add', `${hostAddress}/24`, 'dev', hostSide);
  setLink('up');
  inNs('link', 'set', 'lo', 'up');
  inNs('addr', 'add', `${nsAddress}/24`, 'dev', nsSide);
  inNs('link', 'set', nsSide, 'up');
  ({ child: server, url } = await startServer({ address: hostAddress }));
  // Not localhost: Chromium would not treat the page as a secure context (no camera, no OPFS).
  const secure = [`--unsafely-treat-insecure-origin-as-secure=${url}`];
  hostBrowser = await launchBrowser({ args: secure });
  const wrapper = path.join(folder, 'chromium-in-netns');
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${ns} ${chromiumExecutable} "$@"\n`);
  chmodSync(wrapper, 0o755);
  nsBrowser = await launchBrowser({ executablePath: wrapper, args: secure });
});

after(async () => {
  await closeUsers(...users);
  await nsBrowser?.close().catch(() => {});
  await hostBrowser?.close().catch(() => {});
  await stopServer(server);
  removeNetwork();
  rmSync(folder, { recursive: true, force: true });
});

test('a receiver whose network is gone for longer than ICE waits gets the file whole once it is back', { timeout: 240_000 }, async () => {
  const file = await writeRandomFile(folder, 'blip.bin', 200 * 1024 * 1024);
  const ada = await openUser(hostBrowser, url, 'Ada', { room });
  const bob = await openUser(nsBrowser, url, 'Bob', { room });
  users.push(ada, bob);
  await button(ada.page, 'Call Bob').waitFor();
  await startFileTransfer(ada, bob, file, 0.3);

  setLink('down');
  const downAt = performance.now();
  // Both pages learn it from their own connection, not from a word of the other: the transfer
  // waits to resume on each side.
  await Promise.all([waitForTransferState(ada.page, 'reconnecting', 60_000),
                     waitForTransferState(bob.page, 'reconnecting', 60_000)]);
  const noticedS = (performance.now() - downAt) / 1000;
  setLink('up');
  await Promise.all([waitForTransferState(bob.page, 'done', 120_000), waitForTransferState(ada.page, 'done', 120_000)]);
  const backS = (performance.now() - downAt) / 1000;

  const hashes = await bob.page.evaluate(probes.savedHashes);
  assert.equal(hashes[file.name], file.sha256, 'the file has the SHA-256 of the original');
  const received = Number(await bob.page.locator('#transfers .transfer').last().getAttribute('data-resent'));
  console.log(`link down: the pages noticed after ${noticedS.toFixed(1)} s; done ${backS.toFixed(1)} s after the cut; ` +
              `${received} bytes arrived twice`);
  assert.ok(received <= kBlockBytes, `at most one block arrived twice (${received} bytes)`);
  assertNoErrors(ada, bob);
});
