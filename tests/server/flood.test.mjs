// Floods from one place (issue 18, item 6): 10,000 WebSockets from one address, and a storm of
// `hello`s carrying resume tokens for someone else's id. Each refusal is typed, the people the
// flood is not from notice nothing, and the server's memory stays bounded (VmRSS from /proc).
// Loopback only; every loop is bounded in count, every wait in time.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { Client, closedWithin, rssKiB, sanitized, startServer, withTimeout } from './helpers.mjs';

// One refused-or-not connection, reduced to what the server said: its first message and the close.
function attempt(url, localAddress) {
  return withTimeout(new Promise((resolve) => {
    const ws = new WebSocket(url, { localAddress, perMessageDeflate: false });
    let first;
    ws.on('message', (data) => { first ??= JSON.parse(data.toString()); });
    ws.on('close', (code) => resolve({ code, first }));
    ws.on('error', () => {});
  }), 10000, 'a flooding connection to end');
}

describe('floods', () => {
  let server;
  const clients = [];
  const open = async (options) => { const c = await Client.open(server.ws, options); clients.push(c); return c; };
  afterEach(async () => {
    for (const c of clients.splice(0)) c.terminate();
    await server?.stop();
    server = undefined;
  });

  test('10,000 connections from one address: 64 admitted, the rest too-many-connections/1013', async () => {
    const FLOOD = '127.0.0.9';
    const TOTAL = 10_000;
    const CONCURRENT = 100;  // in flight at once: far below this process's 20,000 descriptors
    // Default --max-per-address (64). The held connections mostly never say hello: a long
    // --handshake-timeout keeps them from timing out (and freeing slots) on a slow machine.
    server = await startServer(['--handshake-timeout', '120']);
    const a = await open({ localAddress: '127.0.0.10' });
    const b = await open({ localAddress: '127.0.0.10' });
    await a.hello('Ada');
    await b.hello('Bob');
    await a.expect('peer-joined');

    const held = [];
    for (let i = 0; i < 64; i++) held.push(await open({ localAddress: FLOOD }));
    await held[0].hello('Flood 0');
    await held[1].hello('Flood 1');
    await held[0].expect('peer-joined');
    const rssBefore = rssKiB(server.child.pid);

    const outcomes = new Map();
    let started = 64;
    let checks = 0;
    const worker = async () => {
      while (started < TOTAL) {
        started++;
        const { code, first } = await attempt(server.ws, FLOOD);
        const key = `${first?.code}/${code}`;
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      }
    };
    const relayDuringFlood = (async () => {
      // Others keep relaying while the flood runs (bounded: at most 40 rounds).
      while (started < TOTAL && checks < 40) {
        a.send({ type: 'signal', to: b.id, data: { checks } });
        assert.equal((await b.expect('signal')).data.checks, checks);
        checks++;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    await Promise.all([...Array.from({ length: CONCURRENT }, worker), relayDuringFlood]);

    assert.deepEqual([...outcomes], [['too-many-connections/1013', TOTAL - 64]]);
    assert.ok(checks > 0, 'relayed during the flood');
    const rssAfter = rssKiB(server.child.pid);
    console.log(`flood: RSS ${rssBefore} KiB -> ${rssAfter} KiB after ${TOTAL - 64} refusals`);
    // A refused connection holds nothing once closed: 9,936 of them leaking even 1 KiB each would
    // add ~10 MiB. The allowance covers allocator slack.
    if (!sanitized) assert.ok(rssAfter - rssBefore < 8 * 1024, `RSS grew ${rssAfter - rssBefore} KiB`);

    // The admitted 64 still work, and so does the rest of the world.
    held[1].send({ type: 'signal', to: held[0].id, data: { after: true } });
    assert.equal((await held[0].expect('signal')).from, held[1].id);
    b.send({ type: 'signal', to: a.id, data: { after: true } });
    assert.equal((await a.expect('signal')).from, b.id);
    const metrics = await (await fetch(`${server.http}/metrics`)).text();
    assert.match(metrics, /^peerline_connections 66$/m);
    assert.match(metrics, new RegExp(`^peerline_rejections_total\\{reason="too-many-connections"\\} ${TOTAL - 64}$`, 'm'));
    // And once the flooder lets go, its address is admitted again.
    for (const c of held.slice(2)) c.terminate();
    await new Promise((r) => setTimeout(r, 100));
    await (await open({ localAddress: FLOOD })).hello('Back');
  });

  test('a flood of hellos with resume tokens for someone else\'s id takes nothing from them', async () => {
    server = await startServer();
    const victim = await open({ localAddress: '127.0.0.20' });
    const friend = await open({ localAddress: '127.0.0.20' });
    const wv = await victim.hello('Victim');
    await friend.hello('Friend');
    await victim.expect('peer-joined');
    const mac = wv.resume.split('.')[1];
    const forged = (i) => {
      const flipped = (parseInt(mac[i % 64], 16) ^ (1 + (i % 15))).toString(16);
      return `${wv.id}.${mac.slice(0, i % 64)}${flipped}${mac.slice((i % 64) + 1)}`;
    };
    const rssBefore = rssKiB(server.child.pid);

    // 240 connections from four addresses (one of them the victim's network) ...
    const attackers = [];
    for (let n = 0; n < 4; n++) {
      for (let i = 0; i < 60; i++) attackers.push(await open({ localAddress: `127.0.0.${20 + n}` }));
    }
    for (const [i, m] of attackers.entries()) m.send({ type: 'hello', v: 1, name: 'Mallory', resume: forged(i) });
    for (const m of attackers) {
      assert.equal((await m.expect('error')).code, 'bad-resume');
      assert.notEqual((await m.expect('welcome')).id, wv.id);
    }
    // ... and one connection repeating its hello until the abuse limit closes it.
    const repeater = await open({ localAddress: '127.0.0.25' });
    repeater.send({ type: 'hello', v: 1, name: 'Mallory', resume: forged(999) });
    assert.equal((await repeater.expect('error')).code, 'bad-resume');
    await repeater.expect('welcome');
    for (let i = 0; i < 100 && repeater.socket.readyState === 1; i++) {
      repeater.send({ type: 'hello', v: 1, name: 'Mallory', resume: forged(i) });
    }
    const codes = [];
    for (;;) {
      const m = await repeater.next().catch(() => undefined);
      if (!m) break;
      codes.push(m.code);
      if (m.code === 'abuse') break;
    }
    // A repeated hello is bad-message (its forged token also earns a bad-resume, which is no
    // strike); the strikes add up to the abuse close.
    assert.deepEqual([...new Set(codes)].sort(), ['abuse', 'bad-message', 'bad-resume']);
    assert.equal(codes.filter((c) => c === 'bad-message').length, 30, 'the default --abuse-errors');
    assert.equal((await closedWithin(repeater)).code, 1008);

    // The victim still holds its id: not replaced, reachable, no peer-left for it anywhere.
    assert.equal(victim.socket.readyState, 1);
    friend.send({ type: 'signal', to: wv.id, data: { still: 'you' } });
    const seen = [];  // the victim's network hears the attackers join; nothing else
    for (let i = 0; i < 500; i++) {
      const m = await victim.next();
      if (m.type === 'signal') { assert.equal(m.data.still, 'you'); break; }
      seen.push(m);
    }
    seen.push(...friend.inbox);
    assert.ok(seen.every((m) => m.type === 'peer-joined' && m.peer.id !== wv.id), 'only attackers joining');
    assert.ok(!seen.some((m) => m.type === 'error'), 'no error reached the victim or its friend');
    assert.ok(!friend.inbox.some((m) => m.type === 'peer-left' && m.id === wv.id));
    const rssAfter = rssKiB(server.child.pid);
    console.log(`hello flood: RSS ${rssBefore} KiB -> ${rssAfter} KiB with ${attackers.length} attackers open`);
    if (!sanitized) assert.ok(rssAfter - rssBefore < 8 * 1024, `RSS grew ${rssAfter - rssBefore} KiB`);
  });
});
