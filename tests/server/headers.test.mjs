// Browser security headers (issue 18, docs/decisions.md "Security headers") on every reply of the
// real peerline-server binary: the page, its assets, the small endpoints and errors; HSTS only
// over TLS.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { makeWebRoot, startServer, WAIT_MS, withTimeout } from './helpers.mjs';

// node:http/https rather than fetch: every header as sent, no decompression.
function request(base, target, { method = 'GET', headers = {} } = {}) {
  const url = new URL(target, base);
  const client = url.protocol === 'https:' ? https : http;
  return withTimeout(new Promise((resolve, reject) => {
    const req = client.request(url, { method, headers, agent: false, rejectUnauthorized: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  }), WAIT_MS, `${method} ${target}`);
}

// A request whose header block passes the server's 16 KiB limit: answered 431 before routing.
function oversizedRequest(port) {
  return withTimeout(new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.end(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    });
    let raw = '';
    socket.setEncoding('latin1');
    socket.on('data', (d) => { raw += d; });
    socket.on('error', (error) => (raw ? resolve(raw) : reject(error)));
    socket.on('end', () => resolve(raw));
  }), WAIT_MS, 'the 431 reply').then((raw) => {
    const [head] = raw.split('\r\n\r\n');
    const [statusLine, ...lines] = head.split('\r\n');
    const headers = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    return { status: Number(statusLine.split(' ')[1]), headers };
  });
}

// "a b c; d e" -> { a: ['b', 'c'], d: ['e'] }
function directives(policy) {
  const out = {};
  for (const part of policy.split(';').map((p) => p.trim()).filter(Boolean)) {
    const [name, ...sources] = part.split(/\s+/);
    assert.ok(!(name in out), `directive ${name} appears once`);
    out[name] = sources;
  }
  return out;
}

// The whole policy, so that any change to it is a deliberate one (docs/decisions.md says why
// each directive is there).
const expectedCsp = {
  'default-src': ["'none'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'", 'blob:'],
  'manifest-src': ["'self'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

function assertSecurityHeaders(headers, what) {
  const csp = headers['content-security-policy'];
  assert.ok(csp, `${what}: Content-Security-Policy`);
  assert.doesNotMatch(csp, /unsafe-inline|'unsafe-eval'|\*/, `${what}: nothing inline, no eval, no wildcard`);
  assert.deepEqual(directives(csp), expectedCsp, `${what}: the policy`);
  assert.equal(headers['referrer-policy'], 'no-referrer', what);
  assert.equal(headers['cross-origin-opener-policy'], 'same-origin', what);
  assert.equal(headers['cross-origin-resource-policy'], 'same-origin', what);
  assert.equal(headers['x-frame-options'], 'DENY', what);
  assert.equal(headers['x-content-type-options'], 'nosniff', what);

  const permissions = Object.fromEntries((headers['permissions-policy'] ?? '').split(',')
    .map((item) => item.trim().split('=')));
  for (const feature of ['camera', 'microphone', 'display-capture', 'fullscreen']) {
    assert.equal(permissions[feature], '(self)', `${what}: ${feature} to this origin only`);
  }
  for (const feature of ['geolocation', 'payment', 'usb', 'serial', 'hid']) {
    assert.equal(permissions[feature], '()', `${what}: ${feature} to nobody`);
  }
}

// Every kind of reply: the page, assets (plain and precompressed), a HEAD, the endpoints the
// server makes itself, and errors.
const replies = [
  ['the page', '/', {}, 200],
  ['the page by name, HEAD', '/index.html', { method: 'HEAD' }, 200],
  ['a script, gzip', '/a.js', { headers: { 'accept-encoding': 'gzip' } }, 200],
  ['a stylesheet', '/style.css', {}, 200],
  ['a wasm module', '/a.wasm', {}, 200],
  ['a nested file', '/sub/page.txt', {}, 200],
  ['the QR code', '/qr.svg?text=hello', {}, 200],
  ['/healthz', '/healthz', {}, 200],
  ['/metrics', '/metrics', {}, 200],
  ['a missing file', '/nope.js', {}, 404],
  ['a websocket upgrade to a wrong path', '/not-ws', {
    headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13',
               'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } }, 404],
  ['a malformed target', '/a%00.js', {}, 400],
  ['a QR code without text', '/qr.svg', {}, 400],
  ['a POST', '/', { method: 'POST' }, 405],
];

describe('security headers over HTTP', () => {
  let server;
  before(async () => { server = await startServer(); });
  after(async () => { await server?.stop(); });

  for (const [what, target, options, status] of replies) {
    test(`${what} (${status}) carries every security header and no HSTS`, async () => {
      const res = await request(server.http, target, options);
      assert.equal(res.status, status);
      assertSecurityHeaders(res.headers, what);
      assert.equal(res.headers['strict-transport-security'], undefined, 'no HSTS over plain HTTP');
    });
  }

  test('a request too large for the server (431) carries them too', async () => {
    const res = await oversizedRequest(server.port);
    assert.equal(res.status, 431);
    assertSecurityHeaders(res.headers, '431');
  });
});

describe('security headers over TLS', () => {
  let server, web;
  before(async () => {
    web = makeWebRoot();
    // The generated certificate is written beside the secret file: inside the temporary folder.
    server = await startServer(['--tls-self-signed', '--secret-file', path.join(web.base, 'secret'),
                                '--address', '127.0.0.1'], { web });
  });
  after(async () => {
    await server?.stop();
    web?.cleanup();
  });

  for (const [what, target, options, status] of replies) {
    test(`${what} (${status}) carries them and Strict-Transport-Security`, async () => {
      const res = await request(server.http, target, options);
      assert.equal(res.status, status);
      assertSecurityHeaders(res.headers, what);
      assert.equal(res.headers['strict-transport-security'], 'max-age=31536000', what);
    });
  }
});
