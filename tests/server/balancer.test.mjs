// Behind a real load balancer (issue #21): Debian's haproxy with the repo's deploy/haproxy.cfg in
// front of two instances sharing a real redis-server. Network rooms come from the client's own
// address (X-Forwarded-For, believed from the balancer only), never from a header a client
// wrote; a client whose instance dies reconnects through the balancer and keeps its id.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Client, metric, startBalancer, startRedis, startServer, waitFor, waitForLog, withTimeout, WAIT_MS,
} from './helpers.mjs';

const SECRET = 'ba1a9ce5'.repeat(8);
const ROOM = 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFi';

describe('behind HAProxy', () => {
  let redis;
  let lb;
  const servers = [];
  const clients = [];
  const open = async (url, from, headers) => {
    const c = await Client.open(url, { localAddress: from, headers });
    clients.push(c);
    return c;
  };
  // Both instances know of `count` peers in all (their own and the other's).
  const settle = (count) => waitFor(async () => {
    for (const s of servers) {
      if (s.child.exitCode !== null || s.child.signalCode !== null) continue;
      const total = (await metric(s, 'peerline_peers')) + (await metric(s, 'peerline_remote_peers'));
      if (total !== count) return false;
    }
    return true;
  }, 3000, `${count} peers known everywhere`);

  const cluster = async () => {
    redis = await startRedis();
    for (const id of ['app1', 'app2']) {
      const s = await startServer(['--redis', redis.url, '--instance-id', id, '--secret', SECRET,
        '--trust-proxy', '127.0.0.1', '--no-qr']);
      servers.push(s);
      await waitForLog(s, /redis state=up/, 5000);
    }
    lb = await startBalancer(servers.map((x) => x.port));
  };

  afterEach(async () => {
    for (const c of clients.splice(0)) c.terminate();
    await lb?.stop();
    lb = undefined;
    const errors = [];
    for (const s of servers.splice(0)) await s.stop().catch((e) => errors.push(e));
    await redis?.kill('SIGTERM');
    redis = undefined;
    if (errors.length) throw errors[0];
  });

  test('rooms come from the client address the balancer saw, and cannot be forged', async () => {
    await cluster();
    const a = await open(lb.ws, '127.0.0.2');
    const wa = await a.hello('Ada');
    await settle(1);
    const b = await open(lb.ws, '127.0.0.3');
    const wb = await b.hello('Bob');
    assert.deepEqual(wb.peers, [], 'another address, no invite: not seen');
    await settle(2);
    const a2 = await open(lb.ws, '127.0.0.2');
    const wa2 = await a2.hello('Ada phone');
    assert.deepEqual(wa2.peers.map((p) => [p.id, p.via]), [[wa.id, ['network']]], 'the same address: seen');
    await settle(3);
    // Both instances took clients (leastconn): the rooms above spanned them.
    assert.ok(await metric(servers[0], 'peerline_peers') >= 1 && await metric(servers[1], 'peerline_peers') >= 1);

    // A forged X-Forwarded-For through the balancer: dropped there.
    const f = await open(lb.ws, '127.0.0.3', { 'X-Forwarded-For': '127.0.0.2' });
    const wf = await f.hello('Mallory');
    assert.deepEqual(wf.peers.map((p) => p.id), [wb.id], 'placed by its real address only');
    await settle(4);
    // ... and straight to an instance, which trusts the balancer's address only.
    const g = await open(servers[1].ws, '127.0.0.3', { 'X-Forwarded-For': '127.0.0.2' });
    const wg = await g.hello('Mallory again');
    assert.deepEqual(new Set(wg.peers.map((p) => p.id)), new Set([wb.id, wf.id]));
    await settle(5);

    // Different addresses meet through a shared invite, and only there.
    const c = await open(lb.ws, '127.0.0.4');
    const wc = await c.hello('Cy', 'desktop', { room: ROOM });
    await settle(6);
    const d = await open(lb.ws, '127.0.0.5');
    const wd = await d.hello('Dee', 'desktop', { room: ROOM });
    assert.deepEqual(wd.peers.map((p) => [p.id, p.via]), [[wc.id, ['invite']]]);
    assert.equal((await c.expect('peer-joined')).peer.id, wd.id);
    d.send({ type: 'signal', to: wc.id, data: { hi: 1 } });
    assert.equal((await c.expect('signal')).from, wd.id);
    d.send({ type: 'signal', to: wa.id, data: {} });
    assert.equal((await d.expect('error')).code, 'unknown-peer');
  });

  test('an instance dies mid-session: the client reconnects through the balancer with its id', async () => {
    await cluster();
    const a = await open(lb.ws, '127.0.0.2');
    const wa = await a.hello('Ada');
    await settle(1);
    const home = (await metric(servers[0], 'peerline_peers')) === 1 ? 0 : 1;
    const other = servers[1 - home];
    const b = await open(other.ws, '127.0.0.2');
    const wb = await b.hello('Bob');
    assert.deepEqual(wb.peers.map((p) => p.id), [wa.id]);
    await a.expect('peer-joined');

    servers[home].child.kill('SIGKILL');
    await withTimeout(a.closed, WAIT_MS, "the balancer to close the dead instance's connection");
    // The page reconnects: the balancer sends it to the instance that is left.
    const again = await open(lb.ws, '127.0.0.2');
    const wagain = await again.hello('Ada', 'desktop', { resume: wa.resume });
    assert.equal(wagain.id, wa.id, 'same id on the other instance');
    assert.deepEqual(wagain.peers.map((p) => p.id), [wb.id]);
    assert.equal((await b.expect('peer-joined')).peer.id, wa.id);
    b.send({ type: 'signal', to: wa.id, data: { kind: 'hangup' } });
    assert.deepEqual((await again.expect('signal')).data, { kind: 'hangup' });
    again.send({ type: 'signal', to: wb.id, data: { kind: 'ack' } });
    assert.equal((await b.expect('signal')).from, wa.id);

    // When the dead instance is swept, Ada - alive elsewhere - does not leave anyone's roster.
    await waitForLog(other, new RegExp(`redis-sweep instance=app${home + 1}`), 10_000);
    assert.ok(await b.quiet(300), 'no peer-left for an id that moved');
  });
});
