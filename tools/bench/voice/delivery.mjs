// Voice message delivery (issue 20): click "Send voice message" -> "Delivered" for a 60 s
// message, end to end over a data link, against the old path through the server, interleaved in
// one run on loopback. Each sample is a fresh pair of Chromium users with persistent profiles:
// Ada calls Bob, Bob declines, Ada leaves a message (1: no data link open yet; 2: right after,
// the link now open). The 60 s Ogg Opus file is made once by opusenc and handed to the page's
// recorder in place of the microphone (PeerlineVoice.record is wrapped): the send path from the
// click on is the page's own.
// Times are from the click (capture phase, before the app's handler) to:
//   delivered - the sender shows "Delivered to Bob." (new page only: the old path had no ack);
//   listed    - the card appears on the receiver's page (both; the old path's only end).
// Both pages share one machine clock (performance.timeOrigin + now).
// The recorder is held for RECORD_MS (default 3000) before Stop, as a person records: the page
// opens the data link when recording starts, so "no link open yet" means none before that.
// Between Stop and Send the person waits PREVIEW_MS (default 1000): the time it takes to read
// "Recorded. Play it back, then send or discard." and click, shorter than listening back. The
// page sends the recording sealed in that time (docs/voice.md "Sent while you listen back");
// the old page sat idle. PREVIEW_MS=0 clicks Send as soon as it shows.
// Usage: node tools/bench/voice/delivery.mjs <message.opus> <pairs>   (delivery.sh makes the file)
// Env: PEERLINE_WEB_BEFORE=<built web folder of the old page> (delivery.sh builds it).
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { builtWeb, chromiumFlags, sleep, startServer, stopServer } from '../../../tests/e2e/helpers.mjs';

const [messageFile, pairsArg] = process.argv.slice(2);
const PAIRS = Number(pairsArg ?? 10);
const WAIT_MS = 30_000;
const RECORD_MS = Number(process.env.RECORD_MS ?? 3000);
const PREVIEW_MS = Number(process.env.PREVIEW_MS ?? 1000);
const message = (await readFile(messageFile)).toString('base64');

// Before any page script: PeerlineVoice.record gives the prepared file instead of recording.
function fakeMicrophone() {
  let real;
  Object.defineProperty(globalThis, 'PeerlineVoice', {
    configurable: true,
    get: () => real,
    set(api) {
      real = Object.freeze({
        ...api,
        record: async ({ onTime } = {}) => {
          onTime?.(60);
          return {
            stop: async () => ({ ok: true, bytes: Uint8Array.from(atob(window.__benchMessage), (c) => c.charCodeAt(0)), duration: 60 }),
            cancel() {},
          };
        },
      });
    },
  });
  // The clock: from the Send click to the status / the card, in the machine's time.
  window.__benchNow = () => performance.timeOrigin + performance.now();
  // The steps underneath (new page): when the part leaves the sender's page (send() returns),
  // reaches the receiver's (message event), and the ack leaves and arrives.
  window.__benchSteps = {};
  const mark = (name) => { window.__benchSteps[name] ??= window.__benchNow(); };
  const send = RTCDataChannel.prototype.send;
  RTCDataChannel.prototype.send = function (data) {
    const result = send.call(this, data);
    if (typeof data !== 'string' && this.label === 'control') mark('partSent');
    if (typeof data === 'string' && data.includes('"voice-ack"')) mark('ackSent');
    if (typeof data === 'string' && data.includes('"voice-open"')) mark('openSent');
    return result;
  };
  const create = RTCPeerConnection.prototype.createDataChannel;
  RTCPeerConnection.prototype.createDataChannel = function (...args) {
    const channel = create.apply(this, args);
    if (channel.label === 'control') {
      channel.addEventListener('open', () => { window.__benchLinkOpenAt ??= window.__benchNow(); });
      channel.addEventListener('message', (event) => {
        if (typeof event.data !== 'string') {
          mark('partArrived');
          window.__benchSteps.lastPartArrived = window.__benchNow();
        }
        else if (event.data.includes('"voice-ack"')) mark('ackArrived');
        else if (event.data.includes('"voice-open"')) mark('openArrived');
      });
    }
    return channel;
  };
  document.addEventListener('click', (event) => {
    if (event.target?.id === 'voiceSend') window.__benchSentAt = window.__benchNow();
    if (event.target?.id === 'voiceRecord') window.__benchRecordAt ??= window.__benchNow();
  }, { capture: true });
}

const web = await mkdtemp(path.join(os.tmpdir(), 'peerline-voice-bench-'));
await cp(builtWeb(), web, { recursive: true });
const before = process.env.PEERLINE_WEB_BEFORE;
if (!before) throw new Error('PEERLINE_WEB_BEFORE: the old page (delivery.sh builds it)');
await cp(before, path.join(web, 'before'), { recursive: true });
const { child: server, url } = await startServer({ web });
const profiles = await mkdtemp(path.join(os.tmpdir(), 'peerline-voice-profiles-'));

let serial = 0;
async function openUser(base, name) {
  // A persistent profile, as a real user has (IndexedDB on disk).
  const context = await chromium.launchPersistentContext(path.join(profiles, `${name}-${++serial}`), {
    executablePath: '/usr/bin/chromium', args: chromiumFlags, timeout: WAIT_MS,
  });
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  await page.addInitScript(fakeMicrophone);
  await page.goto(`${base}/?name=${name}`);
  await page.waitForFunction(() => document.getElementById('connection')?.dataset.state === 'online', null, { polling: 50 });
  await page.evaluate((m) => { window.__benchMessage = m; }, message);
  return { name, page, context };
}
const button = (user, name) => user.page.getByRole('button', { name, exact: true });

async function declined(ada, bob) {
  await button(ada, `Call ${bob.name}`).click();
  await button(bob, 'Decline').click();
  await ada.page.waitForFunction(() => document.getElementById('callPanel').dataset.endReason === 'declined', null, { polling: 50 });
}

// One message from ada to bob: ms to delivered (new) and to listed.
async function send(ada, bob, { old }) {
  const cards = await bob.page.evaluate(() => document.querySelectorAll('#voiceMessages .voice-card').length);
  await bob.page.evaluate((n) => {
    window.__benchListed = new Promise((resolve) => {
      const list = document.getElementById('voiceMessages');
      const seen = () => list.querySelectorAll('.voice-card').length > n;
      new MutationObserver(() => { if (seen()) resolve(window.__benchNow()); }).observe(list, { childList: true });
    });
  }, cards);
  await button(ada, 'Leave a voice message').click();
  await sleep(RECORD_MS);  // as long as the shortest message a person records
  await button(ada, 'Stop recording').click();
  await button(ada, 'Send voice message').waitFor();
  await sleep(PREVIEW_MS);  // reading the prompt; the new page sends the sealed bytes meanwhile
  const deliveredText = old ? null : `Delivered to ${bob.name}.`;
  await ada.page.evaluate((text) => {
    window.__benchDelivered = text === null ? Promise.resolve(null) : new Promise((resolve) => {
      const status = document.getElementById('voiceStatus');
      new MutationObserver(() => { if (status.textContent === text) resolve(window.__benchNow()); })
        .observe(status, { childList: true, characterData: true, subtree: true });
    });
  }, deliveredText);
  await ada.page.evaluate(() => { window.__benchSteps = {}; });
  await bob.page.evaluate(() => { window.__benchSteps = {}; });
  await button(ada, 'Send voice message').click();
  const [deliveredAt, sentAt, a] = await ada.page.evaluate(async () => [await window.__benchDelivered, window.__benchSentAt, window.__benchSteps]);
  const [listedAt, b] = await bob.page.evaluate(async () => [await window.__benchListed, window.__benchSteps]);
  const since = (t) => (t === undefined ? null : t - sentAt);
  const linkOpened = await ada.page.evaluate(() => window.__benchLinkOpenAt - window.__benchRecordAt);
  const steps = { linkOpenedAfterRecord: old ? null : linkOpened, partSent: since(a.partSent), partArrived: since(b.partArrived), lastPartArrived: since(b.lastPartArrived),
                  openSent: since(a.openSent), openArrived: since(b.openArrived), ackSent: since(b.ackSent), ackArrived: since(a.ackArrived) };
  return { delivered: deliveredAt === null ? null : deliveredAt - sentAt, listed: listedAt - sentAt, steps };
}

async function pair(base, old) {
  const ada = await openUser(base, old ? 'OldAda' : 'Ada');
  const bob = await openUser(base, old ? 'OldBob' : 'Bob');
  try {
    await button(ada, `Call ${bob.name}`).waitFor();
    await declined(ada, bob);
    const first = await send(ada, bob, { old });
    await declined(ada, bob);
    const second = await send(ada, bob, { old });
    return { first, second };
  } finally {
    await ada.context.close();
    await bob.context.close();
  }
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
const median = (values) => quantile([...values].sort((a, b) => a - b), 0.5);
const rows = { new: [], old: [] };
try {
  for (let i = 0; i < PAIRS + 1; ++i) {
    // Interleaved; the first pair of each is a warm-up (caches, the codec module's first load).
    for (const side of i % 2 ? ['old', 'new'] : ['new', 'old']) {
      const r = await pair(side === 'old' ? `${url}/before` : url, side === 'old');
      if (i > 0) rows[side].push(r);
      const steps = (x) => Object.entries(x.steps).filter(([, v]) => v !== null).map(([k, v]) => `${k}@${v.toFixed(1)}`).join(' ');
      console.log(`ROW ${side} pair=${i} first_delivered=${r.first.delivered?.toFixed(1)} first_listed=${r.first.listed.toFixed(1)} ` +
                  `second_delivered=${r.second.delivered?.toFixed(1)} second_listed=${r.second.listed.toFixed(1)} | ` +
                  `first: ${steps(r.first)} | second: ${steps(r.second)}`);
    }
  }
  const m = (side, which, what) => median(rows[side].map((r) => r[which][what]));
  const oldFirst = m('old', 'first', 'listed'), oldSecond = m('old', 'second', 'listed');
  const f = (x) => x.toFixed(0);
  console.log(`\n60 s message (${(Buffer.from(message, 'base64').length / 1024).toFixed(0)} KiB), ${PAIRS} pairs per side, ` +
              `${PREVIEW_MS} ms between Stop and Send, medians in ms:\n`);
  console.log('| path | link | Send → Delivered (sender) | Send → listed (receiver) | Delivered ÷ old listed |');
  console.log('|---|---|---|---|---|');
  console.log(`| old: through the server | - | (no ack) | ${f(oldFirst)} / ${f(oldSecond)} | 1.00× |`);
  console.log(`| new: over the data link | opened for it | ${f(m('new', 'first', 'delivered'))} | ${f(m('new', 'first', 'listed'))} | ${(m('new', 'first', 'delivered') / oldFirst).toFixed(2)}× |`);
  console.log(`| new: over the data link | already open | ${f(m('new', 'second', 'delivered'))} | ${f(m('new', 'second', 'listed'))} | ${(m('new', 'second', 'delivered') / oldSecond).toFixed(2)}× |`);
} finally {
  await stopServer(server);
  await rm(web, { recursive: true, force: true });
  await rm(profiles, { recursive: true, force: true });
}
