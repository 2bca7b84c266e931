// One Peerline file transfer between two fresh users of the real page: the sender picks the
// file, the receiver clicks Accept; timed in the receiver's page from the Accept click (capture
// phase, before the app's handler) to its transfer showing data-state="done", which the app sets
// only after the XXH3-128 of every file matched.
import { button, openUser } from '../../../tests/e2e/helpers.mjs';
import { browserPid, findRenderer, startSampler } from './memory.mjs';

const WAIT_MS = 30_000;

// In the receiver page: the clock, and a promise of {ms} or {error} for the newest transfer.
function armClock() {
  window.__transferResult = new Promise((resolve) => {
    let t0 = null;
    document.addEventListener('click', () => { t0 ??= performance.now(); }, { capture: true });
    const transfers = document.getElementById('transfers');
    const check = () => {
      const items = transfers.querySelectorAll('.transfer');
      const state = items[items.length - 1]?.dataset.state;
      if (t0 === null || !state) return;
      if (state === 'done') resolve({ ms: performance.now() - t0 });
      else if (['declined', 'cancelled', 'failed'].includes(state)) {
        resolve({ error: `transfer ${state}: ${items[items.length - 1].textContent}` });
      }
    };
    new MutationObserver(check).observe(transfers, { subtree: true, attributes: true, attributeFilter: ['data-state'], childList: true });
  });
}

const receivedFraction = (page) => page.evaluate(() => {
  const bar = document.querySelector('#transfers .transfer:last-child progress');
  return bar && bar.max > 0 ? bar.value / bar.max : 0;
});

export async function peerlineTransfer({ browser, cdp, url, file, sizeMiB, round, timeoutMs }) {
  const taken = new Set();
  const sender = await openUser(browser, url, `Ada${round}`);
  const receiver = await openUser(browser, url, `Bob${round}`);
  const senderPid = await findRenderer(cdp, taken, sender.page);
  const receiverPid = await findRenderer(cdp, taken, receiver.page);
  try {
    await button(sender.page, `Call ${receiver.name}`).waitFor({ timeout: WAIT_MS });
    await sender.page.getByRole('button', { name: new RegExp(`^Chat and files with ${receiver.name}`) }).click();
    await sender.page.locator('#fileInput').setInputFiles([file]);
    await receiver.page.locator('#transfers .transfer[data-state="offered"]').waitFor({ timeout: WAIT_MS });
    await receiver.page.evaluate(armClock);

    const stop = startSampler({
      pids: { sender: senderPid, receiver: receiverPid, browser: await browserPid(cdp) },
      progress: () => receivedFraction(receiver.page), totalMiB: sizeMiB, label: 'Peerline',
    });
    let result;
    try {
      await button(receiver.page, 'Accept').click();
      result = await Promise.race([
        receiver.page.evaluate(() => window.__transferResult),
        new Promise((resolve) => setTimeout(() => resolve({ error: `not done within ${timeoutMs / 1000} s` }), timeoutMs)),
      ]);
    } finally {
      result = { ...result, memory: await stop() };
    }
    if (!result.error) {
      // The sender hears the receiver's verdict a moment later; its "done" confirms the hash check.
      await sender.page.waitForFunction(() => document.querySelector('#transfers .transfer:last-child')?.dataset.state === 'done',
                                        null, { timeout: WAIT_MS, polling: 100 })
        .catch(() => { result.error = 'the sender never showed done'; });
    }
    const errors = [...sender.errors, ...receiver.errors];
    if (errors.length) result.pageErrors = errors;
    return result;
  } finally {
    await sender.context.close().catch(() => {});
    await receiver.context.close().catch(() => {});
  }
}
