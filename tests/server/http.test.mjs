// Static files, /healthz, HTTP limits and the command line of the real peerline-server binary.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import WebSocket from 'ws';
import { files, gzippedFile, runServerOnce, secret, startServer, WAIT_MS, withTimeout } from './helpers.mjs';

// node:http rather than fetch: no automatic decompression, no path normalization.
function request(port, path, { method = 'GET', headers = {} } = {}) {
  return withTimeout(new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  }), WAIT_MS, `${method} ${path}`);
}

describe('static files', () => {
  let server;
  before(async () => { server = await startServer(); });
  after(async () => { await server?.stop(); });

  test('/ serves index.html as HTML with no-cache', async () => {
    const res = await request(server.port, '/');
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /^text\/html/);
    assert.equal(res.headers['cache-control'], 'no-cache');
    assert.equal(res.body.toString(), files['index.html']);
  });

  const mimeCases = [
    ['/index.html', /^text\/html/],
    ['/a.js', /^text\/javascript/],
    ['/app.mjs', /^text\/javascript/],
    ['/style.css', /^text\/css/],
    ['/a.wasm', /^application\/wasm$/],
    ['/data.json', /^application\/json/],
    ['/voice.opus', /^audio\/ogg$/],
    ['/sub/page.txt', /^text\/plain/],
  ];
  for (const [path, type] of mimeCases) {
    test(`MIME type of ${path}`, async () => {
      const res = await request(server.port, path);
      assert.equal(res.status, 200);
      assert.match(res.headers['content-type'], type);
      assert.deepEqual(res.body, Buffer.from(files[path.slice(1)]));
    });
  }

  test('wasm bytes arrive intact with application/wasm', async () => {
    const res = await request(server.port, '/a.wasm');
    assert.equal(res.headers['content-type'], 'application/wasm');
    assert.equal(res.headers['content-length'], String(files['a.wasm'].length));
    assert.deepEqual(res.body, files['a.wasm']);
  });

  test('precompressed .gz is served when gzip is accepted', async () => {
    const res = await request(server.port, `/${gzippedFile}`, { headers: { 'accept-encoding': 'br, gzip, deflate' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.match(res.headers.vary, /Accept-Encoding/i);
    assert.match(res.headers['content-type'], /^text\/javascript/);  // type of the original
    assert.equal(gunzipSync(res.body).toString(), files[gzippedFile]);
  });

  test('identity is served when gzip is not accepted (or refused with q=0)', async () => {
    for (const headers of [{}, { 'accept-encoding': 'gzip;q=0, br' }, { 'accept-encoding': 'identity' }]) {
      const res = await request(server.port, `/${gzippedFile}`, { headers });
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-encoding'], undefined, JSON.stringify(headers));
      assert.match(res.headers.vary, /Accept-Encoding/i);
      assert.equal(res.body.toString(), files[gzippedFile]);
    }
  });

  test('files without a .gz sibling are never gzip-encoded', async () => {
    const res = await request(server.port, '/style.css', { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(res.headers['content-encoding'], undefined);
    assert.equal(res.body.toString(), files['style.css']);
  });

  test('a revalidation with the ETag is a 304 without a body; a changed file gets a new ETag', async () => {
    const first = await request(server.port, '/data.json');
    assert.equal(first.status, 200);
    const etag = first.headers.etag;
    assert.match(etag, /^"[0-9a-f]+-[0-9a-f]+"$/);
    assert.equal(first.headers['cache-control'], 'no-cache');
    for (const asked of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const again = await request(server.port, '/data.json', { headers: { 'if-none-match': asked } });
      assert.equal(again.status, 304, asked);
      assert.equal(again.body.length, 0);
      assert.equal(again.headers.etag, etag);
      assert.equal(again.headers['cache-control'], 'no-cache');
    }
    const stale = await request(server.port, '/data.json', { headers: { 'if-none-match': '"nope"' } });
    assert.equal(stale.status, 200);
    assert.equal(stale.body.toString(), files['data.json']);
    // The gzip body is another representation: its own validator.
    const plain = await request(server.port, `/${gzippedFile}`);
    const zipped = await request(server.port, `/${gzippedFile}`, { headers: { 'accept-encoding': 'gzip' } });
    assert.notEqual(plain.headers.etag, zipped.headers.etag);
    const crossed = await request(server.port, `/${gzippedFile}`, { headers: { 'if-none-match': plain.headers.etag, 'accept-encoding': 'gzip' } });
    assert.equal(crossed.status, 200);
    // A rebuilt file (new size) answers the old validator with the new content.
    writeFileSync(path.join(server.web.root, 'data.json'), '{"ok":true,"v":2}\n');
    const rebuilt = await request(server.port, '/data.json', { headers: { 'if-none-match': etag } });
    assert.equal(rebuilt.status, 200);
    assert.notEqual(rebuilt.headers.etag, etag);
    assert.equal(rebuilt.body.toString(), '{"ok":true,"v":2}\n');
    writeFileSync(path.join(server.web.root, 'data.json'), files['data.json']);
  });

  test('HEAD gives the headers and length without a body', async () => {
    const res = await request(server.port, '/a.wasm', { method: 'HEAD' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/wasm');
    assert.equal(res.headers['content-length'], String(files['a.wasm'].length));
    assert.equal(res.body.length, 0);
  });

  test('missing file is 404', async () => {
    assert.equal((await request(server.port, '/nope.js')).status, 404);
    assert.equal((await request(server.port, '/sub/')).status, 404);  // no index.html there
    assert.equal((await request(server.port, '/sub')).status, 404);   // a directory is not a file
  });

  test('path traversal is rejected and never leaks a file outside the web root', async () => {
    for (const path of ['/../secret.txt', '/sub/../../secret.txt', '/%2e%2e/secret.txt',
      '/%2E%2E%2Fsecret.txt', '/..%5csecret.txt', '/a.js%00.html']) {
      const res = await request(server.port, path);
      assert.equal(res.status, 400, path);
      assert.ok(!res.body.toString().includes(secret), path);
    }
  });

  test('query strings are ignored when mapping to files', async () => {
    const res = await request(server.port, '/style.css?v=123');
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), files['style.css']);
  });

  test('methods other than GET/HEAD get 405 with Allow', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const res = await request(server.port, '/', { method });
      assert.equal(res.status, 405, method);
      assert.match(res.headers.allow, /GET/);
    }
  });

  test('/healthz answers ok', async () => {
    const res = await request(server.port, '/healthz');
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), 'ok');
  });

  test('/qr.svg draws the QR code of the text it is given, and refuses none or too much', async () => {
    const link = 'http://192.0.2.7:8080/?room=Zk3pQ8vN2xLmR5tY7wA1cB';
    const res = await request(server.port, `/qr.svg?text=${encodeURIComponent(link)}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'image/svg+xml');
    const svg = res.body.toString();
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 (\d+) \1"/);
    // A version-3 or larger symbol (29+ modules) plus quiet zones, with dark modules drawn.
    const side = Number(/viewBox="0 0 (\d+)/.exec(svg)[1]);
    assert.ok(side >= 29 + 8, `side ${side}`);
    assert.ok((svg.match(/h1v1h-1z/g) ?? []).length > 100);
    // Another text gives another code.
    const other = await request(server.port, `/qr.svg?text=${encodeURIComponent(link + 'x')}`);
    assert.notEqual(other.body.toString(), svg);
    for (const bad of ['/qr.svg', '/qr.svg?text=', `/qr.svg?text=${'a'.repeat(513)}`, '/qr.svg?text=%zz']) {
      assert.equal((await request(server.port, bad)).status, 400, bad);
    }
  });

  test('oversized request headers are refused with 431', async () => {
    const res = await request(server.port, '/', { headers: { 'x-filler': 'a'.repeat(20000) } });
    assert.equal(res.status, 431);
  });

  test('WebSocket upgrade on a path other than /ws is 404', async () => {
    const status = await withTimeout(new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/chat`);
      ws.on('unexpected-response', (_req, res) => { resolve(res.statusCode); ws.terminate(); });
      ws.on('open', () => reject(new Error('upgrade on /chat was accepted')));
      ws.on('error', () => {});
    }), WAIT_MS, 'the upgrade answer');
    assert.equal(status, 404);
  });
});

describe('command line', () => {
  test('--help prints usage and exits 0', async () => {
    const run = await runServerOnce(['--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /Usage: peerline-server/);
    assert.match(run.stdout, /--web-root/);
  });

  test('an unknown flag exits 2 with a message on stderr', async () => {
    const run = await runServerOnce(['--bogus']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /unknown option '--bogus'/);
    assert.equal(run.stdout, '');
  });

  test('bad values exit 2', async () => {
    for (const args of [['--port', 'http'], ['--port', '70000'], ['--port'], ['--address', 'not-an-ip'],
      ['--rate', '0'], ['--ping-interval', 'soon'], ['--log-format', 'xml'], ['--secret', 'abc'],
      ['--tls-cert', 'a.pem'], ['--turn-uri', 'turn:x'], ['--max-text-bytes', '99999999']]) {
      const run = await runServerOnce(args);
      assert.equal(run.code, 2, args.join(' '));
      assert.ok(run.stderr.length > 0);
    }
  });

  test('prints the local URL first, then LAN URLs and a QR code', async () => {
    const server = await startServer();
    try {
      const lines = server.stdout().split('\n');
      assert.match(lines[0], /^Peerline listening on http:\/\/127\.0\.0\.1:\d+\/$/);
      const lan = lines.filter((l) => l.startsWith('  on your network: '));
      for (const line of lan) assert.match(line, new RegExp(`http://[^/]+:${server.port}/$`));
      assert.ok(!lan.some((l) => l.includes('127.0.0.1')), 'loopback is not a LAN URL');
      if (lan.length) assert.match(server.stdout(), /[\u2580\u2584\u2588]{10}/, 'a QR code');
    } finally {
      await server.stop();
    }
  });

  test('bound to loopback: one URL line, no QR code', async () => {
    const server = await startServer(['--address', '127.0.0.1']);
    try {
      assert.match(server.stdout(), /^Peerline listening on http:\/\/127\.0\.0\.1:\d+\/\n$/);
    } finally {
      await server.stop();
    }
  });

  test('--help lists every limit flag', async () => {
    const run = await runServerOnce(['--help']);
    for (const flag of ['--tls-cert', '--tls-self-signed', '--secret-file', '--trust-proxy', '--allow-origin',
      '--stun', '--turn-uri', '--turn-secret', '--turn-ttl', '--max-text-bytes', '--max-binary-bytes', '--rate',
      '--burst', '--max-per-address', '--send-queue-bytes', '--handshake-timeout', '--idle-timeout',
      '--ping-interval', '--ping-timeout', '--abuse-errors', '--abuse-window', '--log-format',
      '--metrics-address']) {
      assert.ok(run.stdout.includes(flag), flag);
    }
    // What operators do with signals and where /metrics is, said where they look first.
    assert.match(run.stdout, /SIGHUP +reload the TLS certificate/);
    assert.match(run.stdout, /SIGTERM.*close every WebSocket\n +with 1001/);
    assert.match(run.stdout, /TLS 1\.2 and 1\.3 only/);
    assert.match(run.stdout, /loopback clients only unless --metrics-address/);
  });
});
