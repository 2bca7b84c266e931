// Page load -> "Online": cold (a new browser profile, nothing cached) and repeat (the same
// profile again, its service worker installed), N visits each, against the real server through
// a counting TCP proxy, so "over the network" is every byte the server sent the browser for that
// visit (HTTP, the WebSocket until "Online", and the service worker's own revalidation).
// Usage: node tools/bench/page/bench.mjs [visits per kind, default 10]   (after tools/build.sh)
import net from 'node:net';
import { launchBrowser, sleep, startServer, stopServer } from '../../../tests/e2e/helpers.mjs';

const visits = Number(process.argv[2] ?? 10);

// A loopback proxy in front of the server; `received()` is what the browser got through it.
function countingProxy(target) {
  let bytes = 0;
  const sockets = new Set();
  const proxy = net.createServer((client) => {
    const upstream = net.connect(target, '127.0.0.1');
    for (const s of [client, upstream]) { sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => {}); }
    upstream.on('data', (chunk) => { bytes += chunk.length; });
    client.pipe(upstream);
    upstream.pipe(client);
  });
  return new Promise((resolve) => proxy.listen(0, '127.0.0.1', () => resolve({
    port: proxy.address().port,
    received: () => bytes,
    reset: () => { bytes = 0; },
    close: () => { for (const s of sockets) s.destroy(); proxy.close(); },
  })));
}

// When the connection pill first says online, in ms since the navigation started.
function noteOnline() {
  const watch = () => {
    const pill = document.getElementById('connection');
    if (!pill) return;
    const seen = () => { if (pill.dataset.state === 'online' && !window.__onlineAt) window.__onlineAt = performance.now(); };
    new MutationObserver(seen).observe(pill, { attributes: true });
    seen();
  };
  document.addEventListener('DOMContentLoaded', watch);
}

async function timeVisit(page, url, proxy, navigate) {
  proxy.reset();
  await navigate(url);
  await page.waitForFunction(() => window.__onlineAt, null, { timeout: 30_000, polling: 20 });
  const ms = await page.evaluate(() => window.__onlineAt);
  await sleep(300);  // the service worker's check, after the start, belongs to this visit too
  return { ms, kb: proxy.received() / 1024 };
}

const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0], median: sorted[Math.floor(sorted.length / 2)], max: sorted.at(-1) };
};
const row = (name, list, key, digits) => {
  const s = stats(list.map((v) => v[key]));
  return `| ${name} | ${s.min.toFixed(digits)} | ${s.median.toFixed(digits)} | ${s.max.toFixed(digits)} |`;
};

const server = await startServer();
const proxy = await countingProxy(server.port);
const browser = await launchBrowser();
const url = `http://localhost:${proxy.port}/?name=Bench`;
const cold = [];
const repeat = [];
try {
  for (let i = 0; i < visits; ++i) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.addInitScript(noteOnline);
    cold.push(await timeVisit(page, url, proxy, (u) => page.goto(u)));
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15_000 });
    repeat.push(await timeVisit(page, url, proxy, () => page.reload()));
    await context.close();
  }
} finally {
  await browser.close();
  proxy.close();
  await stopServer(server.child);
}
console.log(`\nPage load -> "Online", ${visits} visits each (min / median / max)\n`);
console.log('| visit | min | median | max |\n|---|---|---|---|');
console.log(row('cold, ms', cold, 'ms', 0));
console.log(row('repeat, ms', repeat, 'ms', 0));
console.log(row('cold, KB over the network', cold, 'kb', 1));
console.log(row('repeat, KB over the network', repeat, 'kb', 1));
