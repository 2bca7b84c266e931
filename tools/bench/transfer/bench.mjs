// File transfer throughput and renderer memory (issue 7): Peerline's file drop vs a raw
// data-channel blast (baseline.html) of the same bytes, chunk size and backpressure, interleaved
// round by round in one run on loopback; then a sweep of the blast over chunk size x high-water
// mark, to choose Peerline's defaults.
// Usage: node tools/bench/transfer/bench.mjs [SIZES_MIB, comma-separated, default 1024] [ROUNDS, default 2]
// Env: SWEEP_MIB (bytes per sweep cell, default 256; 0 skips the sweep).
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtWeb, launchBrowser, startServer, stopServer } from '../../../tests/e2e/helpers.mjs';
import { openBlastPair } from './blast.mjs';
import { makeFile, peerlineTransfer } from './peerline.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const KiB = 1024;
const MiB = 1024 * KiB;
const SIZES = String(process.argv[2] ?? '1024').split(',').map(Number);
const ROUNDS = Number(process.argv[3] ?? 2);
const SWEEP_MIB = Number(process.env.SWEEP_MIB ?? 256);
const MAX_MIB = 4096;  // bounds the temporary file and the run
if (!SIZES.every((s) => Number.isInteger(s) && s > 0 && s <= MAX_MIB) || !(ROUNDS >= 1 && ROUNDS <= 10) ||
    !(Number.isInteger(SWEEP_MIB) && SWEEP_MIB >= 0 && SWEEP_MIB <= MAX_MIB)) {
  console.error(`usage: bench.mjs SIZES_MIB(1..${MAX_MIB}, comma-separated) ROUNDS(1..10); SWEEP_MIB 0..${MAX_MIB}`);
  process.exit(2);
}
// Generous for a ~15 MiB/s ceiling on a busy machine, yet bounded: 10 min for 1 GiB.
const timeoutFor = (mib) => Math.max(60, mib * 0.6) * 1000;
// Peerline's constants (src/core/transfer/limits.hpp), which the baseline copies.
// Peerline's own: a chunk frame fills Chromium's 262144-byte max-message-size (21 bytes of header).
const DEFAULTS = { chunk: 256 * KiB - 21, high: 4 * MiB, low: 2 * MiB };
// The sweep's cells: chunk sizes x high-water marks (low-water = high / 2).
const SWEEP_CHUNKS = [16 * KiB, 64 * KiB, 256 * KiB];
const SWEEP_HIGHS_MIB = [1, 4, 8, 16];

const log = (line) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const loadAverage = () => execFileSync('uptime', { encoding: 'utf8' }).trim().replace(/^.*load average/, 'load average');

const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const rate = (mib, ms) => mib / (ms / 1000);                   // MiB/s
const mb = (mibPerS) => (mibPerS * MiB) / 1e6;                  // MB/s
const fmt = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const curve = (memory, role) => [0.25, 0.5, 0.75, 1].map((q) => fmt(memory.at[q]?.[role], 0)).join(' / ');

const work = await mkdtemp(path.join(os.tmpdir(), 'peerline-bench-transfer-'));
const web = path.join(work, 'web');
const loads = [loadAverage()];
let server;
let browser;
try {
  await cp(builtWeb(), web, { recursive: true });
  await cp(path.join(here, 'baseline.html'), path.join(web, 'bench-transfer-baseline.html'));
  await cp(path.join(here, 'baseline.js'), path.join(web, 'bench-transfer-baseline.js'));
  const files = {};
  for (const mib of SIZES) {
    log(`writing ${mib} MiB of random bytes`);
    files[mib] = await makeFile(work, mib);
  }
  const started = await startServer({ web });
  server = started.child;
  browser = await launchBrowser();
  const cdp = await browser.newBrowserCDPSession();
  const env = { browser, cdp, url: started.url };

  // ---- Peerline vs baseline, interleaved ------------------------------------------------------
  const runs = [];  // {mib, round, peerline, baseline}
  for (let round = 1; round <= ROUNDS; ++round) {
    for (const mib of SIZES) {
      log(`round ${round}/${ROUNDS}, ${mib} MiB: Peerline`);
      const peerline = await peerlineTransfer({ ...env, file: files[mib], sizeMiB: mib, round, timeoutMs: timeoutFor(mib) });
      log(`  Peerline: ${peerline.error ?? `${fmt(rate(mib, peerline.ms))} MiB/s`}${peerline.pageErrors ? ` page errors: ${peerline.pageErrors.join('; ')}` : ''}`);
      log(`round ${round}/${ROUNDS}, ${mib} MiB: baseline`);
      const pair = await openBlastPair(env);
      const baseline = await pair.blast({ sizeMiB: mib, ...DEFAULTS, timeoutMs: timeoutFor(mib) });
      log(`  baseline: ${baseline.error ?? `${fmt(rate(mib, baseline.ms))} MiB/s`}`);
      log(`round ${round}/${ROUNDS}, ${mib} MiB: JS file drop`);
      const fileDrop = await pair.fileBlast({ file: files[mib], sizeMiB: mib, ...DEFAULTS, timeoutMs: timeoutFor(mib) });
      await pair.close();
      log(`  JS file drop: ${fileDrop.error ?? `${fmt(rate(mib, fileDrop.ms))} MiB/s`}`);
      runs.push({ mib, round, peerline, baseline, fileDrop });
      loads.push(loadAverage());
    }
  }

  // ---- the sweep on the baseline --------------------------------------------------------------
  const sweep = [];
  if (SWEEP_MIB > 0) {
    const pair = await openBlastPair(env);
    try {
      for (const chunk of SWEEP_CHUNKS) {
        for (const high of SWEEP_HIGHS_MIB.map((h) => h * MiB)) {
          log(`sweep: ${SWEEP_MIB} MiB, chunk ${chunk / KiB} KiB, high water ${high / MiB} MiB`);
          // Chromium refuses send() once 16 MiB are queued: the 16 MiB mark stops one chunk short.
          const cap = Math.min(high, 16 * MiB - chunk);
          const r = await pair.blast({ sizeMiB: SWEEP_MIB, chunk, high: cap, low: high / 2, timeoutMs: timeoutFor(SWEEP_MIB) });
          log(`  ${r.error ?? `${fmt(rate(SWEEP_MIB, r.ms))} MiB/s`}`);
          sweep.push({ chunk, high, ...r });
        }
      }
    } finally {
      await pair.close();
    }
    loads.push(loadAverage());
  }

  // ---- the report -----------------------------------------------------------------------------
  console.log(`\n## File transfer, Peerline vs raw data-channel blast (loopback, ${ROUNDS} interleaved round(s))\n`);
  console.log(`${os.cpus().length} cores; ${loads.map((l, i) => `${i ? 'after ' : 'before: '}${l}`).join('; ')}\n`);
  console.log('| size | round | Peerline MiB/s (MB/s) | baseline MiB/s (MB/s) | ratio | peak RSS sender / receiver / browser, Peerline (MiB) | same, baseline (MiB) |');
  console.log('|-----:|------:|------:|------:|------:|------|------|');
  const ok = (r) => !r.error && Number.isFinite(r.ms);
  for (const { mib, round, peerline: p, baseline: b } of runs) {
    const pr = ok(p) ? rate(mib, p.ms) : NaN;
    const br = ok(b) ? rate(mib, b.ms) : NaN;
    const peaks = (m) => ['sender', 'receiver', 'browser'].map((r) => fmt(m.peak[r], 0)).join(' / ');
    console.log(`| ${mib} MiB | ${round} | ${ok(p) ? `${fmt(pr)} (${fmt(mb(pr))})` : `FAILED: ${p.error}`} | ` +
                `${ok(b) ? `${fmt(br)} (${fmt(mb(br))})` : `FAILED: ${b.error}`} | ${fmt(pr / br, 2)} | ${peaks(p.memory)} | ${peaks(b.memory)} |`);
  }
  console.log('\nThe same bytes read from the file and kept as Blob parts by plain JS (no framing, no hashing):');
  console.log('what file I/O costs by itself, so Peerline / JS file drop is the cost of our own code.\n');
  console.log('| size | round | JS file drop MiB/s | Peerline / JS file drop | JS file drop / raw blast | peak RSS sender / receiver / browser (MiB) |');
  console.log('|-----:|------:|------:|------:|------:|------|');
  for (const { mib, round, peerline: p, baseline: b, fileDrop: f } of runs) {
    const fr = ok(f) ? rate(mib, f.ms) : NaN;
    const pr = ok(p) ? rate(mib, p.ms) : NaN;
    const br = ok(b) ? rate(mib, b.ms) : NaN;
    const peaks = ['sender', 'receiver', 'browser'].map((r) => fmt(f.memory.peak[r], 0)).join(' / ');
    console.log(`| ${mib} MiB | ${round} | ${ok(f) ? fmt(fr) : `FAILED: ${f.error}`} | ${fmt(pr / fr, 2)} | ${fmt(fr / br, 2)} | ${peaks} |`);
  }
  console.log('\nSummary per size (ratio target >= 0.90):\n');
  console.log('| size | Peerline best / median MiB/s | baseline best / median MiB/s | ratio of bests | ratio of medians |');
  console.log('|-----:|------:|------:|------:|------:|');
  for (const mib of SIZES) {
    const p = runs.filter((r) => r.mib === mib && ok(r.peerline)).map((r) => rate(mib, r.peerline.ms));
    const b = runs.filter((r) => r.mib === mib && ok(r.baseline)).map((r) => rate(mib, r.baseline.ms));
    const best = (v) => (v.length ? Math.max(...v) : NaN);
    const med = (v) => (v.length ? median(v) : NaN);
    console.log(`| ${mib} MiB | ${fmt(best(p))} / ${fmt(med(p))} | ${fmt(best(b))} / ${fmt(med(b))} | ` +
                `${fmt(best(p) / best(b), 2)} | ${fmt(med(p) / med(b), 2)} |`);
  }
  console.log('\nRSS (MiB) at 25 / 50 / 75 / 100 % of the bytes received (start of transfer in brackets):\n');
  console.log('| size | round | side | sender | receiver | browser process |');
  console.log('|-----:|------:|------|------|------|------|');
  for (const { mib, round, peerline, baseline } of runs) {
    for (const [side, r] of [['Peerline', peerline], ['baseline', baseline]]) {
      const m = r.memory;
      console.log(`| ${mib} MiB | ${round} | ${side} | [${fmt(m.start.sender, 0)}] ${curve(m, 'sender')} | ` +
                  `[${fmt(m.start.receiver, 0)}] ${curve(m, 'receiver')} | [${fmt(m.start.browser, 0)}] ${curve(m, 'browser')} |`);
    }
  }
  if (sweep.length) {
    const reference = sweep.find((s) => s.chunk === 256 * KiB && s.high === DEFAULTS.high);
    console.log(`\nBaseline sweep, ${SWEEP_MIB} MiB per cell, one run each, low-water = high/2: MiB/s (vs 256 KiB / ${DEFAULTS.high / MiB} MiB)\n`);
    console.log(`| chunk \\ high water | ${SWEEP_HIGHS_MIB.map((h) => `${h} MiB`).join(' | ')} |`);
    console.log(`|------:|${SWEEP_HIGHS_MIB.map(() => '------:').join('|')}|`);
    for (const chunk of SWEEP_CHUNKS) {
      const cells = SWEEP_HIGHS_MIB.map((h) => {
        const s = sweep.find((x) => x.chunk === chunk && x.high === h * MiB);
        if (!ok(s)) return `FAILED: ${s.error}`;
        return `${fmt(rate(SWEEP_MIB, s.ms))} (${fmt(ok(reference) ? reference.ms / s.ms : NaN, 2)}x)`;
      });
      console.log(`| ${chunk / KiB} KiB | ${cells.join(' | ')} |`);
    }
  }
  const failures = runs.filter((r) => !ok(r.peerline) || !ok(r.baseline) || !ok(r.fileDrop)).length;
  process.exitCode = failures ? 1 : 0;
} finally {
  await browser?.close().catch(() => {});
  await stopServer(server);
  await rm(work, { recursive: true, force: true });
}
