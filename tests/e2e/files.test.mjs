// Chat and file drop over data channels between two pages: chat both ways with delivery marks
// and unread badges; three files (one empty, one of 200 MB) arrive with identical SHA-256;
// the fallback ways of reading a file; decline; cancel mid-way; invite rooms across "networks".
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  assertNoErrors, button, chatButton, closeUsers, launchBrowser, openUser, probes, startServer, STEP_MS, stopServer, TEST_MS, useSession, waitForTransferState, writeRandomFile,
} from './helpers.mjs';

const session = useSession({ before, after, afterEach });
const folder = mkdtempSync(path.join(tmpdir(), 'peerline-files-'));
after(() => rmSync(folder, { recursive: true, force: true }));

// A file of `bytes` random bytes in this file's folder, and its SHA-256.
const makeFile = (name, bytes) => writeRandomFile(folder, name, bytes);


function transferState(page) {
  return page.locator('#transfers .transfer').last().getAttribute('data-state');
}


const savedHashes = (page) => page.evaluate(probes.savedHashes);

test('chat both ways: delivered marks and an unread badge', { timeout: TEST_MS }, async () => {
  const [ada, bob] = await session.open('Ada', 'Bob');
  await chatButton(ada.page, 'Bob').click();
  await ada.page.getByRole('heading', { name: 'Chat with Bob' }).waitFor();
  await ada.page.getByRole('textbox', { name: 'Message' }).fill('Hello <b>Bob</b>');
  await button(ada.page, 'Send').click();
  await ada.page.locator('#chatLog .chat-line.mine[data-delivery="delivered"]').waitFor();

  // Bob's tile counts it before he opens the chat.
  await bob.page.getByRole('button', { name: 'Chat and files with Ada (1 unread)' }).waitFor();
  await chatButton(bob.page, 'Ada').click();
  const line = bob.page.locator('#chatLog .chat-line').first();
  assert.equal(await line.locator('.chat-text').textContent(), 'Hello <b>Bob</b>');  // text, not markup
  assert.doesNotMatch(await chatButton(bob.page, 'Ada').textContent(), /unread/);

  await bob.page.getByRole('textbox', { name: 'Message' }).fill('Hi Ada');
  await bob.page.getByRole('textbox', { name: 'Message' }).press('Enter');
  await ada.page.locator('#chatLog .chat-line:not(.mine) .chat-text', { hasText: 'Hi Ada' }).waitFor();
  assertNoErrors(ada, bob);
});

test('three files, one empty and one of 200 MB, arrive with identical SHA-256', { timeout: 180_000 }, async () => {
  const files = [await makeFile('notes.txt', 1234), await makeFile('empty.bin', 0),
                 await makeFile('big.bin', 200 * 1024 * 1024)];
  const [ada, bob] = await session.open('Ada', 'Bob');
  await chatButton(ada.page, 'Bob').click();
  await ada.page.locator('#fileInput').setInputFiles(files.map((f) => f.file));

  // Bob's conversation opens on the offer: count and total size, Accept / Decline.
  const offer = bob.page.locator('#transfers .transfer').last();
  await offer.waitFor();
  assert.match(await offer.textContent(), /Ada sends 3 files, 210 MB/);
  const started = performance.now();
  await button(bob.page, 'Accept').click();
  // Progress shows while it runs, on both sides.
  await bob.page.waitForFunction(() => /\d+% · /.test(document.querySelector('#transfers .transfer:last-child [role=status]')?.textContent ?? ''),
                                 null, { timeout: STEP_MS, polling: 100 });
  await Promise.all([waitForTransferState(bob.page, 'done', 150_000), waitForTransferState(ada.page, 'done', 150_000)]);
  const seconds = (performance.now() - started) / 1000;
  console.log(`210 MB in ${seconds.toFixed(1)} s (${(210 / seconds).toFixed(1)} MB/s incl. accept and hashing)`);

  const hashes = await savedHashes(bob.page);
  for (const f of files) assert.equal(hashes[f.name], f.sha256, `${f.name} arrived intact`);
  assert.match(await ada.page.locator('#transfers .transfer').last().textContent(), /Sent and verified by Bob/);
  assertNoErrors(ada, bob);
});

// Chromium reads every file through one BYOB reader of File.stream(). Browsers without byte
// streams get a default reader, and without File.stream() each chunk is a File.slice(): those
// paths run here by taking the API away in the sender's page.
const withoutByobReaders = () => {
  const getReader = ReadableStream.prototype.getReader;
  ReadableStream.prototype.getReader = function (options) {
    if (options?.mode === 'byob') throw new TypeError('byob readers need a byte stream');
    return getReader.call(this, options);
  };
};
const withoutFileStreams = () => { delete Blob.prototype.stream; };

for (const [how, fileName, initScript] of [['a default stream reader', 'by-reader.bin', withoutByobReaders],
                                          ['slices', 'by-slices.bin', withoutFileStreams]]) {
  test(`a file read by ${how} arrives intact`, { timeout: TEST_MS }, async () => {
    const file = await makeFile(fileName, 5 * 1024 * 1024 + 4321);  // whole chunks and a partial one
    const [ada, bob] = await session.open({ name: 'Ada', initScript }, 'Bob');
    assert.equal(await ada.page.evaluate(() => 'stream' in Blob.prototype), initScript !== withoutFileStreams);
    await chatButton(ada.page, 'Bob').click();
    await ada.page.locator('#fileInput').setInputFiles([file.file]);
    await bob.page.locator('#transfers .transfer').last().waitFor();
    await button(bob.page, 'Accept').click();
    await Promise.all([waitForTransferState(bob.page, 'done', 60_000), waitForTransferState(ada.page, 'done', 60_000)]);
    assert.equal((await savedHashes(bob.page))[file.name], file.sha256, `${file.name} arrived intact`);
    assert.match(await ada.page.locator('#transfers .transfer').last().textContent(), /Sent and verified by Bob/);
    assertNoErrors(ada, bob);
  });
}

// The browser's send() may still refuse a message (a full queue, a closing channel): here the
// third binary message on "files" and any chat text saying "refuse me" throw, as Chromium does.
const refusingSends = () => {
  const send = RTCDataChannel.prototype.send;
  let binary = 0;
  RTCDataChannel.prototype.send = function (data) {
    if (this.label === 'files' && typeof data !== 'string' && ++binary === 3) {
      throw new DOMException('Failure to send data', 'OperationError');
    }
    if (typeof data === 'string' && data.includes('refuse me')) {
      throw new DOMException('RTCDataChannel send queue is full', 'OperationError');
    }
    return send.call(this, data);
  };
};

test('a send() the browser refuses fails the transfer on both sides and the chat line, with its reason', { timeout: TEST_MS }, async () => {
  const file = await makeFile('refused.bin', 3 * 1024 * 1024);
  const [ada, bob] = await session.open({ name: 'Ada', initScript: refusingSends }, 'Bob');
  await chatButton(ada.page, 'Bob').click();
  await ada.page.locator('#fileInput').setInputFiles([file.file]);
  await bob.page.locator('#transfers .transfer[data-state="offered"]').waitFor();
  await button(bob.page, 'Accept').click();
  await Promise.all([waitForTransferState(ada.page, 'failed'), waitForTransferState(bob.page, 'failed')]);
  for (const page of [ada.page, bob.page]) {
    assert.match(await page.locator('#transfers .transfer').last().textContent(), /Failure to send data/);
  }
  assert.equal(await bob.page.locator('#transfers a[download]').count(), 0, 'nothing to save');

  await ada.page.getByRole('textbox', { name: 'Message' }).fill('please refuse me');
  await ada.page.keyboard.press('Enter');
  await ada.page.locator('.chat-line.mine[data-delivery="failed"]').waitFor();
  assert.match(await ada.page.locator('.chat-line.mine').last().textContent(), /Not delivered: .*send queue is full/);
  assertNoErrors(ada, bob);
});

test('decline: the sender sees it declined and nothing is saved', { timeout: TEST_MS }, async () => {
  const small = await makeFile('secret.txt', 100);
  const [ada, bob] = await session.open('Ada', 'Bob');
  await chatButton(ada.page, 'Bob').click();
  await ada.page.locator('#fileInput').setInputFiles([small.file]);
  await bob.page.locator('#transfers .transfer[data-state="offered"]').waitFor();
  await button(bob.page, 'Decline').click();
  await waitForTransferState(ada.page, 'declined');
  assert.equal(await transferState(bob.page), 'declined');
  assert.equal(await bob.page.locator('#transfers a[download]').count(), 0);
  assertNoErrors(ada, bob);
});

test('cancel mid-way from the receiver: both sides show cancelled, nothing saved', { timeout: 120_000 }, async () => {
  const big = await makeFile('cancelled.bin', 200 * 1024 * 1024);
  const [ada, bob] = await session.open('Ada', 'Bob');
  await chatButton(ada.page, 'Bob').click();
  await ada.page.locator('#fileInput').setInputFiles([big.file]);
  await bob.page.locator('#transfers .transfer[data-state="offered"]').waitFor();
  await button(bob.page, 'Accept').click();
  await waitForTransferState(bob.page, 'running');
  await bob.page.waitForFunction(() => Number(document.querySelector('#transfers .transfer:last-child progress')?.value) > 0,
                                 null, { timeout: STEP_MS, polling: 100 });
  await button(bob.page, 'Cancel').click();
  await Promise.all([waitForTransferState(bob.page, 'cancelled'), waitForTransferState(ada.page, 'cancelled')]);
  assert.equal(await bob.page.locator('#transfers a[download]').count(), 0);
  assertNoErrors(ada, bob);
});

// Two "networks": the server trusts the loopback proxy's X-Forwarded-For, and each browser
// context claims a different public address (as two homes behind one reverse proxy would).
test('different networks do not see each other until they share an invite link', { timeout: TEST_MS }, async () => {
  const started = await startServer({ extra: ['--trust-proxy', '127.0.0.1/32'] });
  const browser = await launchBrowser();
  const users = [];
  try {
    const home = async (name, address, query = '') => {
      const context = await browser.newContext({ extraHTTPHeaders: { 'X-Forwarded-For': address } });
      const page = await context.newPage();
      page.setDefaultTimeout(STEP_MS);
      const errors = [];
      page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
      await page.goto(`${started.url}/?name=${name}${query}`);
      await page.waitForFunction(() => document.getElementById('connection')?.dataset.state === 'online');
      const user = { name, context, page, errors };
      users.push(user);
      return user;
    };
    const ada = await home('Ada', '198.51.100.7');
    const bob = await home('Bob', '203.0.113.9');
    const carol = await home('Carol', '198.51.100.7');  // Ada's network
    await button(ada.page, 'Call Carol').waitFor();
    assert.equal(await button(ada.page, 'Call Bob').count(), 0, 'Bob is on another network');
    assert.equal(await button(bob.page, 'Call Ada').count(), 0);

    // Ada invites: the link holds a room of >= 128 random bits; Bob opens it.
    await button(ada.page, 'Invite').click();
    const link = await ada.page.getByLabel('Invite link').inputValue();
    const room = new URL(link).searchParams.get('room');
    assert.match(room, /^[A-Za-z0-9_-]{22,}$/);
    // The QR code is an image the server draws (qr.svg): it arrives a moment after the click.
    await ada.page.waitForFunction(() => {
      const img = document.getElementById('inviteQr');
      return img.complete && img.naturalWidth > 0;
    }, null, { timeout: STEP_MS, polling: 50 }).catch(() => assert.fail('the QR code of the link is drawn'));
    await bob.page.goto(`${link}&name=Bob`);
    await button(bob.page, 'Call Ada').waitFor();
    await button(ada.page, 'Call Bob').waitFor();
    assert.equal(await button(bob.page, 'Call Carol').count(), 0, 'the invite shares Ada, not her network');

    // And chat works across the invite.
    await chatButton(bob.page, 'Ada').click();
    await bob.page.getByRole('textbox', { name: 'Message' }).fill('Found you');
    await button(bob.page, 'Send').click();
    await ada.page.getByRole('button', { name: 'Chat and files with Bob (1 unread)' }).waitFor();
    for (const user of users) assert.deepEqual(user.errors, [], `${user.name}'s page reported errors`);
  } finally {
    await closeUsers(...users);
    await browser.close().catch(() => {});
    await stopServer(started.child);
  }
});
