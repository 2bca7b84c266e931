// The raw data-channel blast (baseline.html) between two fresh pages: open both, connect, then
// blast(...) once per configuration on the same channel. With `contexts` ({sender, receiver}:
// e.g. two persistent profiles, disk.mjs) the pages open there and `pids` say what to sample.
import { browserPid, findRenderer, startSampler } from './memory.mjs';

const WAIT_MS = 30_000;

export async function openBlastPair({ browser, cdp, url, contexts, pids: given }) {
  const taken = new Set();
  const page = async (name, existing) => {
    const context = existing ?? await browser.newContext();
    const p = await context.newPage();
    const errors = [];
    p.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    p.on('crash', () => errors.push('page crashed'));
    await p.goto(`${url}/bench-transfer-baseline.html?name=${name}`);
    await p.waitForFunction(() => window.bench?.id, null, { timeout: WAIT_MS });
    return { context, page: p, errors, close: () => (existing ? p.close() : context.close()) };
  };
  const sender = await page('BlastSender', contexts?.sender);
  const receiver = await page('BlastReceiver', contexts?.receiver);
  const senderPid = given ? null : await findRenderer(cdp, taken, sender.page);
  const receiverPid = given ? null : await findRenderer(cdp, taken, receiver.page);
  const receiverId = await receiver.page.evaluate(() => window.bench.id);
  await Promise.race([
    sender.page.evaluate((id) => window.connect(id), receiverId),
    new Promise((_, reject) => setTimeout(() => reject(new Error('baseline channel did not open')), WAIT_MS)),
  ]);
  const pids = given ?? { sender: senderPid, receiver: receiverPid, browser: await browserPid(cdp) };

  // Runs `send` (a page function resolving with ms) in the sender while sampling memory:
  // {ms, memory} or {error, memory}.
  const measure = async (label, sizeMiB, timeoutMs, send) => {
    const bytes = sizeMiB * 1024 * 1024;
    const stop = startSampler({
      pids, totalMiB: sizeMiB, label,
      progress: () => receiver.page.evaluate((total) => window.bench.received / total, bytes),
    });
    let result;
    try {
      result = await Promise.race([
        send().then((ms) => ({ ms })),
        new Promise((resolve) => setTimeout(() => resolve({ error: `not done within ${timeoutMs / 1000} s` }), timeoutMs)),
      ]);
    } catch (error) {
      result = { error: error.message };
    } finally {
      result = { ...result, memory: await stop() };
    }
    const errors = [...sender.errors, ...receiver.errors];
    if (errors.length) result.pageErrors = errors;
    return result;
  };

  // chunk/high/low in bytes.
  const blast = ({ sizeMiB, chunk, high, low, timeoutMs }) => measure('Baseline', sizeMiB, timeoutMs, () =>
    sender.page.evaluate((config) => window.blast(config), { bytes: sizeMiB * 1024 * 1024, chunk, high, low }));

  // The same, reading `file` (a path) in the sender and keeping Blob parts in the receiver; a
  // run whose receiver did not keep every byte is an error.
  const fileBlast = async ({ file, sizeMiB, chunk, high, low, timeoutMs }) => {
    await sender.page.locator('#file').setInputFiles(file);
    let result = await measure('JS file drop', sizeMiB, timeoutMs, () =>
      sender.page.evaluate((config) => window.fileBlast(config), { chunk, high, low }));
    const saved = await receiver.page.evaluate(() => window.bench.saved?.size ?? -1).catch(() => -1);
    if (result.ms && saved !== sizeMiB * 1024 * 1024) result = { ...result, ms: undefined, error: `kept ${saved} bytes` };
    await receiver.page.evaluate(() => { window.bench.saved = null; }).catch(() => {});
    return result;
  };
  const close = async () => {
    await sender.close().catch(() => {});
    await receiver.close().catch(() => {});
  };
  return { blast, fileBlast, close };
}
