// Who may read /metrics (docs/protocol.md "HTTP endpoints"): by default loopback clients of the
// main listener only; with --metrics-address, a plain-HTTP listener of its own and nowhere else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { networkInterfaces } from 'node:os';
import WebSocket from 'ws';
import { Client, runServerOnce, startServer, WAIT_MS, withTimeout } from './helpers.mjs';

function get(url, { headers = {}, localAddress } = {}) {
  return withTimeout(new Promise((resolve, reject) => {
    http.get(url, { headers, localAddress, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    }).on('error', reject);
  }), WAIT_MS, url);
}

// This machine's first non-loopback IPv4 address, if it has one.
function lanAddress() {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

// The metrics listener's URL, printed after the main one.
async function metricsUrl(server) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const m = /^ {2}metrics: (http:\/\/\S+\/metrics)$/m.exec(server.stdout());
    if (m) return m[1];
    if (Date.now() > deadline) throw new Error(`no metrics line in: ${server.stdout()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('by default /metrics answers loopback clients and refuses others with 403', async () => {
  const server = await startServer(['--trust-proxy', '127.0.0.1']);
  try {
    const local = await get(`${server.http}/metrics`);
    assert.equal(local.status, 200);
    assert.match(local.body, /^peerline_connections 0$/m);

    // Behind a reverse proxy on this host every socket is loopback: the forwarded client counts.
    const proxied = await get(`${server.http}/metrics`, { headers: { 'x-forwarded-for': '192.0.2.77' } });
    assert.equal(proxied.status, 403);
    assert.match(proxied.body, /loopback clients only.*--metrics-address/);
    assert.doesNotMatch(proxied.body, /peerline_/);
    const proxiedLocal = await get(`${server.http}/metrics`, { headers: { 'x-forwarded-for': '127.0.0.1' } });
    assert.equal(proxiedLocal.status, 200);

    const lan = lanAddress();
    if (lan) {  // a client on the network, straight to the socket
      const remote = await get(`http://${lan}:${server.port}/metrics`, { localAddress: lan });
      assert.equal(remote.status, 403);
      // Everything else is still served to it.
      assert.equal((await get(`http://${lan}:${server.port}/healthz`, { localAddress: lan })).status, 200);
    }
    assert.equal((await get(`${server.http}/healthz`, { headers: { 'x-forwarded-for': '192.0.2.77' } })).status, 200);
  } finally {
    await server.stop();
  }
});

test('an untrusted X-Forwarded-For cannot make a request look remote or local', async () => {
  const server = await startServer();  // no --trust-proxy: the header is ignored
  try {
    const res = await get(`${server.http}/metrics`, { headers: { 'x-forwarded-for': '192.0.2.77' } });
    assert.equal(res.status, 200);
    const lan = lanAddress();
    if (lan) {
      const forged = await get(`http://${lan}:${server.port}/metrics`,
        { localAddress: lan, headers: { 'x-forwarded-for': '127.0.0.1' } });
      assert.equal(forged.status, 403);
    }
  } finally {
    await server.stop();
  }
});

test('--metrics-address moves /metrics to its own listener, which serves nothing else', async () => {
  const server = await startServer(['--metrics-address', '127.0.0.1:0']);
  const clients = [];
  try {
    const url = await metricsUrl(server);
    const metricsPort = Number(new URL(url).port);
    assert.notEqual(metricsPort, server.port);
    const a = await Client.open(server.ws);
    clients.push(a);
    await a.hello('Ada');

    const res = await get(url);
    assert.equal(res.status, 200);
    assert.match(res.body, /^peerline_connections 1$/m, 'counts of the main listener');
    assert.equal((await get(`http://127.0.0.1:${metricsPort}/healthz`)).status, 200);
    for (const path of ['/', '/index.html', '/qr.svg?text=x', '/ws']) {
      assert.equal((await get(`http://127.0.0.1:${metricsPort}${path}`)).status, 404, path);
    }
    const upgrade = await withTimeout(new Promise((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${metricsPort}/ws`);
      ws.on('unexpected-response', (_req, r) => { resolve(r.statusCode); ws.terminate(); });
      ws.on('open', () => { resolve('open'); ws.terminate(); });
      ws.on('error', () => resolve('error'));
    }), WAIT_MS, 'the upgrade answer');
    assert.equal(upgrade, 404, 'no signaling on the metrics listener');

    // The main listener no longer has it, not even for loopback; the app is unchanged.
    assert.equal((await get(`${server.http}/metrics`)).status, 404);
    assert.equal((await get(`${server.http}/`)).status, 200);
    assert.match(server.stderr(), /serving .*metrics=http:\/\/127\.0\.0\.1:\d+\/metrics/);
  } finally {
    for (const c of clients) c.terminate();
    await server.stop();
  }
});

test('bad --metrics-address values exit 2; a taken one exits 1', async () => {
  for (const value of ['nope', '127.0.0.1', '::1:9100', '127.0.0.1:99999', 'localhost:9100', '[::1]:x']) {
    const run = await runServerOnce(['--port', '0', '--metrics-address', value]);
    assert.equal(run.code, 2, value);
    assert.match(run.stderr, /--metrics-address/, value);
  }
  const server = await startServer();
  try {
    const run = await runServerOnce(['--port', '0', '--metrics-address', `127.0.0.1:${server.port}`]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /cannot listen on --metrics-address/);
  } finally {
    await server.stop();
  }
});
