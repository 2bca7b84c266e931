// What reading a picked file costs the machine, by way of reading (issue 7): the File.stream()
// default reader (fresh arrays), a BYOB reader into recycled buffers (what Peerline's shell
// does where the stream allows it, src/browser/file_streams.cpp), and File.slice().arrayBuffer()
// per chunk (what it did before). Each way reads the same file in one headless page; the figure is
// machine CPU seconds (all processes, /proc/stat) per GiB read, alternating ways round by round.
//
//   node tools/bench/transfer/read_cost.mjs [MiB, default 1024] [rounds, default 3]
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { launchBrowser } from '../../../tests/e2e/helpers.mjs';

const MIB = Number(process.argv[2] ?? 1024);
const ROUNDS = Number(process.argv[3] ?? 3);
if (!(Number.isInteger(MIB) && MIB > 0 && MIB <= 4096 && Number.isInteger(ROUNDS) && ROUNDS > 0 && ROUNDS <= 10)) {
  console.error('usage: read_cost.mjs [MiB 1..4096] [rounds 1..10]');
  process.exit(2);
}

// Page functions: each reads the whole picked file and resolves with the bytes it saw.
const PAGE = `<!doctype html><meta charset=utf-8><title>read cost</title><input type=file id=f>
<script>
const file = () => document.getElementById('f').files[0];
window.ways = {
  async stream() {
    const reader = file().stream().getReader(); let bytes = 0;
    for (;;) { const { done, value } = await reader.read(); if (done) return bytes; bytes += value.length; }
  },
  async byob() {
    const size = 1024 * 1024; const reader = file().stream().getReader({ mode: 'byob' });
    let buffer = new ArrayBuffer(size), bytes = 0;
    for (;;) {
      const { done, value } = await reader.read(new Uint8Array(buffer), { min: size });
      bytes += value.length; buffer = value.buffer;
      if (done) return bytes;
    }
  },
  async slices() {  // 256 KiB slices, 4 in flight
    const f = file(), size = 256 * 1024, queue = []; let at = 0, bytes = 0;
    while (at < f.size || queue.length) {
      while (at < f.size && queue.length < 4) { queue.push(f.slice(at, at + size).arrayBuffer()); at += size; }
      bytes += (await queue.shift()).byteLength;
    }
    return bytes;
  },
};
</script>`;

function machineBusySeconds() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return (f.reduce((a, b) => a + b, 0) - f[3] - f[4]) / 100;  // all but idle and iowait, USER_HZ 100
}

const folder = await mkdtemp(path.join(os.tmpdir(), 'peerline-read-'));
const server = http.createServer((_, res) => { res.setHeader('content-type', 'text/html'); res.end(PAGE); });
let browser;
try {
  const file = path.join(folder, 'file.bin');
  const block = randomBytes(16 * 1024 * 1024);
  await writeFile(file, Buffer.concat(Array.from({ length: Math.ceil(MIB / 16) }, () => block)).subarray(0, MIB * 1024 * 1024));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  browser = await launchBrowser();
  const page = await (await browser.newContext()).newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.locator('#f').setInputFiles(file);
  const results = new Map();
  for (let round = 1; round <= ROUNDS; round++) {
    for (const way of ['stream', 'byob', 'slices']) {
      const before = machineBusySeconds();
      const started = performance.now();
      const bytes = await page.evaluate((w) => window.ways[w](), way);
      const seconds = (performance.now() - started) / 1000;
      const cpu = machineBusySeconds() - before;
      if (bytes !== MIB * 1024 * 1024) throw new Error(`${way} read ${bytes} bytes of ${MIB} MiB`);
      process.stderr.write(`round ${round} ${way}: ${seconds.toFixed(2)} s, ${cpu.toFixed(2)} CPU s\n`);
      if (!results.has(way)) results.set(way, []);
      results.get(way).push(cpu / (MIB / 1024));
    }
  }
  console.log(`\nMachine CPU seconds per GiB read, ${MIB} MiB file, ${ROUNDS} rounds (${os.loadavg()[0].toFixed(1)} load at the end)\n`);
  console.log('| way | per round | median | vs stream |');
  console.log('|---|---|---:|---:|');
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const reference = median(results.get('stream'));
  for (const [way, xs] of results) {
    console.log(`| ${way} | ${xs.map((x) => x.toFixed(2)).join(' / ')} | ${median(xs).toFixed(2)} | ${(median(xs) / reference).toFixed(2)} |`);
  }
} finally {
  await browser?.close();
  server.close();
  await rm(folder, { recursive: true, force: true });
}
