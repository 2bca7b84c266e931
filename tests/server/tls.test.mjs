// TLS for operators: only TLS 1.2 and 1.3 are spoken, and SIGHUP reloads the certificate (given
// files or a renewed self-signed pair) for new handshakes while open connections carry on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { Client, makeWebRoot, startServer, waitForLog, WAIT_MS, withTimeout } from './helpers.mjs';

// One TLS handshake; resolves with what was agreed, or with the error that ended it.
function handshake(port, options = {}) {
  return withTimeout(new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...options }, () => {
      const cert = socket.getPeerCertificate();
      resolve({ protocol: socket.getProtocol(), fingerprint: cert.fingerprint256, subject: cert.subject?.CN });
      socket.end();
    });
    socket.on('error', (error) => resolve({ error: error.code ?? error.message }));
  }), WAIT_MS, 'a TLS handshake');
}

// A fresh self-signed pair written over `files`, atomically (as certbot's renewals are).
function writeCertificate(files, commonName) {
  const tmpKey = `${files.key}.new`;
  const tmpCert = `${files.cert}.new`;
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', tmpKey, '-out', tmpCert, '-days', '2', '-subj', `/CN=${commonName}`], { stdio: 'ignore' });
  renameSync(tmpKey, files.key);
  renameSync(tmpCert, files.cert);
}

async function relays(from, to) {
  from.send({ type: 'signal', to: to.id, data: { n: Math.random() } });
  return (await to.expect('signal')).from === from.id;
}

test('TLS 1.0 and 1.1 are refused by the server; 1.2 and 1.3 are spoken', async () => {
  const server = await startServer(['--tls-self-signed', '--address', '127.0.0.1']);
  try {
    for (const version of ['TLSv1', 'TLSv1.1']) {
      // SECLEVEL=0 lets this client offer the old versions, so a refusal is the server's.
      const old = await handshake(server.port, { minVersion: version, maxVersion: version, ciphers: 'DEFAULT@SECLEVEL=0' });
      assert.equal(old.error, 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', version);
    }
    assert.equal((await handshake(server.port, { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' })).protocol, 'TLSv1.2');
    assert.equal((await handshake(server.port)).protocol, 'TLSv1.3');
  } finally {
    await server.stop();
  }
});

test('SIGHUP reloads renewed --tls-cert/--tls-key files; open connections stay; a bad file keeps the old', async () => {
  const web = makeWebRoot();
  const files = { cert: path.join(web.base, 'server.crt'), key: path.join(web.base, 'server.key') };
  writeCertificate(files, 'first.example');
  let server;
  const clients = [];
  try {
    server = await startServer(['--tls-cert', files.cert, '--tls-key', files.key, '--address', '127.0.0.1'], { web });
    const before = await handshake(server.port);
    assert.equal(before.subject, 'first.example');
    const a = await Client.open(server.ws, { rejectUnauthorized: false });
    const b = await Client.open(server.ws, { rejectUnauthorized: false });
    clients.push(a, b);
    await a.hello('Ada');
    await b.hello('Bob');
    await a.expect('peer-joined');

    writeCertificate(files, 'renewed.example');
    server.child.kill('SIGHUP');
    await waitForLog(server, /tls-reload result=ok/);
    const after = await handshake(server.port);
    assert.equal(after.subject, 'renewed.example', 'a new handshake sees the renewed certificate');
    assert.notEqual(after.fingerprint, before.fingerprint);
    assert.ok(await relays(a, b), 'connections made before the reload still relay');
    assert.ok(await relays(b, a));
    const c = await Client.open(server.ws, { rejectUnauthorized: false });
    clients.push(c);
    await c.hello('Cy');
    assert.equal((await a.expect('peer-joined')).peer.id, c.id);

    // A botched renewal (half-written file): logged, the renewed certificate stays in use.
    writeFileSync(files.cert, '-----BEGIN CERTIFICATE-----\nnot a certificate\n');
    server.child.kill('SIGHUP');
    await waitForLog(server, /tls-reload result=failed error=.*server\.crt/);
    assert.equal((await handshake(server.port)).subject, 'renewed.example');
    assert.ok(await relays(c, a));
    assert.equal(server.child.exitCode, null, 'still running');
  } finally {
    for (const c of clients) c.terminate();
    await server?.stop();
    web.cleanup();
  }
});

test('--tls-self-signed: deleting the pair and sending SIGHUP renews it', async () => {
  const web = makeWebRoot();
  const files = { cert: path.join(web.base, 'peerline-self-signed.crt'), key: path.join(web.base, 'peerline-self-signed.key') };
  let server;
  const clients = [];
  try {
    server = await startServer(['--tls-self-signed', '--secret-file', path.join(web.base, 'secret'),
      '--address', '127.0.0.1'], { web });
    const before = await handshake(server.port);
    const a = await Client.open(server.ws, { rejectUnauthorized: false });
    const b = await Client.open(server.ws, { rejectUnauthorized: false });
    clients.push(a, b);
    await a.hello('Ada');
    await b.hello('Bob');
    await a.expect('peer-joined');

    rmSync(files.cert);
    rmSync(files.key);
    server.child.kill('SIGHUP');
    await waitForLog(server, /tls-reload result=ok/);
    assert.ok(existsSync(files.cert) && existsSync(files.key), 'a new pair was written');
    const after = await handshake(server.port);
    assert.notEqual(after.fingerprint, before.fingerprint, 'a new handshake sees the new certificate');
    assert.ok(await relays(a, b), 'open connections carry on');
  } finally {
    for (const c of clients) c.terminate();
    await server?.stop();
    web.cleanup();
  }
});

test('SIGHUP without TLS is logged and harmless', async () => {
  const server = await startServer();
  try {
    server.child.kill('SIGHUP');
    await waitForLog(server, /tls-reload result=skipped/);
    const res = await withTimeout(fetch(`${server.http}/healthz`), WAIT_MS, '/healthz');
    assert.equal(res.status, 200);
  } finally {
    await server.stop();
  }
});
