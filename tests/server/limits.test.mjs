// Limits (docs/protocol.md "Limits"): binary relay and its size limit, message rate, connections
// per address, hello and heartbeat timeouts, Origin check, repeated abuse, rename. Each limit is
// set low by its flag so every wait stays short.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Client, binaryFrame, closedWithin, parseBinaryFrame, sleep, startServer, withTimeout } from './helpers.mjs';

describe('limits', () => {
  let server;
  const clients = [];
  const open = async (options) => { const c = await Client.open(server.ws, options); clients.push(c); return c; };
  async function pair() {
    const a = await open();
    await a.hello('Ada');
    const b = await open();
    await b.hello('Bob');
    await a.expect('peer-joined');
    return { a, b };
  }
  afterEach(async () => {
    for (const c of clients.splice(0)) c.terminate();
    await server?.stop();
    server = undefined;
  });

  test('binary messages are relayed with from stamped, payload untouched', async () => {
    server = await startServer();
    const { a, b } = await pair();
    const payload = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
    a.send(binaryFrame({ to: b.id, kind: 'voice', from: 'forged' }, payload));
    const got = await b.next();
    assert.equal(got.binary, true);
    const { header, payload: body } = parseBinaryFrame(got.data);
    assert.deepEqual(header, { kind: 'voice', from: a.id });
    assert.deepEqual(body, payload);

    a.send(binaryFrame({ to: 'f'.repeat(32) }, payload));
    assert.deepEqual([(await a.expect('error')).code, a.inbox.length], ['unknown-peer', 0]);
    a.send(binaryFrame({ kind: 'no target' }));
    assert.equal((await a.expect('error')).code, 'bad-frame');
  });

  test('binary before hello is not-ready', async () => {
    server = await startServer();
    const a = await open();
    a.send(binaryFrame({ to: 'x' }));
    const error = await a.expect('error');
    assert.deepEqual([error.code, error.ref], ['not-ready', 'binary']);
  });

  test('binary at the limit passes; one byte over is too-large and close 1009', async () => {
    server = await startServer(['--max-binary-bytes', '4096']);
    const { a, b } = await pair();
    const header = binaryFrame({ to: b.id });
    a.send(Buffer.concat([header, Buffer.alloc(4096 - header.length, 7)]));
    assert.equal((await b.next()).data.length, 4096 - header.length + binaryFrame({ from: a.id }).length);
    a.send(Buffer.concat([header, Buffer.alloc(4097 - header.length, 7)]));
    assert.equal((await a.expect('error')).code, 'too-large');
    assert.equal((await closedWithin(a)).code, 1009);
    assert.equal((await b.expect('peer-left')).id, a.id);
  });

  test('text over --max-text-bytes is too-large and close 1009', async () => {
    server = await startServer(['--max-text-bytes', '1024']);
    const { a, b } = await pair();
    a.send({ type: 'signal', to: b.id, data: { pad: 'x'.repeat(1100) } });
    assert.equal((await a.expect('error')).code, 'too-large');
    assert.equal((await closedWithin(a)).code, 1009);
  });

  test('over the message rate: rate-limited, message dropped, connection kept', async () => {
    server = await startServer(['--rate', '2', '--burst', '6']);
    const { a, b } = await pair();
    for (let i = 0; i < 8; i++) a.send({ type: 'signal', to: b.id, data: { i } });
    const relayed = [];
    for (let i = 0; i < 5; i++) relayed.push((await b.expect('signal')).data.i);
    const errors = [];
    for (let i = 0; i < 3; i++) errors.push((await a.expect('error')).code);
    assert.deepEqual(relayed, [0, 1, 2, 3, 4]);
    assert.deepEqual(errors, ['rate-limited', 'rate-limited', 'rate-limited']);
    await sleep(700);  // refilled (2/s)
    a.send({ type: 'signal', to: b.id, data: { i: 'later' } });
    assert.equal((await b.expect('signal')).data.i, 'later');
  });

  test('repeated errors close the connection with 1008', async () => {
    server = await startServer(['--abuse-errors', '5', '--abuse-window', '10']);
    const { a, b } = await pair();
    for (let i = 0; i < 5; i++) a.send('{oops');
    for (let i = 0; i < 5; i++) assert.equal((await a.expect('error')).code, 'bad-json');
    assert.equal((await a.expect('error')).code, 'abuse');
    assert.equal((await closedWithin(a)).code, 1008);
    assert.equal((await b.expect('peer-left')).id, a.id);
  });

  test('connections per address: the next one gets too-many-connections and 1013', async () => {
    server = await startServer(['--max-per-address', '2']);
    await open({ localAddress: '127.0.0.5' });
    const second = await open({ localAddress: '127.0.0.5' });
    const third = await open({ localAddress: '127.0.0.5' });
    assert.equal((await third.expect('error')).code, 'too-many-connections');
    assert.equal((await closedWithin(third)).code, 1013);
    const elsewhere = await open({ localAddress: '127.0.0.6' });
    await elsewhere.hello('Other network');
    await second.close();
    await sleep(100);
    const again = await open({ localAddress: '127.0.0.5' });
    await again.hello('Room again');
  });

  test('no hello within the handshake timeout: hello-timeout and 1008', async () => {
    server = await startServer(['--handshake-timeout', '0.3']);
    const started = Date.now();
    const lurker = await open();
    assert.equal((await lurker.expect('error', 2000)).code, 'hello-timeout');
    assert.equal((await closedWithin(lurker)).code, 1008);
    assert.ok(Date.now() - started < 2000);
    const quick = await open();
    await quick.hello('Quick');
    await sleep(500);
    assert.equal(quick.socket.readyState, 1, 'a greeted connection is not timed out');
  });

  test('a raw TCP connection that never sends a request is closed at the handshake timeout', async () => {
    server = await startServer(['--handshake-timeout', '0.3']);
    const started = Date.now();
    await withTimeout(new Promise((resolve) => {
      const socket = net.connect(server.port, '127.0.0.1');
      socket.on('close', resolve);
      socket.on('error', () => {});
    }), 3000, 'the silent socket to be closed');
    assert.ok(Date.now() - started < 2000);
  });

  test('idle HTTP keep-alive connections close after --idle-timeout', async () => {
    server = await startServer(['--idle-timeout', '0.3']);
    const started = Date.now();
    await withTimeout(new Promise((resolve) => {
      const socket = net.connect(server.port, '127.0.0.1', () => {
        socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      });
      socket.resume();
      socket.on('close', resolve);
      socket.on('error', () => {});
    }), 3000, 'the idle keep-alive connection to be closed');
    assert.ok(Date.now() - started < 2000);
  });

  test('heartbeat: a peer that stops answering pings shows as left within interval + timeout', async () => {
    server = await startServer(['--ping-interval', '0.3', '--ping-timeout', '0.3']);
    const { a, b } = await pair();
    const started = Date.now();
    a.socket._socket.pause();  // reads nothing, so answers no ping: a vanished peer
    assert.equal((await b.expect('peer-left', 3000)).id, a.id);
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 1500, `left after ${elapsed} ms`);
    await sleep(700);
    assert.equal(b.socket.readyState, 1, 'a peer that answers pings stays');
    assert.match(server.stderr(), /drop id=[0-9a-f]{32} why="no answer to ping"/);
  });

  test('Origin: same origin and no Origin pass, a foreign page is refused with 1008', async () => {
    server = await startServer();
    const same = await open({ origin: `http://127.0.0.1:${server.port}` });
    await same.hello('Same');
    const none = await open();
    await none.hello('Script');
    for (const origin of ['http://evil.example', `http://127.0.0.1:${server.port + 1}`, 'null']) {
      const foreign = await open({ origin });
      assert.equal((await foreign.expect('error')).code, 'origin-not-allowed', origin);
      assert.equal((await closedWithin(foreign)).code, 1008);
    }
  });

  test('--allow-origin admits a listed origin', async () => {
    server = await startServer(['--allow-origin', 'https://app.example']);
    const listed = await open({ origin: 'https://app.example' });
    await listed.hello('Listed');
    const other = await open({ origin: 'https://other.example' });
    assert.equal((await other.expect('error')).code, 'origin-not-allowed');
  });

  test('rename: others sharing a room get peer-updated with the sanitized name', async () => {
    server = await startServer();
    const { a, b } = await pair();
    const far = await open({ localAddress: '127.0.0.7' });
    await far.hello('Far');
    a.send({ type: 'rename', name: '  Ada L.\u0007 ' });
    const updated = await b.expect('peer-updated');
    assert.deepEqual(updated.peer, { id: a.id, name: 'Ada L.', device: 'desktop', via: ['network'] });
    assert.ok(await far.quiet(150), 'other networks hear nothing');
    const c = await open();
    const wc = await c.hello('Cy');
    assert.equal(wc.peers.find((p) => p.id === a.id).name, 'Ada L.');
    const early = await open();
    early.send({ type: 'rename', name: 'x' });
    assert.equal((await early.expect('error')).code, 'not-ready');
  });

  test('welcome tells the client its limits', async () => {
    server = await startServer(['--rate', '7', '--max-binary-bytes', '9000']);
    const a = await open();
    const { limits } = await a.hello('Ada');
    assert.equal(limits.maxTextBytes, 65536);
    assert.equal(limits.maxBinaryBytes, 9000);
    assert.equal(limits.messagesPerSecond, 7);
    assert.equal(limits.maxNameBytes, 64);
  });
});
