// One Peerline file transfer between two fresh users of the real page: the sender picks the
// file, the receiver clicks Accept; timed in the receiver's page from the Accept click (capture
// phase, before the app's handler) to its transfer showing data-state="done", which the app sets
// only after the XXH3-128 of every file matched.
// timeTransfer() takes engine-neutral users (tests/e2e/engines.mjs), so either side may be
// Chromium or Firefox (engines.mjs here); peerlineTransfer() is Chromium to Chromium (bench.mjs).
import { chromiumUser } from '../../../tests/e2e/engines.mjs';
import { openUser, sleep, writeRandomFile } from '../../../tests/e2e/helpers.mjs';
import { browserPid, findRenderer, startSampler } from './memory.mjs';

const WAIT_MS = 30_000;
const MiB = 1024 * 1024;

// `mib` MiB of random bytes in a new file in `folder`.
export async function makeFile(folder, mib) {
  return (await writeRandomFile(folder, `random-${mib}MiB.bin`, mib * MiB)).file;
}

// In the receiver page: the clock, and window.__transferResult = {ms} or {error} once the newest
// transfer ends. (Node polls for it: one evaluate awaiting a long transfer would outlast
// puppeteer's protocol timeout.)
function armClock() {
  window.__transferResult = null;
  let t0 = null;
  document.addEventListener('click', () => { t0 ??= performance.now(); }, { capture: true });
  const transfers = document.getElementById('transfers');
  const check = () => {
    const items = transfers.querySelectorAll('.transfer');
    const state = items[items.length - 1]?.dataset.state;
    if (t0 === null || !state || window.__transferResult) return;
    if (state === 'done') window.__transferResult = { ms: performance.now() - t0 };
    else if (['declined', 'cancelled', 'failed'].includes(state)) {
      window.__transferResult = { error: `transfer ${state}: ${items[items.length - 1].textContent}` };
    }
  };
  new MutationObserver(check).observe(transfers, { subtree: true, attributes: true, attributeFilter: ['data-state'], childList: true });
}

function receivedFraction() {
  const bar = document.querySelector('#transfers .transfer:last-child progress');
  return bar && bar.max > 0 ? bar.value / bar.max : 0;
}

async function transferResult(receiver, timeoutMs) {
  for (const end = performance.now() + timeoutMs; performance.now() < end; await sleep(250)) {
    const result = await receiver.evaluate(() => window.__transferResult);
    if (result) return result;
  }
  return { error: `not done within ${timeoutMs / 1000} s` };
}

// The receiver's data link closed as a dying network would (its page must record its
// connections: helpers.mjs recordPeerConnections), once `share` of the file has arrived.
async function dropLinkAt(receiver, share, timeoutMs) {
  for (const end = performance.now() + timeoutMs; performance.now() < end; await sleep(100)) {
    if (await receiver.evaluate(receivedFraction) < share) continue;
    await receiver.evaluate(() => { for (const pc of window.__peerConnections) pc.close(); });
    return;
  }
}

// What the newest transfer item says a dropped link cost (data-resent, TransferView::resent).
const resentBytes = (user) => user.evaluate(
  () => Number(document.querySelector('#transfers .transfer:last-child')?.dataset.resent ?? NaN));

// Sends `file` from `sender` to `receiver` (engine-neutral users who see each other) and times it;
// `pids` ({role: pid or () => [pid]}, memory.mjs) are sampled meanwhile. {ms, memory} or {error, memory}.
// `dropAt` (a share of the file): the receiver's link is closed once that much arrived, and the
// result says the bytes re-sent: {resent: {receiver, sender}}.
export async function timeTransfer({ sender, receiver, file, sizeMiB, timeoutMs, pids, label = 'Peerline', dropAt }) {
  await sender.waitForRole('button', `Call ${receiver.name}`, 'visible', WAIT_MS);
  await sender.click(`Chat and files with ${receiver.name}`);
  await sender.setInputFiles('#fileInput', [file]);
  await receiver.waitFor(() => document.querySelector('#transfers .transfer[data-state="offered"]'), null, WAIT_MS);
  await receiver.evaluate(armClock);

  const stop = startSampler({ pids, progress: () => receiver.evaluate(receivedFraction), totalMiB: sizeMiB, label });
  let result;
  try {
    await receiver.click('Accept');
    const drop = dropAt ? dropLinkAt(receiver, dropAt, timeoutMs) : null;
    result = await transferResult(receiver, timeoutMs);
    await drop;
  } finally {
    result = { ...result, memory: await stop() };
  }
  if (!result.error) {
    // The sender hears the receiver's verdict a moment later; its "done" confirms the hash check.
    await sender.waitFor(() => document.querySelector('#transfers .transfer:last-child')?.dataset.state === 'done',
                         null, WAIT_MS)
      .catch(() => { result.error = 'the sender never showed done'; });
  }
  if (dropAt) result.resent = { receiver: await resentBytes(receiver), sender: await resentBytes(sender) };
  const errors = [...sender.errors, ...receiver.errors];
  if (errors.length) result.pageErrors = errors;
  return result;
}

// Chromium to Chromium, with each page's renderer and the browser process sampled.
export async function peerlineTransfer({ browser, cdp, url, file, sizeMiB, round, timeoutMs }) {
  const taken = new Set();
  const sender = chromiumUser(await openUser(browser, url, `Ada${round}`));
  const receiver = chromiumUser(await openUser(browser, url, `Bob${round}`));
  try {
    const pids = {
      sender: await findRenderer(cdp, taken, sender.page),
      receiver: await findRenderer(cdp, taken, receiver.page),
      browser: await browserPid(cdp),
    };
    return await timeTransfer({ sender, receiver, file, sizeMiB, timeoutMs, pids });
  } finally {
    await sender.close();
    await receiver.close();
  }
}
