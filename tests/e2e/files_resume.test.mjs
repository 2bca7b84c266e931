// Transfers that resume after the data link drops (issue 17 item 3, docs/transfer.md "Resume"):
// the receiver's RTCPeerConnection is closed from the test mid-file; both pages say so, a new
// link with the same peer continues from the last verified block, and the file arrives with the
// SHA-256 of the original having sent at most one block twice, the sender reading on through one
// stream from the resume point. A cancel while reconnecting
// deletes the partial file at once and reaches the sender on the next link.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  assertNoErrors, button, probes, startFileTransfer, STEP_MS, useSession, waitForTransferState, writeRandomFile,
} from './helpers.mjs';

const session = useSession({ before, after, afterEach });
const folder = mkdtempSync(path.join(tmpdir(), 'peerline-resume-'));
after(() => rmSync(folder, { recursive: true, force: true }));

const kBlockBytes = 1024 * 1024;
const reconnectingText = 'Reconnecting… (resumes automatically)';

// Test-only: remembers every state and status line the newest transfer shows, however briefly
// (a resume on loopback takes a fraction of a second, less than a poll may see).
function watchTransfers() {
  window.__transferStates = new Set();
  window.__transferLines = new Set();
  const note = () => {
    const item = [...document.querySelectorAll('#transfers .transfer')].pop();
    if (!item) return;
    if (item.dataset.state === 'reconnecting' && window.__waitingAt === undefined) {
      window.__waitingAt = item.querySelector('progress')?.value;  // bytes kept: a block boundary
    }
    window.__transferStates.add(item.dataset.state);
    window.__transferLines.add(item.querySelector('[role=status]')?.textContent ?? '');
  };
  new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true,
                                                      characterData: true });
}
const seen = (page) => page.evaluate(() => ({ states: [...window.__transferStates],
                                              lines: [...window.__transferLines], waitingAt: window.__waitingAt }));

// The share of the newest transfer written so far, from its progress bar.
const progressOf = (page) => page.evaluate(() => {
  const bar = document.querySelector('#transfers .transfer:last-child progress');
  return bar ? bar.value / bar.max : 0;
});

// Test-only: counts the page's Blob (and so File) slices from now on.
function countSlices() {
  window.__slices = 0;
  const slice = Blob.prototype.slice;
  Blob.prototype.slice = function (...args) {
    window.__slices += 1;
    return slice.apply(this, args);
  };
}

// Test-only: the data link's RTCPeerConnection closed as a dying network would, without a
// word to the peer (helpers.mjs records every connection the page makes).
const dropDataLink = () => {
  for (const pc of window.__peerConnections) {
    if (pc.connectionState !== 'closed') pc.close();
  }
};

// Test-only: the page's link drops and its next links never finish negotiating, so its
// transfers stay reconnecting (the page's network not back yet).
async function dropAndStallNextLinks(page) {
  await page.evaluate(() => {
    window.RTCPeerConnection.prototype.setRemoteDescription = () => new Promise(() => {});
  });
  await page.evaluate(dropDataLink);
}

async function startTransfer(file, share) {
  const [ada, bob] = await session.open('Ada', 'Bob');
  for (const user of [ada, bob]) await user.page.evaluate(watchTransfers);
  await startFileTransfer(ada, bob, file, share);
  return [ada, bob];
}

test('a 200 MB transfer whose link is cut at 40% resumes and arrives whole, re-sending at most one block', { timeout: 240_000 }, async () => {
  const file = await writeRandomFile(folder, 'resumed.bin', 200 * 1024 * 1024);
  const [ada, bob] = await startTransfer(file, 0.4);
  await ada.page.evaluate(countSlices);
  const cutAt = await progressOf(bob.page);
  await bob.page.evaluate(dropDataLink);
  await Promise.all([waitForTransferState(bob.page, 'done', 180_000), waitForTransferState(ada.page, 'done', 180_000)]);

  for (const user of [ada, bob]) {
    const { states, lines } = await seen(user.page);
    assert.ok(states.includes('reconnecting'), `${user.name}'s page showed the transfer reconnecting: ${states}`);
    assert.ok(lines.includes(reconnectingText), `${user.name}'s page said "${reconnectingText}"`);
  }
  const hashes = await bob.page.evaluate(probes.savedHashes);
  assert.equal(hashes[file.name], file.sha256, 'the resumed file has the SHA-256 of the original');
  const resent = async (page) => Number(await page.locator('#transfers .transfer').last().getAttribute('data-resent'));
  const received = await resent(bob.page);
  const sent = await resent(ada.page);
  const { waitingAt } = await seen(bob.page);
  assert.equal(waitingAt % kBlockBytes, 0, 'the receiver kept exactly its verified blocks while reconnecting');
  console.log(`cut at ${(cutAt * 100).toFixed(1)}%, ${waitingAt} bytes kept: ${received} bytes arrived twice (receiver), ` +
              `${sent} bytes handed to the channel again (sender, incl. its lost send buffer)`);
  assert.ok(received <= kBlockBytes, `at most one block arrived twice (${received} bytes)`);
  assert.ok(sent >= received, 'the sender re-sent at least what the receiver discarded');
  assert.match(await ada.page.locator('#transfers .transfer').last().textContent(), /Sent and verified by Bob/);
  // The rest of the file was read through one stream from the resume point, not a Blob slice per
  // chunk (~480 of them here), which cost the sender ~3x the CPU.
  const slices = await ada.page.evaluate(() => window.__slices);
  assert.ok(slices <= 2, `the sender read on after the resume through a stream (${slices} slices of the file)`);
  assertNoErrors(ada, bob);
});

test('the sender\'s link cut mid-file resumes too: its sends on the closed channel are a lost link, not a failure', { timeout: 120_000 }, async () => {
  const file = await writeRandomFile(folder, 'sender-cut.bin', 60 * 1024 * 1024);
  const [ada, bob] = await startTransfer(file, 0.4);
  await ada.page.evaluate(dropDataLink);
  await Promise.all([waitForTransferState(bob.page, 'done', 90_000), waitForTransferState(ada.page, 'done', 90_000)]);
  assert.ok((await seen(ada.page)).states.includes('reconnecting'), 'Ada\'s page showed the transfer reconnecting');
  const hashes = await bob.page.evaluate(probes.savedHashes);
  assert.equal(hashes[file.name], file.sha256, 'the resumed file has the SHA-256 of the original');
  const received = Number(await bob.page.locator('#transfers .transfer').last().getAttribute('data-resent'));
  const sent = Number(await ada.page.locator('#transfers .transfer').last().getAttribute('data-resent'));
  console.log(`sender cut: ${received} bytes arrived twice (receiver), ${sent} handed to the channel again (sender)`);
  assert.ok(received <= kBlockBytes, `at most one block arrived twice (${received} bytes)`);
  assertNoErrors(ada, bob);
});

test('cancel while reconnecting deletes the partial file at once and cancels on both sides', { timeout: 120_000 }, async () => {
  const file = await writeRandomFile(folder, 'cancelled.bin', 60 * 1024 * 1024);
  const [ada, bob] = await startTransfer(file, 0.2);
  await dropAndStallNextLinks(bob.page);
  await Promise.all([waitForTransferState(bob.page, 'reconnecting'), waitForTransferState(ada.page, 'reconnecting')]);
  assert.match(await bob.page.locator('#transfers .transfer').last().textContent(), /Reconnecting… \(resumes automatically\)/);
  const partial = Object.values(await bob.page.evaluate(probes.storedFiles));
  assert.ok(partial.some((size) => size > 0), 'the partial file is kept while reconnecting');

  await button(bob.page, 'Cancel').click();
  await waitForTransferState(bob.page, 'cancelled');
  await bob.page.waitForFunction(async () => {
    const walk = async (dir) => {
      let files = 0;
      for await (const [, handle] of dir.entries()) files += handle.kind === 'directory' ? await walk(handle) : 1;
      return files;
    };
    return (await walk(await navigator.storage.getDirectory())) === 0;
  }, null, { timeout: STEP_MS, polling: 200 });

  // Bob's network is back: the next link carries the cancel to Ada.
  await bob.page.evaluate(() => { delete window.RTCPeerConnection.prototype.setRemoteDescription; });
  await waitForTransferState(ada.page, 'cancelled', 60_000);
  assert.match(await ada.page.locator('#transfers .transfer').last().textContent(), /cancelled by the receiver/i);
  assertNoErrors(ada, bob);
});

test('a receiver that leaves its page while reconnecting fails the transfer at once: no resume can come', { timeout: 120_000 }, async () => {
  const file = await writeRandomFile(folder, 'abandoned.bin', 60 * 1024 * 1024);
  const [ada, bob] = await startTransfer(file, 0.2);
  await dropAndStallNextLinks(bob.page);
  await waitForTransferState(ada.page, 'reconnecting');
  const left = performance.now();
  await bob.page.goto('about:blank');  // pagehide: a new visit would be a new id
  // Well inside the 60 s grace period: Ada heard it from Bob's page, not from a timeout.
  await waitForTransferState(ada.page, 'failed', 20_000);
  const seconds = (performance.now() - left) / 1000;
  assert.match(await ada.page.locator('#transfers .transfer').last().textContent(), /Bob closed the page/);
  console.log(`receiver left while reconnecting: the sender failed the transfer ${seconds.toFixed(1)} s later`);
  assertNoErrors(ada);
});
