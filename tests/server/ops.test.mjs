// Operations: /metrics (Prometheus text), --log-format json, TLS (self-signed or given files).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Client, makeWebRoot, startServer, WAIT_MS, withTimeout } from './helpers.mjs';

function metricValue(text, name) {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

test('/metrics exposes connections, rooms, traffic and rejections', async () => {
  const server = await startServer();
  try {
    const a = await Client.open(server.ws);
    await a.hello('Ada', 'desktop', { room: '0123456789abcdef0123456789abcdef' });
    const b = await Client.open(server.ws, { localAddress: '127.0.0.2' });
    await b.hello('Bob');
    const lurker = await Client.open(server.ws);
    a.send('{bad');
    await a.expect('error');
    const res = await withTimeout(fetch(`${server.http}/metrics`), WAIT_MS, '/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    for (const name of ['peerline_connections', 'peerline_peers', 'peerline_rooms', 'peerline_connections_total',
      'peerline_messages_in_total', 'peerline_messages_out_total', 'peerline_bytes_in_total',
      'peerline_bytes_out_total', 'peerline_rejections_total']) {
      assert.match(text, new RegExp(`# HELP ${name} .+\\n# TYPE ${name} (gauge|counter)\\n`), name);
    }
    assert.equal(metricValue(text, 'peerline_connections'), 3);
    assert.equal(metricValue(text, 'peerline_peers'), 2);
    assert.equal(metricValue(text, 'peerline_rooms'), 3);  // two networks, one invite room
    assert.equal(metricValue(text, 'peerline_messages_in_total'), 3);
    assert.ok(metricValue(text, 'peerline_bytes_out_total') > 0);
    assert.match(text, /peerline_rejections_total\{reason="bad-json"\} 1\n/);
    for (const c of [a, b, lurker]) c.terminate();
  } finally {
    await server.stop();
  }
});

test('--log-format json writes one JSON object per line', async () => {
  const server = await startServer(['--log-format', 'json']);
  try {
    const a = await Client.open(server.ws);
    await a.hello('Ada "quoted"');
    a.send('{bad');
    await a.expect('error');
    a.terminate();
    await new Promise((r) => setTimeout(r, 100));
  } finally {
    await server.stop();
  }
  const lines = server.stderr().trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(lines.every((l) => typeof l.ts === 'string' && typeof l.event === 'string'));
  const hello = lines.find((l) => l.event === 'hello');
  assert.equal(hello.name, 'Ada "quoted"');
  assert.ok(lines.some((l) => l.event === 'reject' && l.code === 'bad-json'));
  assert.ok(lines.some((l) => l.event === 'leave'));
});

function httpsGet(url) {
  return withTimeout(new Promise((resolve, reject) => {
    https.get(url, { rejectUnauthorized: false }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    }).on('error', reject);
  }), WAIT_MS, url);
}

test('--tls-self-signed serves HTTPS and WSS, and reuses its certificate', async () => {
  const web = makeWebRoot();
  const secretFile = path.join(web.base, 'secret');
  const certFile = path.join(web.base, 'peerline-self-signed.crt');
  let server;
  try {
    server = await startServer(['--tls-self-signed', '--secret-file', secretFile, '--address', '127.0.0.1'], { web });
    assert.match(server.stdout(), /^Peerline listening on https:\/\/127\.0\.0\.1:\d+\/\n/);
    const health = await httpsGet(`${server.http}/healthz`);
    assert.deepEqual([health.status, health.body], [200, 'ok']);
    assert.equal(statSync(path.join(web.base, 'peerline-self-signed.key')).mode & 0o777, 0o600);
    const a = await Client.open(server.ws, { rejectUnauthorized: false });
    const b = await Client.open(server.ws, { rejectUnauthorized: false });
    const wa = await a.hello('Ada');
    await b.hello('Bob');
    await a.expect('peer-joined');
    b.send({ type: 'signal', to: wa.id, data: { over: 'tls' } });
    assert.equal((await a.expect('signal')).data.over, 'tls');
    for (const c of [a, b]) c.terminate();
    const firstCert = readFileSync(certFile, 'utf8');
    await server.stop();

    server = await startServer(['--tls-self-signed', '--secret-file', secretFile, '--address', '127.0.0.1'], { web });
    assert.equal(readFileSync(certFile, 'utf8'), firstCert, 'the certificate is reused');
    const again = await httpsGet(`${server.http}/healthz`);
    assert.equal(again.status, 200);
    await server.stop();

    // The same files given explicitly.
    server = await startServer(['--tls-cert', certFile, '--tls-key', path.join(web.base, 'peerline-self-signed.key'),
      '--address', '127.0.0.1'], { web });
    assert.equal((await httpsGet(`${server.http}/healthz`)).body, 'ok');
  } finally {
    await server?.stop();
    web.cleanup();
  }
  assert.ok(!existsSync(certFile));
});

test('a missing certificate file is a startup error (exit 1)', async () => {
  const web = makeWebRoot();
  try {
    const { runServerOnce } = await import('./helpers.mjs');
    const run = await runServerOnce(['--port', '0', '--tls-cert', path.join(web.base, 'no.crt'),
      '--tls-key', path.join(web.base, 'no.key')]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /no\.crt/);
  } finally {
    web.cleanup();
  }
});
