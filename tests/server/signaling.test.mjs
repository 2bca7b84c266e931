// The signaling protocol (docs/protocol.md) against the real server: hello/welcome, presence,
// relay with a server-stamped `from`.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, startServer } from './helpers.mjs';

describe('signaling', () => {
  let server;
  const clients = [];
  const open = async () => { const c = await Client.open(server.ws); clients.push(c); return c; };

  // A fresh server per test: presence from one test can never leak into the next.
  beforeEach(async () => { server = await startServer(); });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.terminate();
    await server?.stop();
  });

  test('hello is answered by welcome with a server-assigned id', async () => {
    const a = await open();
    const welcome = await a.hello('Ada', 'desktop');
    assert.equal(welcome.v, 1);
    assert.match(welcome.id, /^[0-9a-f]{32}$/);
    assert.ok(Array.isArray(welcome.peers));
    assert.deepEqual(welcome.iceServers, []);
    await a.close();
  });

  test('ids are distinct per connection', async () => {
    const ids = new Set();
    for (let i = 0; i < 5; i++) {
      const c = await open();
      ids.add((await c.hello(`P${i}`)).id);
      await c.close();
    }
    assert.equal(ids.size, 5);
  });

  test('presence: welcome lists earlier peers, others see peer-joined and peer-left', async () => {
    const a = await open();
    const wa = await a.hello('Ada', 'desktop');
    assert.ok(!wa.peers.some((p) => p.id === wa.id), 'welcome never lists yourself');

    const b = await open();
    const wb = await b.hello('Bob', 'mobile');
    assert.deepEqual(wb.peers.filter((p) => p.id === wa.id), [{ id: wa.id, name: 'Ada', device: 'desktop', via: ['network'] }]);

    const joined = await a.expect('peer-joined');
    assert.deepEqual(joined.peer, { id: wb.id, name: 'Bob', device: 'mobile', via: ['network'] });

    const c = await open();
    const wc = await c.hello('Cy', 'tablet');
    const order = wc.peers.map((p) => p.id);
    assert.ok(order.indexOf(wa.id) < order.indexOf(wb.id), 'peers are in join order');
    assert.equal((await a.expect('peer-joined')).peer.id, wc.id);
    assert.equal((await b.expect('peer-joined')).peer.id, wc.id);

    await b.close();
    assert.deepEqual(await a.expect('peer-left'), { type: 'peer-left', id: wb.id });
    assert.deepEqual(await c.expect('peer-left'), { type: 'peer-left', id: wb.id });

    c.terminate();  // an abrupt disconnect is a leave too
    assert.deepEqual(await a.expect('peer-left'), { type: 'peer-left', id: wc.id });
    await a.close();
  });

  test('a connection that never said hello is invisible to others', async () => {
    const a = await open();
    await a.hello('Ada');
    const lurker = await open();
    assert.ok(await a.quiet(200), 'no peer-joined for a connection without hello');
    await lurker.close();
    assert.ok(await a.quiet(200), 'no peer-left for it either');
    await a.close();
  });

  test('names and devices are sanitized by the server', async () => {
    const a = await open();
    await a.hello('Ada');
    const b = await open();
    b.send({ type: 'hello', name: `  \u0007Eve\n ${'x'.repeat(100)}`, device: 'toaster' });
    const wb = await b.expect('welcome');
    const joined = await a.expect('peer-joined');
    assert.equal(joined.peer.id, wb.id);
    assert.equal(joined.peer.device, 'unknown');
    assert.ok(Buffer.byteLength(joined.peer.name) <= 64);
    assert.ok(!/[\u0000-\u001f]/.test(joined.peer.name));
    assert.ok(joined.peer.name.startsWith('Eve'));
    await b.close();
    await a.expect('peer-left');
    await a.close();
  });

  test('signal is relayed with from stamped by the server', async () => {
    const a = await open();
    const wa = await a.hello('Ada');
    const b = await open();
    const wb = await b.hello('Bob');
    await a.expect('peer-joined');

    const data = { kind: 'offer', call: 'c1', sdp: 'v=0\r\n' };
    a.send({ type: 'signal', to: wb.id, data });
    assert.deepEqual(await b.expect('signal'), { type: 'signal', from: wa.id, data });

    b.send({ type: 'signal', to: wa.id, data: { kind: 'answer', call: 'c1', sdp: 'v=0\r\n' } });
    const back = await a.expect('signal');
    assert.equal(back.from, wb.id);
    assert.equal(back.data.kind, 'answer');
    assert.ok(await a.quiet(100) && await b.quiet(100), 'no echo to the sender');

    await b.close();
    await a.expect('peer-left');
    await a.close();
  });

  test('a forged from (top level or in data) is replaced by the real sender id', async () => {
    const a = await open();
    const wa = await a.hello('Ada');
    const b = await open();
    const wb = await b.hello('Bob');
    const m = await open();
    const wm = await m.hello('Mallory');
    await a.expect('peer-joined');
    await a.expect('peer-joined');
    await b.expect('peer-joined');

    m.send({ type: 'signal', to: wb.id, from: wa.id, data: { kind: 'hangup', call: 'c1', from: wa.id } });
    const got = await b.expect('signal');
    assert.equal(got.from, wm.id);
    assert.notEqual(got.from, wa.id);
    assert.ok(await a.quiet(100), 'the impersonated peer receives nothing');

    for (const c of [a, b, m]) c.terminate();
  });

  test('signal to an unknown or departed peer answers unknown-peer', async () => {
    const a = await open();
    await a.hello('Ada');
    a.send({ type: 'signal', to: 'f'.repeat(32), data: { kind: 'offer', call: 'x' } });
    const error = await a.expect('error');
    assert.equal(error.code, 'unknown-peer');
    assert.equal(error.ref, 'signal');

    const b = await open();
    const wb = await b.hello('Bob');
    await a.expect('peer-joined');
    await b.close();
    await a.expect('peer-left');
    a.send({ type: 'signal', to: wb.id, data: { kind: 'offer', call: 'y' } });
    assert.equal((await a.expect('error')).code, 'unknown-peer');
    await a.close();
  });
});
