// Where received files go (docs/transfer.md "Where received bytes go"): to the Origin Private
// File System as they arrive, through web/received_files_worker.js; an offer that does not fit
// the storage estimate is refused before a byte moves; a write that fails fails the transfer with
// the browser's reason; nothing is left behind after a cancel or by an earlier visit.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  assertNoErrors, button, chatButton, probes, STEP_MS, TEST_MS, useSession, waitForTransferState, writeRandomFile,
} from './helpers.mjs';

const session = useSession({ before, after, afterEach });
const folder = mkdtempSync(path.join(tmpdir(), 'peerline-storage-'));
after(() => rmSync(folder, { recursive: true, force: true }));


const lastTransferText = (page) => page.locator('#transfers .transfer').last().textContent();

const storedFiles = (page) => page.evaluate(probes.storedFiles);

async function sendAndAccept(ada, bob, file) {
  await chatButton(ada.page, 'Bob').click();
  await ada.page.locator('#fileInput').setInputFiles([file.file]);
  await bob.page.locator('#transfers .transfer[data-state="offered"]').waitFor();
  await button(bob.page, 'Accept').click();
}

test('a received file is written to the private file system as it arrives and saved from there', { timeout: TEST_MS }, async () => {
  const file = await writeRandomFile(folder, 'on-disk.bin', 12 * 1024 * 1024 + 777);
  const [ada, bob] = await session.open('Ada', 'Bob');
  await sendAndAccept(ada, bob, file);
  // While it runs, the bytes so far are in a file of the page's folder, not only in memory.
  await bob.page.waitForFunction(() => Number(document.querySelector('#transfers .transfer:last-child progress')?.value) > 0,
                                 null, { timeout: STEP_MS, polling: 50 });
  await Promise.all([waitForTransferState(bob.page, 'done'), waitForTransferState(ada.page, 'done')]);
  const stored = Object.entries(await storedFiles(bob.page));
  assert.equal(stored.length, 1, `one stored file: ${JSON.stringify(stored)}`);
  assert.match(stored[0][0], /^peerline-received-[^/]+\/f\d+$/);
  assert.equal(stored[0][1], file.bytes);
  assert.equal((await bob.page.evaluate(probes.savedHashes))[file.name], file.sha256, 'the saved file is the one sent');
  assertNoErrors(ada, bob);
});

// The estimate is the real API's answer made small; everything after it is the page's code.
const smallQuota = () => {
  StorageManager.prototype.estimate = async () => ({ quota: 20 * 1024 * 1024, usage: 4 * 1024 * 1024 });
};

test('an offer larger than the free storage is refused with the reason on both sides', { timeout: TEST_MS }, async () => {
  const file = await writeRandomFile(folder, 'too-big.bin', 1024 * 1024);
  const [ada, bob] = await session.open('Ada', { name: 'Bob', initScript: smallQuota });
  await sendAndAccept(ada, bob, file);
  await Promise.all([waitForTransferState(bob.page, 'failed'), waitForTransferState(ada.page, 'failed')]);
  assert.match(await lastTransferText(bob.page), /refused: not enough storage: 33\.0 MiB needed, 16\.0 MiB free for this site/);
  assert.match(await lastTransferText(ada.page), /refused by the receiver: not enough storage: 33\.0 MiB needed/);
  assert.equal(await bob.page.locator('#transfers a[download]').count(), 0);
  assert.deepEqual(await storedFiles(bob.page), {}, 'nothing stored');
  assertNoErrors(ada, bob);
});

// The worker's real write throws once 3 MiB are stored, as a full disk makes it: the script is
// served with a prelude that wraps FileSystemSyncAccessHandle.prototype.write.
const failingWrites = async (page) => {
  await page.route('**/received_files_worker.js', async (route) => {
    const original = await (await route.fetch()).text();
    const prelude = `{
      const write = FileSystemSyncAccessHandle.prototype.write;
      let total = 0;
      FileSystemSyncAccessHandle.prototype.write = function (data, options) {
        total += data.byteLength;
        if (total > 3 * 1024 * 1024) throw new DOMException('the disk is full (test)', 'QuotaExceededError');
        return write.call(this, data, options);
      };
    }\n`;
    await route.fulfill({ status: 200, contentType: 'text/javascript', body: prelude + original });
  });
};

test('a write that fails mid-way fails the transfer with its reason, never done, nothing left', { timeout: TEST_MS }, async () => {
  const file = await writeRandomFile(folder, 'full-disk.bin', 8 * 1024 * 1024);
  const [ada, bob] = await session.open('Ada', { name: 'Bob', prepare: failingWrites });
  await sendAndAccept(ada, bob, file);
  await Promise.all([waitForTransferState(bob.page, 'failed'), waitForTransferState(ada.page, 'failed')]);
  assert.match(await lastTransferText(bob.page), /could not store `full-disk\.bin`: QuotaExceededError: the disk is full \(test\)/);
  assert.match(await lastTransferText(ada.page), /receiver: could not store `full-disk\.bin`: QuotaExceededError/);
  assert.equal(await bob.page.locator('#transfers a[download]').count(), 0, 'nothing to save');
  await bob.page.waitForFunction(async () => {
    const walk = async (dir) => {
      for await (const [, handle] of dir.entries()) {
        if (handle.kind === 'file' || await walk(handle)) return true;
      }
      return false;
    };
    return !(await walk(await navigator.storage.getDirectory()));
  }, null, { timeout: STEP_MS, polling: 200 });
  assertNoErrors(ada, bob);
});

test('cancel mid-way deletes the stored part, and a new visit sweeps what a closed page left', { timeout: TEST_MS }, async () => {
  const file = await writeRandomFile(folder, 'cancelled.bin', 60 * 1024 * 1024);
  const [ada, bob] = await session.open('Ada', 'Bob');
  await sendAndAccept(ada, bob, file);
  await bob.page.waitForFunction(() => Number(document.querySelector('#transfers .transfer:last-child progress')?.value) > 0,
                                 null, { timeout: STEP_MS, polling: 50 });
  await button(bob.page, 'Cancel').click();
  await Promise.all([waitForTransferState(bob.page, 'cancelled'), waitForTransferState(ada.page, 'cancelled')]);
  await bob.page.waitForFunction(async () => {
    for await (const [, dir] of (await navigator.storage.getDirectory()).entries()) {
      for await (const entry of dir.values()) if (entry) return false;
    }
    return true;
  }, null, { timeout: STEP_MS, polling: 200 });

  // A folder an earlier visit left (its page is gone: nobody holds its lock) goes on reload.
  await bob.page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const old = await root.getDirectoryHandle('peerline-received-left-behind', { create: true });
    const writable = await (await old.getFileHandle('f1', { create: true })).createWritable();
    await writable.write(new Uint8Array(1000));
    await writable.close();
  });
  await bob.page.reload();
  await bob.page.waitForFunction(async () => {
    const names = [];
    for await (const name of (await navigator.storage.getDirectory()).keys()) names.push(name);
    return names.length > 0 && !names.includes('peerline-received-left-behind');
  }, null, { timeout: STEP_MS, polling: 200 });
  assertNoErrors(ada, bob);
});
