// Connection lifecycle: a reader that stops reading is cut off rather than buffered forever,
// and SIGTERM/SIGINT close every WebSocket with 1001 and exit 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, getHealth, startServer, WAIT_MS, withTimeout } from './helpers.mjs';

test('a peer that stops reading is disconnected once its send queue is full', async () => {
  const server = await startServer(['--rate', '100000', '--burst', '100000']);
  const clients = [];
  try {
    const slow = await Client.open(server.ws);
    const fast = await Client.open(server.ws);
    clients.push(slow, fast);
    const ws = await slow.hello('Slow');
    await fast.hello('Fast');
    await slow.expect('peer-joined');
    slow.socket._socket.pause();  // stop reading at the TCP level; the kernel buffers fill up

    // 48 MiB in 60 KiB signals: far beyond socket buffers plus the 4 MiB queue bound.
    const pad = 'x'.repeat(60 * 1024);
    // The drop must show as `peer-left` for the slow peer's id. Signals sent after the drop
    // answer `unknown-peer`; they may arrive first and are skipped, not taken for the answer.
    const left = (async () => {
      for (;;) {
        const m = await fast.next(10000);
        if (m.type === 'peer-left') return m;
        assert.ok(m.type === 'error' && m.code === 'unknown-peer' && m.ref === 'signal',
          `only unknown-peer errors may come before peer-left, got ${JSON.stringify(m)}`);
      }
    })();
    for (let i = 0; i < 800 && fast.socket.readyState === 1; i++) {
      fast.send({ type: 'signal', to: ws.id, data: { i, pad } });
      if (i % 50 === 49) await new Promise((r) => setImmediate(r));
    }
    const m = await withTimeout(left, 12000, 'the slow reader to be dropped');
    assert.equal(m.id, ws.id);
    // And it is gone for good: a newcomer is not told about it, and a signal to it is refused.
    // (A fresh client: `fast` may be closed for abuse by the unknown-peer errors of its burst.)
    const late = await Client.open(server.ws);
    clients.push(late);
    const lateWelcome = await late.hello('Late');
    assert.ok(!lateWelcome.peers.some((p) => p.id === ws.id), 'the dropped peer is not listed');
    late.send({ type: 'signal', to: ws.id, data: { after: true } });
    const refused = await late.expect('error');
    assert.equal(refused.code, 'unknown-peer');
    assert.match(server.stderr(), /drop id=[0-9a-f]{32} why="send queue full/);
    assert.deepEqual(await getHealth(server), { status: 200, body: 'ok' });
  } finally {
    for (const c of clients) c.terminate();
    await server.stop();
  }
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  test(`${signal} closes WebSockets with 1001 going away and exits 0`, async () => {
    const server = await startServer();
    const a = await Client.open(server.ws);
    const b = await Client.open(server.ws);
    try {
      await a.hello('Ada');
      await b.hello('Bob');
      await a.expect('peer-joined');
      const lurker = await Client.open(server.ws);  // never said hello: closed the same way

      server.child.kill(signal);
      for (const c of [a, b, lurker]) {
        const closed = await withTimeout(c.closed, WAIT_MS, 'the going-away close');
        assert.equal(closed.code, 1001);
      }
      const exit = await withTimeout(server.exited, WAIT_MS, 'the server to exit');
      assert.deepEqual(exit, { code: 0, signal: null });
      assert.ok(!a.inbox.some((m) => m.type === 'peer-left'), 'no presence storm on shutdown');
    } finally {
      a.terminate();
      b.terminate();
      await server.stop();
    }
  });
}
