// Rooms (docs/protocol.md "Rooms"): the network room from the client's address (distinct
// loopback source addresses act as distinct networks), invite rooms from hello.room, presence
// and signaling only within shared rooms, X-Forwarded-For only from a trusted proxy.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, startServer } from './helpers.mjs';

const ROOM = '0123456789abcdef0123456789abcdef';
const OTHER_ROOM = 'Zm9vYmFyYmF6cXV4MTIzNA';

describe('rooms', () => {
  let server;
  const clients = [];
  const open = async (from, headers) => {
    const c = await Client.open(server.ws, { localAddress: from, headers });
    clients.push(c);
    return c;
  };
  afterEach(async () => {
    for (const c of clients.splice(0)) c.terminate();
    await server?.stop();
    server = undefined;
  });

  test('peers on different networks do not see or reach each other', async () => {
    server = await startServer();
    const a = await open('127.0.0.2');
    const wa = await a.hello('Ada');
    const b = await open('127.0.0.3');
    const wb = await b.hello('Bob');
    assert.deepEqual(wb.peers, [], 'another network is invisible');
    const a2 = await open('127.0.0.2');
    const wa2 = await a2.hello('Ada phone', 'mobile');
    assert.deepEqual(wa2.peers.map((p) => [p.id, p.via]), [[wa.id, ['network']]]);
    assert.deepEqual((await a.expect('peer-joined')).peer.via, ['network']);
    assert.ok(await b.quiet(150), 'no presence across networks');

    // Signal across networks: unknown-peer, exactly as for an id that does not exist.
    b.send({ type: 'signal', to: wa.id, data: { kind: 'offer' } });
    const error = await b.expect('error');
    assert.equal(error.code, 'unknown-peer');
    assert.equal(error.message, 'no peer with that id is online');
    assert.ok(await a.quiet(100));
    a.send({ type: 'signal', to: wa2.id, data: { kind: 'offer' } });
    assert.equal((await a2.expect('signal')).from, wa.id);
  });

  test('an invite room joins peers across networks; the roster says via what', async () => {
    server = await startServer();
    const a = await open('127.0.0.2');
    const wa = await a.hello('Ada', 'desktop', { room: ROOM });
    const b = await open('127.0.0.3');
    const wb = await b.hello('Bob', 'desktop', { room: ROOM });
    assert.deepEqual(wb.peers.map((p) => [p.id, p.via]), [[wa.id, ['invite']]]);
    assert.deepEqual((await a.expect('peer-joined')).peer.via, ['invite']);
    const c = await open('127.0.0.2');  // same network as Ada, same room too
    const wc = await c.hello('Cy', 'desktop', { room: ROOM });
    const byId = Object.fromEntries(wc.peers.map((p) => [p.id, p.via]));
    assert.deepEqual(byId, { [wa.id]: ['network', 'invite'], [wb.id]: ['invite'] });
    const d = await open('127.0.0.3');  // Bob's network, another room
    const wd = await d.hello('Dee', 'desktop', { room: OTHER_ROOM });
    assert.deepEqual(wd.peers.map((p) => [p.id, p.via]), [[wb.id, ['network']]]);

    assert.equal((await b.expect('peer-joined')).peer.id, wc.id);
    assert.deepEqual((await b.expect('peer-joined')).peer.via, ['network']);  // Dee
    a.send({ type: 'signal', to: wb.id, data: { kind: 'offer' } });
    assert.equal((await b.expect('signal')).from, wa.id);
    d.send({ type: 'signal', to: wa.id, data: { kind: 'offer' } });
    assert.equal((await d.expect('error')).code, 'unknown-peer');
  });

  test('no message ever carries an address or a network key', async () => {
    server = await startServer();
    const seen = [];
    const a = await open('127.0.0.2');
    const b = await open('127.0.0.2');
    seen.push(await a.hello('Ada', 'desktop', { room: ROOM }));
    seen.push(await b.hello('Bob'));
    seen.push(await a.expect('peer-joined'));
    const text = JSON.stringify(seen);
    assert.ok(!/127\.0\.0|v4:|v6:|::1/.test(text), text);
  });

  test('a malformed invite room answers bad-room and the client may retry', async () => {
    server = await startServer();
    const a = await open();
    for (const room of ['short', 'f'.repeat(31), 'not/base64url/at/all/xxxxxxx', 42]) {
      a.send({ type: 'hello', name: 'Ada', room });
      const error = await a.expect('error');
      assert.equal(error.code, 'bad-room', String(room));
      assert.equal(error.ref, 'hello');
    }
    const welcome = await a.hello('Ada', 'desktop', { room: ROOM });
    assert.match(welcome.id, /^[0-9a-f]{32}$/);
  });

  test('X-Forwarded-For is honoured only from a trusted proxy', async () => {
    server = await startServer(['--trust-proxy', '127.0.0.9/32']);
    // Through the "proxy" (127.0.0.9): two clients behind one public address meet.
    const a = await open('127.0.0.9', { 'X-Forwarded-For': '203.0.113.7' });
    const wa = await a.hello('Ada');
    const b = await open('127.0.0.9', { 'X-Forwarded-For': '198.51.100.1, 203.0.113.7' });
    const wb = await b.hello('Bob');
    assert.deepEqual(wb.peers.map((p) => p.id), [wa.id]);
    const c = await open('127.0.0.9', { 'X-Forwarded-For': '203.0.113.8' });
    assert.deepEqual((await c.hello('Cy')).peers, [], 'another public address');
    // Not from the proxy: the header is ignored, the socket address counts.
    const m = await open('127.0.0.10', { 'X-Forwarded-For': '203.0.113.7' });
    assert.deepEqual((await m.hello('Mallory')).peers, []);
    const n = await open('127.0.0.10');
    assert.deepEqual((await n.hello('Nia')).peers.map((p) => p.id), [m.id]);
  });

  test('IPv6 clients share a room per /64', async () => {
    server = await startServer(['--address', '::1']);
    const url = `ws://[::1]:${server.port}/ws`;
    const a = await Client.open(url);
    const b = await Client.open(url);
    clients.push(a, b);
    const wa = await a.hello('Ada');
    assert.deepEqual((await b.hello('Bob')).peers.map((p) => p.id), [wa.id]);
  });
});
