// Identity (docs/protocol.md "Resuming"): welcome.resume reclaims the id after a reconnect or a
// server restart with the same secret; forged tokens are refused; a live holder is replaced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, closedWithin, makeWebRoot, startServer } from './helpers.mjs';

test('welcome carries a resume token that reclaims the id after a reconnect', async () => {
  const server = await startServer();
  try {
    const a = await Client.open(server.ws);
    const wa = await a.hello('Ada');
    assert.match(wa.resume, new RegExp(`^${wa.id}\\.[0-9a-f]{64}$`));
    const b = await Client.open(server.ws);
    await b.hello('Bob');
    await a.expect('peer-joined');
    a.terminate();
    assert.equal((await b.expect('peer-left')).id, wa.id);

    const again = await Client.open(server.ws);
    const w2 = await again.hello('Ada', 'desktop', { resume: wa.resume });
    assert.equal(w2.id, wa.id);
    assert.equal((await b.expect('peer-joined')).peer.id, wa.id);
    b.send({ type: 'signal', to: wa.id, data: { kind: 'ping' } });
    assert.equal((await again.expect('signal')).from, b.id);
    for (const c of [again, b]) c.terminate();
  } finally {
    await server.stop();
  }
});

test('resuming an id still connected replaces the old connection (close 4000)', async () => {
  const server = await startServer();
  try {
    const old = await Client.open(server.ws);
    const wo = await old.hello('Ada');
    const other = await Client.open(server.ws);
    await other.hello('Bob');
    await old.expect('peer-joined');

    const fresh = await Client.open(server.ws);
    const wf = await fresh.hello('Ada', 'desktop', { resume: wo.resume });
    assert.equal(wf.id, wo.id);
    assert.equal((await old.expect('error')).code, 'replaced');
    assert.equal((await closedWithin(old)).code, 4000);
    assert.equal((await other.expect('peer-left')).id, wo.id);
    assert.equal((await other.expect('peer-joined')).peer.id, wo.id);
    assert.ok(await other.quiet(200), 'the old socket closing adds no second peer-left');
    other.send({ type: 'signal', to: wo.id, data: { n: 1 } });
    assert.equal((await fresh.expect('signal')).data.n, 1);
    for (const c of [fresh, other]) c.terminate();
  } finally {
    await server.stop();
  }
});

test('a forged or malformed token answers bad-resume and a new id is assigned', async () => {
  const server = await startServer();
  try {
    const a = await Client.open(server.ws);
    const wa = await a.hello('Ada');
    const [id, mac] = wa.resume.split('.');
    const flipped = mac.slice(0, -1) + (mac.endsWith('0') ? '1' : '0');
    for (const resume of [`${id}.${flipped}`, `${'f'.repeat(32)}.${mac}`, 'garbage', `${id}.`]) {
      const m = await Client.open(server.ws);
      m.send({ type: 'hello', name: 'Mallory', resume });
      const error = await m.expect('error');
      assert.equal(error.code, 'bad-resume', resume);
      const welcome = await m.expect('welcome');
      assert.notEqual(welcome.id, wa.id);
      m.terminate();
    }
    assert.ok(a.socket.readyState === 1, 'the real holder keeps its connection');
    a.terminate();
  } finally {
    await server.stop();
  }
});

test('the same secret file across a restart keeps ids resumable; the file is 0600', async () => {
  const web = makeWebRoot();
  const secretFile = path.join(web.base, 'secret');
  try {
    let server = await startServer(['--secret-file', secretFile], { web });
    const a = await Client.open(server.ws);
    const wa = await a.hello('Ada');
    a.terminate();
    await server.stop();
    assert.equal(statSync(secretFile).mode & 0o777, 0o600);
    assert.match(readFileSync(secretFile, 'utf8'), /^[0-9a-f]{64}\n$/);

    server = await startServer(['--secret-file', secretFile], { web });
    const b = await Client.open(server.ws);
    assert.equal((await b.hello('Ada', 'desktop', { resume: wa.resume })).id, wa.id);
    b.terminate();
    await server.stop();

    // Another secret: the old token is refused.
    server = await startServer(['--secret', 'ab'.repeat(32)], { web });
    const c = await Client.open(server.ws);
    c.send({ type: 'hello', name: 'Ada', resume: wa.resume });
    assert.equal((await c.expect('error')).code, 'bad-resume');
    assert.notEqual((await c.expect('welcome')).id, wa.id);
    c.terminate();
    await server.stop();
  } finally {
    web.cleanup();
  }
});
