// Large files between two persistent Chromium profiles, as real users have them (issue 17):
// Peerline's file drop vs the plain-JS file drop (baseline.html's fileBlast: one File.stream()
// BYOB reader, Blob parts on the receiver) in the same two profiles, with the RSS of each
// browser's whole process tree (browser, renderers, GPU/utility/network) sampled from /proc
// through the run. Then, in the same run, the same Peerline transfer between two throwaway
// contexts of one browser (the setting bench.mjs uses), for the persistent-vs-throwaway figure.
// Usage: node tools/bench/transfer/disk.mjs [SIZE_MIB, default 4096] [ROUNDS, default 1]
// Env: THROWAWAY_MIB (default 512; 0 skips) sizes the throwaway-context run: Chromium keeps a
// throwaway context's private file system in memory, and it refused writes past ~1.4 GiB here.
// DROP_AT (default 0.4; 0 skips): one more Peerline run in the persistent profiles whose link is
// closed by the receiver's page once that share arrived; it resumes (docs/transfer.md "Resume")
// and the table says the bytes re-sent.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { chromiumUser } from '../../../tests/e2e/engines.mjs';
import {
  STEP_MS, builtWeb, chromiumFlags, launchBrowser, openUser, recordPeerConnections, startServer, stopServer,
  waitForLink,
} from '../../../tests/e2e/helpers.mjs';
import { openBlastPair } from './blast.mjs';
import { processTree } from './memory.mjs';
import { makeFile, peerlineTransfer, timeTransfer } from './peerline.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const MiB = 1024 * 1024;
const SIZE = Number(process.argv[2] ?? 4096);
const ROUNDS = Number(process.argv[3] ?? 1);
if (!(Number.isInteger(SIZE) && SIZE > 0 && SIZE <= 8192) || !(ROUNDS >= 1 && ROUNDS <= 5)) {
  console.error('usage: disk.mjs SIZE_MIB(1..8192) ROUNDS(1..5)');
  process.exit(2);
}
const timeoutMs = Math.max(120, SIZE * 0.6) * 1000;
const THROWAWAY_MIB = Math.min(SIZE, Number(process.env.THROWAWAY_MIB ?? 512));
const DROP_AT = Number(process.env.DROP_AT ?? 0.4);
const DEFAULTS = { chunk: 256 * 1024 - 21, high: 4 * MiB, low: 2 * MiB };  // Peerline's (limits.hpp)

const log = (line) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const fmt = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const loadAverage = () => execFileSync('uptime', { encoding: 'utf8' }).trim().replace(/^.*load average/, 'load average');

// The browser process of a persistent profile: the one whose command line names its
// --user-data-dir and whose parent's does not (its children carry the flag too).
function browserRoot(profile) {
  const cmdline = (pid) => { try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { return ''; } };
  const parent = (pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch { return 0; }
  };
  const flag = `--user-data-dir=${profile}`;
  const matching = readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number).filter((pid) => cmdline(pid).includes(flag));
  const roots = matching.filter((pid) => !cmdline(parent(pid)).includes(flag));
  if (roots.length !== 1) throw new Error(`expected one browser process for ${profile}, found ${roots.join(', ') || 'none'}`);
  return roots[0];
}

// CPU seconds so far of every process in `root`'s tree, by Chromium process type
// (browser, renderer, gpu-process, utility: network/storage/audio services ...).
function cpuByType(root) {
  const out = {};
  for (const pid of processTree(root)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const type = /--type=([\w-]+)/.exec(cmd)?.[1] ?? 'browser';
      const sub = /--utility-sub-type=([\w.]+)/.exec(cmd)?.[1];
      const key = sub ? `${type}:${sub.split('.').slice(-1)[0]}` : type;
      out[key] = (out[key] ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100;
    } catch { /* gone meanwhile */ }
  }
  return out;
}
const cpuDelta = (before, after, gib) => Object.entries(after)
  .map(([k, v]) => [k, (v - (before[k] ?? 0)) / gib]).filter(([, v]) => v >= 0.05)
  .sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ');

async function persistentProfile(dir) {
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.PEERLINE_CHROMIUM ?? '/usr/bin/chromium', args: chromiumFlags, timeout: STEP_MS,
  });
  return { context, root: browserRoot(dir) };
}

// A Peerline user in an existing (persistent) context, shaped like openUser's.
async function profileUser(context, url, name, { recordConnections = false } = {}) {
  const page = await context.newPage();
  if (recordConnections) await page.addInitScript(recordPeerConnections);
  page.setDefaultTimeout(STEP_MS);
  const errors = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('crash', () => errors.push('page crashed'));
  await page.goto(`${url}/?name=${name}`);
  await waitForLink(page, 'online');
  const user = chromiumUser({ name, context, page, errors });
  return { ...user, close: () => page.close().catch(() => {}) };
}

const growth = (memory, role) => memory.peak[role] - memory.start[role];
const curve = (memory, role) => [0.25, 0.5, 0.75, 1].map((q) => fmt(memory.at[q]?.[role], 0)).join(' / ');

const work = await mkdtemp(path.join(os.tmpdir(), 'peerline-bench-disk-'));
const web = path.join(work, 'web');
const loads = [loadAverage()];
let server;
const profiles = [];
const runs = [];
try {
  await cp(builtWeb(), web, { recursive: true });
  await cp(path.join(here, 'baseline.html'), path.join(web, 'bench-transfer-baseline.html'));
  await cp(path.join(here, 'baseline.js'), path.join(web, 'bench-transfer-baseline.js'));
  log(`writing ${SIZE} MiB of random bytes`);
  const file = await makeFile(work, SIZE);
  const smallFile = THROWAWAY_MIB > 0 && THROWAWAY_MIB !== SIZE ? await makeFile(work, THROWAWAY_MIB) : file;
  const started = await startServer({ web });
  server = started.child;
  const [ada, bob] = [await persistentProfile(path.join(work, 'ada')), await persistentProfile(path.join(work, 'bob'))];
  profiles.push(ada, bob);
  const pids = { sender: () => processTree(ada.root), receiver: () => processTree(bob.root) };

  for (let round = 1; round <= ROUNDS; ++round) {
    log(`round ${round}/${ROUNDS}: Peerline, persistent profiles`);
    const sender = await profileUser(ada.context, started.url, `Ada${round}`);
    const receiver = await profileUser(bob.context, started.url, `Bob${round}`);
    let peerline;
    const cpu0 = [cpuByType(ada.root), cpuByType(bob.root)];
    try {
      peerline = await timeTransfer({ sender, receiver, file, sizeMiB: SIZE, timeoutMs, pids, label: 'Peerline' });
    } finally {
      await sender.close();
      await receiver.close();
    }
    const gib = SIZE / 1024;
    log(`  CPU s per GiB by process type, sender: ${cpuDelta(cpu0[0], cpuByType(ada.root), gib)}`);
    log(`  CPU s per GiB by process type, receiver: ${cpuDelta(cpu0[1], cpuByType(bob.root), gib)}`);
    log(`  ${peerline.error ?? `${fmt(SIZE / (peerline.ms / 1000))} MiB/s`}`);

    log(`round ${round}/${ROUNDS}: plain-JS file drop, persistent profiles`);
    const pair = await openBlastPair({ url: started.url, contexts: { sender: ada.context, receiver: bob.context }, pids });
    const fileDrop = await pair.fileBlast({ file, sizeMiB: SIZE, ...DEFAULTS, timeoutMs });
    await pair.close();
    log(`  ${fileDrop.error ?? `${fmt(SIZE / (fileDrop.ms / 1000))} MiB/s`}`);

    let throwaway = null;
    if (THROWAWAY_MIB > 0) {
      log(`round ${round}/${ROUNDS}: Peerline, ${THROWAWAY_MIB} MiB between two throwaway contexts of one browser`);
      const browser = await launchBrowser();
      try {
        const cdp = await browser.newBrowserCDPSession();
        throwaway = await peerlineTransfer({ browser, cdp, url: started.url, file: smallFile, sizeMiB: THROWAWAY_MIB, round,
                                             timeoutMs: Math.max(120, THROWAWAY_MIB * 0.6) * 1000 });
      } finally {
        await browser.close().catch(() => {});
      }
      log(`  ${throwaway.error ?? `${fmt(THROWAWAY_MIB / (throwaway.ms / 1000))} MiB/s`}`);
    }
    let dropped = null;
    if (DROP_AT > 0) {
      log(`round ${round}/${ROUNDS}: Peerline, persistent profiles, the link closed at ${DROP_AT * 100}%`);
      const sender2 = await profileUser(ada.context, started.url, `Ada${round}d`);
      const receiver2 = await profileUser(bob.context, started.url, `Bob${round}d`, { recordConnections: true });
      try {
        dropped = await timeTransfer({ sender: sender2, receiver: receiver2, file, sizeMiB: SIZE, timeoutMs, pids,
                                       label: 'Peerline, one drop', dropAt: DROP_AT });
      } finally {
        await sender2.close();
        await receiver2.close();
      }
      log(`  ${dropped.error ?? `${fmt(SIZE / (dropped.ms / 1000))} MiB/s; re-sent: ${dropped.resent.receiver} B arrived twice, ` +
                                `${dropped.resent.sender} B handed to the channel again`}`);
    }
    runs.push({ round, peerline, fileDrop, throwaway, dropped });
    loads.push(loadAverage());
  }

  const ok = (r) => r && !r.error && Number.isFinite(r.ms);
  const speed = (r, mib = SIZE) => (ok(r) ? fmt(mib / (r.ms / 1000)) : `FAILED: ${r?.error ?? 'not run'}`);
  console.log(`\n## ${SIZE} MiB between two persistent Chromium profiles (loopback, ${ROUNDS} round(s))\n`);
  console.log(`${os.cpus().length} cores; ${loads.map((l, i) => `${i ? 'after ' : 'before: '}${l}`).join('; ')}\n`);
  console.log(`| round | Peerline MiB/s | plain-JS file drop MiB/s | Peerline / JS | Peerline, ${THROWAWAY_MIB} MiB in throwaway contexts MiB/s | persistent / throwaway (rates) |`);
  console.log('|------:|------:|------:|------:|------:|------:|');
  for (const { round, peerline: p, fileDrop: f, throwaway: t } of runs) {
    const rate = (r, mib) => mib / (r.ms / 1000);
    console.log(`| ${round} | ${speed(p)} | ${speed(f)} | ${fmt(ok(p) && ok(f) ? f.ms / p.ms : NaN, 2)} | ${speed(t, THROWAWAY_MIB)} | ` +
                `${fmt(ok(p) && ok(t) ? rate(p, SIZE) / rate(t, THROWAWAY_MIB) : NaN, 2)} |`);
  }
  console.log('\nRSS of each browser\'s whole process tree (MiB): start, growth at peak, and at 25 / 50 / 75 / 100 % of the bytes:\n');
  console.log('| round | run | sender start | sender +peak | sender curve | receiver start | receiver +peak | receiver curve |');
  console.log('|------:|-----|------:|------:|------|------:|------:|------|');
  for (const { round, peerline, fileDrop } of runs) {
    for (const [what, r] of [['Peerline', peerline], ['plain-JS file drop', fileDrop]]) {
      const m = r.memory;
      console.log(`| ${round} | ${what} | ${fmt(m.start.sender, 0)} | +${fmt(growth(m, 'sender'), 0)} | ${curve(m, 'sender')} | ` +
                  `${fmt(m.start.receiver, 0)} | +${fmt(growth(m, 'receiver'), 0)} | ${curve(m, 'receiver')} |`);
    }
  }
  if (DROP_AT > 0) {
    console.log(`\nOne forced link drop at ${DROP_AT * 100}% (the receiver's RTCPeerConnection closed), same profiles:\n`);
    console.log('| round | MiB/s incl. the reconnect | bytes that arrived twice (receiver) | bytes handed to the channel again (sender) | one block |');
    console.log('|------:|------:|------:|------:|------:|');
    for (const { round, dropped: d } of runs) {
      console.log(`| ${round} | ${speed(d)} | ${d?.resent?.receiver ?? '–'} | ${d?.resent?.sender ?? '–'} | ${MiB} |`);
    }
  }
  process.exitCode = runs.every((r) => ok(r.peerline) && ok(r.fileDrop) && (DROP_AT <= 0 || ok(r.dropped))) ? 0 : 1;
} finally {
  for (const p of profiles) await p.context.close().catch(() => {});
  await stopServer(server);
  await rm(work, { recursive: true, force: true });
}
