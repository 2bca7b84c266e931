// Many instances as one service (issue #21, docs/deploy.md "Many machines"): real redis-server
// on a loopback port, two or three real peerline-server instances sharing it and one secret.
// Clients on different instances see, signal and send binary frames to each other under the
// same rules as within one process; instance death, Redis restarts and garbage in Redis each
// end in a typed, logged outcome.
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Client, binaryFrame, getHealth, metric, parseBinaryFrame, startRedis, startServer,
  waitFor, waitForLog, withTimeout,
} from './helpers.mjs';

const SECRET = '5ca1e0a7'.repeat(8);
const ROOM = '0123456789abcdef0123456789abcdef';

describe('scale-out through Redis', () => {
  let redis;
  const servers = [];
  const clients = [];

  // One instance joined to `redis`; resolves once it is registered and subscribed.
  const instance = async (id, extra = [], url = redis.url) => {
    const server = await startServer(['--redis', url, '--instance-id', id, '--secret', SECRET, '--no-qr', ...extra]);
    servers.push(server);
    await waitForLog(server, /redis state=up/, 5000);
    return server;
  };
  const open = async (server, from = '127.0.0.2', extra = {}) => {
    const c = await Client.open(server.ws, { localAddress: from, ...extra });
    clients.push(c);
    return c;
  };
  // Until `server` mirrors `count` peers of other instances (presence crossed over).
  const remotePeers = (server, count, ms = 3000) =>
    waitFor(async () => (await metric(server, 'peerline_remote_peers')) === count, ms,
      `${count} remote peers on ${server.port}`);

  // The usual cast: a fresh Redis, instances one and two (each with `extra` flags), Ada on one
  // and Bob on two, each already on the other's roster.
  const adaOnOneBobOnTwo = async (extra = []) => {
    redis = await startRedis();
    const one = await instance('one', extra);
    const two = await instance('two', extra);
    const a = await open(one);
    const wa = await a.hello('Ada');
    await remotePeers(two, 1);
    const b = await open(two);
    const wb = await b.hello('Bob');
    await a.expect('peer-joined');
    return { one, two, a, wa, b, wb };
  };

  afterEach(async () => {
    for (const c of clients.splice(0)) c.terminate();
    const errors = [];
    for (const s of servers.splice(0)) await s.stop().catch((e) => errors.push(e));
    await redis?.kill('SIGTERM');
    redis = undefined;
    if (errors.length) throw errors[0];
  });

  test('presence, text and binary relay both ways, order kept, unknown-peer', async () => {
    redis = await startRedis();
    const one = await instance('one');
    // By name: resolved on the loop by Asio (hiredis would block in getaddrinfo); a name with
    // several addresses gets the next one on each attempt.
    const two = await instance('two', [], `redis://localhost:${redis.port}`);
    const a = await open(one);
    const wa = await a.hello('Ada');
    await remotePeers(two, 1);
    const b = await open(two);
    const wb = await b.hello('Bob', 'mobile');
    assert.deepEqual(wb.peers.map((p) => [p.id, p.name, p.device, p.via]), [[wa.id, 'Ada', 'desktop', ['network']]]);
    const joined = await a.expect('peer-joined');
    assert.deepEqual([joined.peer.id, joined.peer.name, joined.peer.via], [wb.id, 'Bob', ['network']]);

    // Text, with `from` stamped by the sender's instance whatever the sender wrote.
    a.send({ type: 'signal', to: wb.id, from: 'forged', data: { kind: 'offer', sdp: 'v=0' } });
    const signal = await b.expect('signal');
    assert.equal(signal.from, wa.id);
    assert.deepEqual(signal.data, { kind: 'offer', sdp: 'v=0' });
    b.send({ type: 'signal', to: wa.id, data: { kind: 'answer' } });
    assert.equal((await a.expect('signal')).from, wb.id);

    // Binary (voice messages, files), both ways, payload byte for byte.
    const payload = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251));
    a.send(binaryFrame({ to: wb.id, kind: 'voice', seq: 1 }, payload));
    const got = await b.next();
    assert.equal(got.binary, true);
    const frame = parseBinaryFrame(got.data);
    assert.deepEqual(frame.header, { kind: 'voice', seq: 1, from: wa.id });
    assert.ok(frame.payload.equals(payload));
    b.send(binaryFrame({ to: wa.id, kind: 'ack' }, Buffer.from('ok')));
    const back = parseBinaryFrame((await a.next()).data);
    assert.equal(back.header.from, wb.id);

    // Order per sender, text and binary interleaved, within the burst allowance.
    for (let i = 0; i < 150; i += 1) {
      if (i % 3 === 0) a.send(binaryFrame({ to: wb.id, n: i }));
      else a.send({ type: 'signal', to: wb.id, data: { n: i } });
    }
    for (let i = 0; i < 150; i += 1) {
      const m = await b.next();
      const n = m.binary ? parseBinaryFrame(m.data).header.n : m.data.n;
      assert.equal(n, i, 'messages of one sender arrive in the order sent');
    }

    // An id online nowhere: the same answer as within one process.
    a.send({ type: 'signal', to: 'f'.repeat(32), data: {} });
    const error = await a.expect('error');
    assert.deepEqual([error.code, error.ref], ['unknown-peer', 'signal']);

    // Renames and leaves cross over too.
    b.send({ type: 'rename', name: 'Robert' });
    const renamed = await a.expect('peer-updated');
    assert.deepEqual([renamed.peer.id, renamed.peer.name], [wb.id, 'Robert']);
    await b.close();
    assert.equal((await a.expect('peer-left')).id, wb.id);
    assert.ok(await metric(one, 'peerline_redis_published_total') >= 50);
  });

  test('an instance stopped with SIGTERM says goodbye: its peers leave at once', async () => {
    const { one, two, a, b, wb } = await adaOnOneBobOnTwo();
    const stopped = Date.now();
    await two.stop();
    assert.equal((await a.expect('peer-left', 2000)).id, wb.id);
    assert.ok(Date.now() - stopped < 2000, 'well before its heartbeat would expire');
    assert.match(one.stderr(), /redis-sweep instance=two members=1 why="?instance stopped/);
    assert.equal(await redis.cli('EXISTS', 'peerline:instance:two', 'peerline:members:two'), '0');
  });

  test('rooms span instances: invite rooms join networks, other networks stay apart', async () => {
    redis = await startRedis();
    const one = await instance('one');
    const two = await instance('two');
    const c = await open(one, '127.0.0.3');
    const wc = await c.hello('Cy', 'desktop', { room: ROOM });
    const e = await open(one, '127.0.0.5');
    const we = await e.hello('Eve');
    await remotePeers(two, 2);
    const d = await open(two, '127.0.0.4');
    const wd = await d.hello('Dee', 'desktop', { room: ROOM });
    assert.deepEqual(wd.peers.map((p) => [p.id, p.via]), [[wc.id, ['invite']]], 'only the invite room is shared');
    assert.deepEqual((await c.expect('peer-joined')).peer.via, ['invite']);
    d.send({ type: 'signal', to: wc.id, data: { hi: 1 } });
    assert.equal((await c.expect('signal')).from, wd.id);

    // Eve is on another network, in no room: invisible across instances, and unreachable.
    const f = await open(two, '127.0.0.6');
    const wf = await f.hello('Fay');
    assert.deepEqual(wf.peers, []);
    f.send({ type: 'signal', to: we.id, data: {} });
    assert.equal((await f.expect('error')).code, 'unknown-peer');
    f.send(binaryFrame({ to: wc.id }, Buffer.from('x')));
    const error = await f.expect('error');
    assert.deepEqual([error.code, error.ref], ['unknown-peer', 'binary']);
    assert.ok(await e.quiet(150), 'nothing reached Eve');
    assert.ok(await c.quiet(50), 'nothing reached Cy');
  });

  test('rate limits stay per connection when relaying across instances', async () => {
    const { one, two, a, b, wb } = await adaOnOneBobOnTwo(['--rate', '5', '--burst', '20']);
    for (let i = 0; i < 40; i += 1) a.send({ type: 'signal', to: wb.id, data: { n: i } });
    let limited = 0;
    while (!(await a.quiet(300))) {
      const m = await a.next();
      assert.deepEqual([m.type, m.code], ['error', 'rate-limited']);
      limited += 1;
    }
    const seen = [];
    while (!(await b.quiet(300))) seen.push((await b.next()).data.n);
    assert.equal(limited + seen.length, 40, 'each message was relayed or rejected, none lost');
    // The burst less the token the hello took, plus what refilled meanwhile.
    assert.ok(seen.length >= 19 && seen.length <= 22, `the burst got through, no more (${seen.length})`);
    assert.deepEqual(seen, [...seen].sort((x, y) => x - y), 'in order');
  });

  test('an instance killed with SIGKILL: its peers leave within 10 s, and resume elsewhere', async () => {
    const { one, two, a, wa, b, wb } = await adaOnOneBobOnTwo();

    two.child.kill('SIGKILL');
    const killed = Date.now();
    // Once Redis has seen its subscriber's socket close (a process as big as an ASan build takes
    // a while to die), and before the sweep: the mirror still lists Bob.
    await waitFor(async () => (await redis.cli('PUBSUB', 'NUMSUB', 'peerline:deliver:two')).endsWith('\n0'),
      3000, 'Redis to see instance two gone');
    // The PUBLISH finds no subscriber, and the sender learns it as unknown-peer instead of the
    // message vanishing.
    a.send({ type: 'signal', to: wb.id, data: { lost: true } });
    const error = await a.expect('error');
    assert.deepEqual([error.code, error.ref], ['unknown-peer', 'signal']);
    const left = await a.expect('peer-left', 10_000);
    assert.equal(left.id, wb.id);
    const took = Date.now() - killed;
    assert.ok(took < 10_000, `left within 10 s (${took} ms)`);
    await waitForLog(one, /redis-sweep instance=two/, 1000);

    // Bob's client reconnects (through the balancer: here, to instance one) and keeps its id.
    const b2 = await open(one);
    const again = await b2.hello('Bob', 'desktop', { resume: wb.resume });
    assert.equal(again.id, wb.id);
    assert.equal((await a.expect('peer-joined')).peer.id, wb.id);
    a.send({ type: 'signal', to: wb.id, data: { back: true } });
    assert.deepEqual((await b2.expect('signal')).data, { back: true });
  });

  test('resumed on another instance while the old socket lives: the old one is replaced', async () => {
    redis = await startRedis();
    const one = await instance('one');
    const two = await instance('two');
    const three = await instance('three');
    const a = await open(one);
    const wa = await a.hello('Ada');
    await remotePeers(two, 1);
    const b = await open(two);
    const wb = await b.hello('Bob');
    await a.expect('peer-joined');
    await remotePeers(three, 2);

    const b2 = await open(three);
    const again = await b2.hello('Bob', 'desktop', { resume: wb.resume });
    assert.equal(again.id, wb.id);
    assert.deepEqual(again.peers.map((p) => p.id), [wa.id]);
    const replaced = await b.expect('error');
    assert.equal(replaced.code, 'replaced');
    assert.equal((await b.closed).code, 4000);
    // Ada sees Bob still (updated, not left) and reaches him on instance three.
    const seen = await a.expect('peer-updated');
    assert.equal(seen.peer.id, wb.id);
    assert.ok(await a.quiet(300), 'no peer-left for an id that lives on');
    a.send({ type: 'signal', to: wb.id, data: { where: 'three' } });
    assert.deepEqual((await b2.expect('signal')).data, { where: 'three' });
  });

  test('Redis restarted: local talk goes on, the link and presence come back within 5 s', async () => {
    redis = await startRedis();
    const one = await instance('one');
    const two = await instance('two');
    const a = await open(one);
    const wa = await a.hello('Ada');
    const a2 = await open(one);
    const wa2 = await a2.hello('Ada phone');
    await a.expect('peer-joined');
    await remotePeers(two, 2);
    const b = await open(two);
    const wb = await b.hello('Bob');
    await a.expect('peer-joined');
    await a2.expect('peer-joined');
    assert.match((await getHealth(one)).body, /redis: up/);

    await redis.kill('SIGKILL');
    await waitForLog(one, /redis state=down/, 3000);
    assert.equal(await metric(one, 'peerline_redis_up'), 0);
    const health = await getHealth(one);
    assert.equal(health.status, 200, 'local peers are still served');
    assert.match(health.body, /redis: (down|connecting)/);
    // Meanwhile: peers on one instance keep talking; across instances is a typed miss.
    a.send({ type: 'signal', to: wa2.id, data: { local: 1 } });
    assert.deepEqual((await a2.expect('signal')).data, { local: 1 });
    a.send({ type: 'signal', to: wb.id, data: {} });
    assert.equal((await a.expect('error')).code, 'unknown-peer');

    await redis.start();  // empty: everything must be rebuilt
    const restarted = Date.now();
    await waitFor(async () => (await metric(one, 'peerline_redis_up')) === 1 &&
      (await metric(two, 'peerline_redis_up')) === 1, 5000, 'both instances back on Redis');
    // Presence is rebuilt in Redis itself, not only in the instances' mirrors.
    await waitFor(async () => (await redis.cli('HLEN', 'peerline:members:one')) === '2' &&
      (await redis.cli('HLEN', 'peerline:members:two')) === '1', 5000, 'members written again');
    const c = await open(two);
    const wc = await c.hello('Cy');
    assert.deepEqual(new Set(wc.peers.map((p) => p.id)), new Set([wa.id, wa2.id, wb.id]));
    for (const x of [a, a2, b]) assert.equal((await x.expect('peer-joined')).peer.id, wc.id);
    assert.ok(Date.now() - restarted < 5000, `rebuilt within 5 s (${Date.now() - restarted} ms)`);
    a.send({ type: 'signal', to: wb.id, data: { after: 1 } });
    assert.deepEqual((await b.expect('signal')).data, { after: 1 });
    assert.ok(await metric(one, 'peerline_redis_reconnects_total') >= 1);
  });

  test('a Redis that stops answering: the link is dropped, local talk goes on, it comes back', async () => {
    redis = await startRedis();
    const one = await instance('one');
    const two = await instance('two');
    const a = await open(one);
    await a.hello('Ada');
    const a2 = await open(one);
    const wa2 = await a2.hello('Ada phone');
    await a.expect('peer-joined');
    await remotePeers(two, 2);
    const b = await open(two);
    const wb = await b.hello('Bob');
    await a.expect('peer-joined');
    await a2.expect('peer-joined');

    redis.child.kill('SIGSTOP');  // connected, silent: as a Redis stuck on a slow command
    try {
      await waitForLog(one, /redis state=down instance=one .*too slow/, 6000);
      a.send({ type: 'signal', to: wa2.id, data: { local: 1 } });
      assert.deepEqual((await a2.expect('signal')).data, { local: 1 });
      a.send({ type: 'signal', to: wb.id, data: {} });
      assert.equal((await a.expect('error')).code, 'unknown-peer', 'not queued for ever, not lost silently');
    } finally {
      redis.child.kill('SIGCONT');
    }
    await waitFor(async () => (await metric(one, 'peerline_redis_up')) === 1 &&
      (await metric(two, 'peerline_redis_up')) === 1, 5000, 'both instances back on Redis');
    a.send({ type: 'signal', to: wb.id, data: { after: 1 } });
    assert.deepEqual((await b.expect('signal')).data, { after: 1 });
  });

  test('bad input: Redis down at start, an id collision, garbage under our keys', async () => {
    const { freePort } = await import('./helpers.mjs');
    const port = await freePort();
    redis = { url: `redis://127.0.0.1:${port}`, kill: async () => {} };
    // Down at start: the instance serves its own peers and keeps trying.
    const one = await startServer(['--redis', redis.url, '--instance-id', 'one', '--secret', SECRET, '--no-qr']);
    servers.push(one);
    await waitForLog(one, /redis state=down instance=one .*why=.*(refused|Connection)/i, 3000);
    const a = await open(one);
    const wa = await a.hello('Ada');
    assert.match((await getHealth(one)).body, /redis: (down|connecting)/);
    redis = await startRedis(port);
    await waitForLog(one, /redis state=up/, 3000);
    assert.equal(await redis.cli('HEXISTS', 'peerline:members:one', wa.id), '1', 'its peers were written on arrival');

    // Garbage where other instances' data would be, and on our channels: counted, logged, survived.
    await redis.cli('SET', 'peerline:instance:ghost', 'x');
    await redis.cli('HSET', 'peerline:members:ghost', 'someone', '{not json');
    await redis.cli('SADD', 'peerline:instances', 'ghost', 'bad id!');
    await redis.cli('PUBLISH', 'peerline:presence', '{"k":"J","i":"evil"}');
    await redis.cli('PUBLISH', 'peerline:deliver:one', 'Mt' + wa.id);
    await redis.cli('PUBLISH', 'peerline:deliver:one', 'garbage');
    const two = await instance('two');
    await waitFor(async () => (await metric(two, 'peerline_redis_garbage_total')) >= 2, 3000, 'garbage counted by two');
    await waitFor(async () => (await metric(one, 'peerline_redis_garbage_total')) >= 3, 3000, 'garbage counted by one');
    assert.match(two.stderr(), /redis-garbage key=peerline:members:ghost/);
    assert.ok(await a.quiet(100), 'nothing garbled reached a client');

    // A second live instance with the same id stays out: it would receive the first one's mail.
    const clone = await startServer(['--redis', redis.url, '--instance-id', 'one', '--secret', SECRET, '--no-qr']);
    servers.push(clone);
    await waitForLog(clone, /redis state=collision instance=one/, 3000);
    const health = await getHealth(clone);
    assert.equal(health.status, 503);
    assert.match(health.body, /redis: collision/);
    assert.equal(await metric(clone, 'peerline_redis_collision'), 1);
    const b = await open(two);
    const wb = await b.hello('Bob');
    assert.deepEqual(wb.peers.map((p) => p.id), [wa.id]);
    assert.equal((await a.expect('peer-joined')).peer.id, wb.id);
    b.send({ type: 'signal', to: wa.id, data: { to: 'the real one' } });
    assert.deepEqual((await a.expect('signal')).data, { to: 'the real one' });
    assert.match((await getHealth(one)).body, /redis: up/);
  });

  test('a storm of malformed payloads on the instances\' channels: counted, never delivered, no crash', async () => {
    const { one, two, a, b, wb } = await adaOnOneBobOnTwo();

    // Near-misses of every shape the instances decode, and plain noise (seeded per run).
    const junk = [];
    const pick = (list) => list[randomBytes(1)[0] % list.length];
    const id = () => randomBytes(16).toString('hex');
    for (let i = 0; i < 300; i += 1) {
      junk.push(pick([
        () => ['peerline:deliver:one', randomBytes(1 + (i % 64))],
        () => ['peerline:deliver:two', Buffer.concat([Buffer.from(pick(['Mt', 'Mb', 'M', 'U', 'Ux'])), randomBytes(i % 40)])],
        () => ['peerline:deliver:one', `Mb${id()}\ntwo\nv4:127.0.0.2\n\n${randomBytes(i % 30).toString('latin1')}`],
        () => ['peerline:deliver:two', `Mt${id()}\n\n\n`],
        () => ['peerline:deliver:one', `Usignal\n`],
        () => ['peerline:presence', randomBytes(i % 50)],
        () => ['peerline:presence', JSON.stringify({ k: pick(['J', 'S', 'L', 'Q', 7]), i: pick([id(), 'bad id', 5, null]),
          m: pick([null, 3, [], [{ id: 5 }], { id: id(), name: 'x', device: 'desktop', network: 'n', invite: '', joined: -1 }]) })],
        () => ['peerline:presence', `{"k":"J","i":"${id()}","m":{"id":"${'\u0001'}","name":"","device":"","network":"","invite":"","joined":1}}`],
        () => ['peerline:presence', '['.repeat(1000)],
      ])());
    }
    // A few lines of RESP written by hand (the test's own client, not the server's).
    const resp = (...args) => Buffer.concat([Buffer.from(`*${args.length}\r\n`),
      ...args.flatMap((x) => { const v = Buffer.isBuffer(x) ? x : Buffer.from(x); return [Buffer.from(`$${v.length}\r\n`), v, Buffer.from('\r\n')]; })]);
    const socket = connect(redis.port, '127.0.0.1');
    let replies = '';
    socket.on('data', (d) => { replies += d.toString('latin1'); });
    await withTimeout(new Promise((r) => socket.once('connect', r)), 3000, 'a connection to redis');
    socket.write(Buffer.concat(junk.map(([channel, payload]) => resp('PUBLISH', channel, payload))));
    await waitFor(async () => (replies.match(/^:\d+\r$/gm) ?? []).length >= junk.length, 5000, 'Redis to take them all');
    socket.destroy();

    await waitFor(async () => (await metric(one, 'peerline_redis_garbage_total')) +
      (await metric(two, 'peerline_redis_garbage_total')) >= 200, 5000, 'the garbage counted');
    assert.ok(await a.quiet(200), 'nothing reached Ada');
    assert.ok(await b.quiet(50), 'nothing reached Bob');
    for (const s of [one, two]) assert.match((await getHealth(s)).body, /redis: up/);
    a.send({ type: 'signal', to: wb.id, data: { still: 'fine' } });
    assert.deepEqual((await b.expect('signal')).data, { still: 'fine' });
  });

  test('options: --redis and --instance-id are checked, the URL is not echoed', async () => {
    const { runServerOnce } = await import('./helpers.mjs');
    const bad = await runServerOnce(['--redis', 'http://:hunter2@127.0.0.1:1']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--redis: must start with redis:\/\//);
    assert.doesNotMatch(bad.stderr, /hunter2/);
    const id = await runServerOnce(['--redis', 'redis://127.0.0.1:1', '--instance-id', 'a b']);
    assert.equal(id.code, 2);
    assert.match(id.stderr, /--instance-id: must be 1-64/);
    const lonely = await runServerOnce(['--instance-id', 'a']);
    assert.match(lonely.stderr, /--instance-id needs --redis/);
    const help = await runServerOnce(['--help']);
    assert.match(help.stdout, /--redis URL/);
    assert.match(help.stdout, /--instance-id ID/);
  });
});
