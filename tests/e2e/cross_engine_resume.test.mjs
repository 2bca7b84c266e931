// Transfers between Firefox and Chromium that resume after the data link drops (issue 17 item 3,
// docs/transfer.md "Resume"): the receiving page's RTCPeerConnection is closed mid-file, as a
// dying network would, without a word to the peer; a new link between the two engines continues
// from the last verified block, and the file arrives with the SHA-256 of the original having
// arrived at most one block twice. Both directions, so each engine is once the one that resumes
// writing into its private file system and once the one that reads on from the resume point.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  assertNoErrors, inChromium, inFirefox, lastTransfer, useCrossSession, waitForTransferDone,
} from './engines.mjs';
import { probes, writeRandomFile } from './helpers.mjs';

const session = useCrossSession({ before, after, afterEach });
const folder = mkdtempSync(path.join(tmpdir(), 'peerline-cross-resume-'));
after(() => rmSync(folder, { recursive: true, force: true }));

const kBlockBytes = 1024 * 1024;
const FILE_BYTES = 60 * 1024 * 1024;
const TRANSFER_MS = 120_000;

// Test-only: notes whether the newest transfer was ever shown reconnecting (a resume on loopback
// can take less time than a poll).
function watchReconnecting() {
  window.__sawReconnecting = false;
  new MutationObserver(() => {
    const item = [...document.querySelectorAll('#transfers .transfer')].pop();
    if (item?.dataset.state === 'reconnecting') window.__sawReconnecting = true;
  }).observe(document.body, { subtree: true, childList: true, attributes: true });
}

async function cutAndResume(from, to) {
  const tag = `${from.engine}-to-${to.engine}`;
  const file = await writeRandomFile(folder, `resumed-${tag}.bin`, FILE_BYTES);
  for (const user of [from, to]) await user.evaluate(watchReconnecting);
  await from.click(`Chat and files with ${to.name}`);
  await from.setInputFiles('#fileInput', [file.file]);
  await to.waitFor(() => [...document.querySelectorAll('#transfers .transfer')].pop()?.dataset.state === 'offered');
  await to.click('Accept');
  await to.waitFor(() => {
    const bar = document.querySelector('#transfers .transfer:last-child progress');
    return bar && bar.value / bar.max >= 0.4;
  }, undefined, TRANSFER_MS);
  // The receiver's link dies without a word (helpers.mjs's recordPeerConnections lists them).
  await to.evaluate(() => { for (const pc of window.__peerConnections) if (pc.connectionState !== 'closed') pc.close(); });
  await waitForTransferDone(from, to, TRANSFER_MS);
  for (const user of [from, to]) {
    assert.ok(await user.evaluate(() => window.__sawReconnecting), `${user.name} (${user.engine}) showed the transfer reconnecting`);
  }
  const hashes = await to.evaluate(probes.savedHashes);
  assert.equal(hashes[file.name], file.sha256, `the resumed file has the SHA-256 of the original at ${to.engine}`);
  const received = (await lastTransfer(to)).resent;
  const sent = (await lastTransfer(from)).resent;
  console.log(`${tag}: ${received} bytes arrived twice (receiver), ${sent} handed to the channel again (sender)`);
  assert.ok(received <= kBlockBytes, `at most one block arrived twice (${received} bytes)`);
  assert.match((await lastTransfer(from)).text, new RegExp(`Sent and verified by ${to.name}`));
  assertNoErrors(from, to);
}

test('Chromium→Firefox: the link cut at 40% resumes and the file arrives whole', { timeout: 200_000 }, async () => {
  const [cora, finn] = await session.open(inChromium('Cora'), inFirefox('Finn'));
  await cutAndResume(cora, finn);
});

test('Firefox→Chromium: the link cut at 40% resumes and the file arrives whole', { timeout: 200_000 }, async () => {
  const [fay, carl] = await session.open(inFirefox('Fay'), inChromium('Carl'));
  await cutAndResume(fay, carl);
});
