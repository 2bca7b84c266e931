// Chat and file drop across engines (issue 16): Firefox ESR (puppeteer-core over WebDriver BiDi)
// and Chromium (Playwright) users over the app's data channels. Chat both ways with the Delivered
// mark; files both ways, 0 B, 1,234 B and 100 MiB, whose SHA-256 on arrival (read back in the
// receiving page) must equal the sent file's. Chromium's own message limit is 262,144 bytes while
// Firefox advertises max-message-size 1,073,741,823, so the Chromium→Firefox direction checks that
// the sender sizes its chunks from what it can send, not only from what the peer can take. Both
// engines write what they receive to their private file system through a worker.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  TEST_MS, assertNoErrors, inChromium, inFirefox, lastTransfer, sendErrorSummary, useCrossSession,
  waitForTransferDone,
} from './engines.mjs';
import { probes, writeRandomFile } from './helpers.mjs';

const session = useCrossSession({ before, after, afterEach });
const folder = mkdtempSync(path.join(tmpdir(), 'peerline-cross-files-'));
after(() => rmSync(folder, { recursive: true, force: true }));

const BIG = 100 * 1024 * 1024;
const TRANSFER_MS = 150_000;

// A file of `bytes` random bytes in this file's folder, and its SHA-256.
const makeFile = (name, bytes) => writeRandomFile(folder, name, bytes);

const savedHashes = (user) => user.evaluate(probes.savedHashes);

const openChat = async (user, other) => {
  await user.click(`Chat and files with ${other.name}`);
  await user.waitForRole('heading', `Chat with ${other.name}`);
};

test('chat both ways between Firefox and Chromium: Delivered shown, unread counted', { timeout: TEST_MS }, async () => {
  const [fay, carl] = await session.open(inFirefox('Fay'), inChromium('Carl'));
  for (const [from, to] of [[fay, carl], [carl, fay]]) {
    const text = `Hello <b>${to.name}</b> from ${from.engine}`;
    await openChat(from, to);
    await from.fill('Message', text);
    await from.click('Send');
    await from.waitFor((t) => [...document.querySelectorAll('#chatLog .chat-line.mine')].some((line) =>
      line.querySelector('.chat-text').textContent === t && line.dataset.delivery === 'delivered' &&
      line.querySelector('.chat-meta').textContent === 'Delivered'), text);
    await from.click('Close the chat');
    // The other's tile counts it before the chat is opened there.
    await to.waitForRole('button', `Chat and files with ${from.name} (1 unread)`);
    await to.click(`Chat and files with ${from.name} (1 unread)`);
    await to.waitFor((t) => [...document.querySelectorAll('#chatLog .chat-line:not(.mine) .chat-text')]
      .some((line) => line.textContent === t && line.children.length === 0), text);  // text, not markup
    await to.waitForRole('button', `Chat and files with ${from.name}`);
    await to.click('Close the chat');
  }
  // Enter sends too, from Firefox.
  await openChat(fay, carl);
  await fay.fill('Message', 'By Enter');
  await fay.press('Enter');
  await carl.waitForRole('button', 'Chat and files with Fay (1 unread)');
  assertNoErrors(fay, carl);
});

// Sends three files (0 B, 1,234 B, 100 MiB) from `from` to `to`, accepts, and checks every hash.
async function sendFiles(from, to) {
  const tag = `${from.engine}-to-${to.engine}`;
  const files = [await makeFile(`empty-${tag}.bin`, 0), await makeFile(`notes-${tag}.txt`, 1234),
                 await makeFile(`big-${tag}.bin`, BIG)];
  await openChat(from, to);
  await from.setInputFiles('#fileInput', files.map((f) => f.file));
  await to.waitFor(() => document.querySelector('#transfers .transfer:last-child')?.dataset.state === 'offered');
  assert.match((await lastTransfer(to)).text, new RegExp(`${from.name} sends 3 files, 105 MB`));
  const started = performance.now();
  await to.click('Accept');
  await waitForTransferDone(from, to, TRANSFER_MS);
  assert.equal(await sendErrorSummary(from), 'none', `${from.name}'s send() calls`);
  const seconds = (performance.now() - started) / 1000;
  console.log(`${tag}: 100 MiB + 1,234 B + 0 B in ${seconds.toFixed(1)} s (${(BIG / 2 ** 20 / seconds).toFixed(1)} MiB/s incl. accept and hashing)`);
  const hashes = await savedHashes(to);
  for (const f of files) assert.equal(hashes[f.name], f.sha256, `${f.name} (${f.bytes} B) arrived intact at ${to.engine}`);
  // Written to the private file system as it came (docs/transfer.md), not kept in memory.
  const stored = Object.values(await to.evaluate(probes.storedFiles));
  assert.deepEqual(stored.sort((a, b) => a - b), [0, 1234, BIG], `${to.engine} stored the three files on disk`);
  assert.match((await lastTransfer(from)).text, new RegExp(`Sent and verified by ${to.name}`));
  assertNoErrors(from, to);
}

test('files Firefox→Chromium: 0 B, 1,234 B and 100 MiB arrive with identical SHA-256', { timeout: 200_000 }, async () => {
  const [fay, carl] = await session.open(inFirefox('Fay'), inChromium('Carl'));
  await sendFiles(fay, carl);
});

test('files Chromium→Firefox: 0 B, 1,234 B and 100 MiB arrive with identical SHA-256', { timeout: 200_000 }, async () => {
  const [cora, finn] = await session.open(inChromium('Cora'), inFirefox('Finn'));
  await sendFiles(cora, finn);
});
