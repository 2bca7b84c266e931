// Everything a client can get wrong: each earns a typed error (or a close where the protocol
// says so), the connection stays usable, other users are unaffected, the server stays up.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Client, getHealth, startServer, WAIT_MS, withTimeout } from './helpers.mjs';

const MAX_FRAME = 64 * 1024;

describe('protocol errors and limits', () => {
  let server;
  let clients = [];
  const open = async () => { const c = await Client.open(server.ws); clients.push(c); return c; };

  // Two greeted peers; tests check that `bystander` notices nothing of the abuse.
  async function pair() {
    const bystander = await open();
    const wb = await bystander.hello('Bystander');
    const abuser = await open();
    const wa = await abuser.hello('Abuser');
    await bystander.expect('peer-joined');
    return { bystander, abuser, bystanderId: wb.id, abuserId: wa.id };
  }

  // The abuser can still relay to the bystander, and nothing else reached the bystander.
  async function stillWorks({ bystander, abuser, bystanderId, abuserId }) {
    abuser.send({ type: 'signal', to: bystanderId, data: { kind: 'ping' } });
    const relayed = await bystander.expect('signal');
    assert.equal(relayed.from, abuserId);
    assert.deepEqual(relayed.data, { kind: 'ping' });
  }

  beforeEach(async () => { server = await startServer(); });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.terminate();
    await server?.stop();
  });

  test('malformed JSON answers bad-json; the connection and others keep working', async () => {
    const p = await pair();
    for (const text of ['{not json', '', '[1,2,3]', '"hello"', '42', 'null']) {
      p.abuser.send(text);
      const error = await p.abuser.expect('error');
      assert.equal(error.code, 'bad-json', JSON.stringify(text));
      assert.equal(typeof error.message, 'string');
    }
    await stillWorks(p);
  });

  test('missing or mistyped fields answer bad-message', async () => {
    const p = await pair();
    const cases = [
      [{ name: 'no type' }, undefined],
      [{ type: 7 }, undefined],
      [{ type: 'signal', data: {} }, 'signal'],
      [{ type: 'signal', to: p.bystanderId }, 'signal'],
      [{ type: 'signal', to: p.bystanderId, data: 'text' }, 'signal'],
      [{ type: 'signal', to: 5, data: {} }, 'signal'],
    ];
    for (const [message, ref] of cases) {
      p.abuser.send(message);
      const error = await p.abuser.expect('error');
      assert.equal(error.code, 'bad-message', JSON.stringify(message));
      assert.equal(error.ref, ref, JSON.stringify(message));
    }
    assert.ok(await p.bystander.quiet(100));
    await stillWorks(p);
  });

  test('a second hello is bad-message and changes nothing', async () => {
    const p = await pair();
    p.abuser.send({ type: 'hello', name: 'Someone else', device: 'mobile' });
    const error = await p.abuser.expect('error');
    assert.equal(error.code, 'bad-message');
    assert.equal(error.ref, 'hello');
    assert.ok(await p.bystander.quiet(150), 'no second peer-joined');
    await stillWorks(p);
  });

  test('unknown type answers unknown-type', async () => {
    const p = await pair();
    p.abuser.send({ type: 'teleport', to: p.bystanderId });
    const error = await p.abuser.expect('error');
    assert.equal(error.code, 'unknown-type');
    assert.equal(error.ref, 'teleport');
    await stillWorks(p);
  });

  test('signal before hello answers not-ready; hello still works afterwards', async () => {
    const a = await open();
    const wa = await a.hello('Ada');
    const early = await open();
    early.send({ type: 'signal', to: wa.id, data: { kind: 'offer' } });
    const error = await early.expect('error');
    assert.equal(error.code, 'not-ready');
    assert.equal(error.ref, 'signal');
    assert.ok(await a.quiet(150), 'nothing was relayed');

    const welcome = await early.hello('Late');
    assert.equal(welcome.peers[0].id, wa.id);
    assert.equal((await a.expect('peer-joined')).peer.id, welcome.id);
  });

  test('a binary frame answers bad-frame and the connection stays', async () => {
    const p = await pair();
    p.abuser.send(Buffer.from([1, 2, 3, 4]));
    const error = await p.abuser.expect('error');
    assert.equal(error.code, 'bad-frame');
    await stillWorks(p);
  });

  test('a frame exactly at the limit is accepted', async () => {
    const p = await pair();
    const base = JSON.stringify({ type: 'signal', to: p.bystanderId, data: { pad: '' } });
    const text = JSON.stringify({ type: 'signal', to: p.bystanderId, data: { pad: 'x'.repeat(MAX_FRAME - base.length) } });
    assert.equal(Buffer.byteLength(text), MAX_FRAME);
    p.abuser.send(text);
    const relayed = await p.bystander.expect('signal');
    assert.equal(relayed.data.pad.length, MAX_FRAME - base.length);
  });

  test('an oversized frame answers too-large then closes with 1009; others unaffected', async () => {
    const p = await pair();
    p.abuser.send(JSON.stringify({ type: 'signal', to: p.bystanderId, data: { pad: 'x'.repeat(MAX_FRAME) } }));
    const error = await p.abuser.expect('error');
    assert.equal(error.code, 'too-large');
    const closed = await withTimeout(p.abuser.closed, WAIT_MS, 'the close');
    assert.equal(closed.code, 1009);
    assert.equal((await p.bystander.expect('peer-left')).id, p.abuserId);
    assert.ok(await p.bystander.quiet(100), 'the oversized signal was not relayed');
  });

  test('a huge frame (8 MiB) gets the same too-large answer and 1009 close', async () => {
    const p = await pair();
    p.abuser.send(Buffer.alloc(8 * 1024 * 1024, 0x61).toString());
    assert.equal((await p.abuser.expect('error')).code, 'too-large');
    const closed = await withTimeout(p.abuser.closed, WAIT_MS, 'the close');
    assert.equal(closed.code, 1009);
    assert.equal((await p.bystander.expect('peer-left')).id, p.abuserId);
  });

  test('deeply nested JSON is refused, never relayed to a peer', async () => {
    const p = await pair();
    const depth = 30000;  // fits in 64 KiB; would overflow a small stack in the peer's parser
    p.abuser.send(`{"type":"signal","to":"${p.bystanderId}","data":{"a":${'['.repeat(depth)}${']'.repeat(depth)}}}`);
    const error = await p.abuser.expect('error');
    assert.equal(error.code, 'bad-message');
    assert.equal(error.ref, 'signal');
    assert.ok(await p.bystander.quiet(150), 'nothing relayed');
    // Brackets inside strings are just text.
    p.abuser.send({ type: 'signal', to: p.bystanderId, data: { sdp: '['.repeat(1000) } });
    assert.equal((await p.bystander.expect('signal')).data.sdp.length, 1000);
    await stillWorks(p);
    assert.deepEqual(await getHealth(server), { status: 200, body: 'ok' });
  });

  test('garbage instead of a WebSocket handshake does not hurt the server', async () => {
    await withTimeout(new Promise((resolve) => {
      const socket = net.connect(server.port, '127.0.0.1', () => {
        socket.end('GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x00\xff garbage');
      });
      socket.on('error', resolve);
      socket.on('close', resolve);
      socket.resume();
    }), WAIT_MS, 'the garbage connection to end');
    assert.deepEqual(await getHealth(server), { status: 200, body: 'ok' });
  });

  test('after all of the above in one connection the server is alive and relays', async () => {
    const p = await pair();
    for (const bad of ['{', '[]', '{"type":"x"}', '{"type":"signal"}', Buffer.from([0]),
      JSON.stringify({ type: 'signal', to: 'nobody', data: {} })]) {
      p.abuser.send(bad);
      await p.abuser.expect('error');
    }
    await stillWorks(p);
    assert.deepEqual(await getHealth(server), { status: 200, body: 'ok' });
    assert.match(server.stderr(), /reject id=[0-9a-f]{32} code=bad-json/);
  });
});
