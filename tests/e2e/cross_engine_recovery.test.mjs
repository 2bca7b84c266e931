// ICE restart across engines (issue 16): the media path of a Chromium↔Firefox call breaks; both
// pages see the connection drop, the caller restarts ICE (src/core/call_negotiation.cpp: only the
// caller does), and video and sound flow again over a new path. Both directions of who calls.
//
// The network drop, the same in both engines: every UDP IPv4 candidate a page receives is
// rewritten (an init script wraps addIceCandidate) to a port of a small UDP "NAT" in this file
// that forwards to the real candidate, so the call's media goes through it (checked: each side's
// selected pair's remote port is one of its ports). Cutting the path drops everything on the
// ports open at that moment; candidates gathered after the ICE restart get fresh ports that
// forward again. IPv6 and TCP candidates are not given to the page at all (no direct way around).
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import os from 'node:os';
import {
  TEST_MS, assertNoErrors, connectCall, inChromium, inFirefox, inboundAudioOver, remoteVideoSample,
  statusOf, useCrossSession, waitForEnd, waitForPhase, waitForRemoteMediaFlowing,
} from './engines.mjs';

const session = useCrossSession({ before, after, afterEach });
const RECONNECT_MS = 20_000;  // call_timing::kReconnectMs: a call not back by then ends

// The machine's own non-loopback IPv4 address (both engines gather host candidates on it;
// Chromium gathers none on loopback).
const hostAddress = Object.values(os.networkInterfaces()).flat()
  .find((a) => a.family === 'IPv4' && !a.internal)?.address ?? '127.0.0.1';

// The UDP "NAT": map(A, P) opens a port that forwards to A:P (one outbound socket per client, so
// replies find their way back) and gives that port. Pages reach it through a function exposed to
// them (exposeFunction, both engines), not a fetch: the page's CSP allows no other origin.
function startPath() {
  const sockets = new Set();
  const ports = new Set();
  let dropped = 0, forwarded = 0;
  const open = (type = 'udp4') => {
    const socket = dgram.createSocket(type);
    socket.alive = true;
    sockets.add(socket);
    socket.on('error', () => {});
    return socket;
  };
  const map = (address, port) => new Promise((resolve) => {
    const front = open();
    const outbound = new Map();  // client "addr:port" -> socket towards the target
    front.on('message', (message, from) => {
      if (!front.alive) return void dropped++;
      const key = `${from.address}:${from.port}`;
      let out = outbound.get(key);
      if (!out) {
        out = open();
        // A peer sees the path's side of these as peer-reflexive candidates: path ports too.
        out.bind(0, hostAddress, () => ports.add(out.address().port));
        out.on('message', (reply) => {
          if (!out.alive || !front.alive) return void dropped++;
          forwarded++;
          front.send(reply, from.port, from.address);
        });
        outbound.set(key, out);
      }
      if (!out.alive) return void dropped++;
      forwarded++;
      out.send(message, port, address);
    });
    front.bind(0, hostAddress, () => {
      ports.add(front.address().port);
      resolve(front.address().port);
    });
  });
  return Promise.resolve({
    map: async (address, port) => ({ address: hostAddress, port: await map(address, Number(port)) }),
    ports,
    counts: () => ({ forwarded, dropped }),
    // The network drop: nothing open now forwards any more.
    cut: () => { for (const socket of sockets) socket.alive = false; },
    close: () => {
      for (const socket of sockets) socket.close();
    },
  });
}

let path;
before(async () => { path = await startPath(); }, { timeout: TEST_MS });
after(async () => { await path?.close(); }, { timeout: TEST_MS });

// Init script (page side): remote candidates go through the path (window.__mapCandidate, exposed
// by throughPathFor once the page is open, before any call).
const throughPath = `function () {
  const add = RTCPeerConnection.prototype.addIceCandidate;
  RTCPeerConnection.prototype.addIceCandidate = async function (init, ...rest) {
    const text = init?.candidate ?? '';
    if (!text) return add.call(this, init, ...rest);
    const f = text.replace(/^a=/, '').split(' ');
    // candidate:<foundation> <component> <transport> <priority> <address> <port> typ ...
    if (f[2].toLowerCase() !== 'udp' || !/^\\d+\\.\\d+\\.\\d+\\.\\d+$/.test(f[4])) return undefined;
    const mapped = await window.__mapCandidate(f[4], f[5]);
    f[4] = mapped.address;
    f[5] = String(mapped.port);
    return add.call(this, { ...init, candidate: f.join(' ') }, ...rest);
  };
}`;

// Playwright's and puppeteer's pages both have exposeFunction(name, fn).
async function exposePath(...users) {
  for (const user of users) await user.page.exposeFunction('__mapCandidate', (address, port) => path.map(address, port));
}

// The call's selected candidate pair (remote address:port) and ICE username fragments.
const iceOf = (user) => user.evaluate(async () => {
  const pc = window.__peerConnections.at(-1);
  const stats = [...(await pc.getStats()).values()];
  const byId = new Map(stats.map((s) => [s.id, s]));
  const transport = stats.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
  const pair = transport ? byId.get(transport.selectedCandidatePairId)
                         : stats.find((s) => s.type === 'candidate-pair' && (s.selected || s.nominated) && s.state === 'succeeded');
  const remote = pair && byId.get(pair.remoteCandidateId);
  const ufrag = (d) => /^a=ice-ufrag:(\S+)/m.exec(d?.sdp ?? '')?.[1];
  return { remotePort: remote?.port, remoteAddress: remote?.address ?? remote?.ip,
           localUfrag: ufrag(pc.currentLocalDescription), remoteUfrag: ufrag(pc.currentRemoteDescription),
           state: pc.connectionState };
});

async function assertMediaBothWays(a, b) {
  await Promise.all([waitForRemoteMediaFlowing(a), waitForRemoteMediaFlowing(b)]);
  for (const [user, other] of [[a, b], [b, a]]) {
    const sample = await remoteVideoSample(user);
    assert.ok(sample.width > 0 && !sample.paused, `${user.name} (${user.engine}) sees ${other.name}: ${JSON.stringify(sample)}`);
    const audio = await inboundAudioOver(user, 1_000);
    assert.ok(audio.energy > 0 && audio.bytes > 0, `${user.name} (${user.engine}) hears ${other.name}: ${JSON.stringify(audio)}`);
  }
}

async function restartAcrossEngines(caller, callee) {
  await connectCall(caller, callee);
  await assertMediaBothWays(caller, callee);
  const initial = {};
  for (const user of [caller, callee]) {
    initial[user.name] = await iceOf(user);
    assert.ok(path.ports.has(initial[user.name].remotePort),
              `${user.name}'s (${user.engine}) media goes through the path: ${JSON.stringify(initial[user.name])} not in ${[...path.ports]}`);
  }

  const cutAt = performance.now();
  path.cut();
  // Both pages say the connection is lost and being restored...
  await Promise.all([waitForPhase(caller, 'reconnecting', RECONNECT_MS), waitForPhase(callee, 'reconnecting', RECONNECT_MS)]);
  const lostAfter = performance.now() - cutAt;
  // ...and it is, within the reconnect window, by an ICE restart.
  await Promise.all([waitForPhase(caller, 'connected', RECONNECT_MS), waitForPhase(callee, 'connected', RECONNECT_MS)]);
  console.log(`${caller.engine} calls ${callee.engine}: path cut -> reconnecting ${lostAfter.toFixed(0)} ms, ` +
              `-> connected again ${(performance.now() - cutAt).toFixed(0)} ms; ${JSON.stringify(path.counts())}`);
  for (const user of [caller, callee]) {
    const now = await iceOf(user);
    const was = initial[user.name];
    assert.notEqual(now.localUfrag, was.localUfrag, `${user.name} (${user.engine}) restarted ICE: ${JSON.stringify({ was, now })}`);
    assert.notEqual(now.remoteUfrag, was.remoteUfrag, `${user.name} (${user.engine}) got the peer's new ICE credentials`);
    assert.ok(path.ports.has(now.remotePort) && now.remotePort !== was.remotePort,
              `${user.name} (${user.engine}) uses a new path: ${JSON.stringify({ was, now })}`);
  }
  assert.ok(path.counts().dropped > 0, 'the cut path dropped packets');
  // Video and sound flow again, both ways.
  await assertMediaBothWays(caller, callee);
  await callee.click('Hang up');
  await Promise.all([waitForEnd(callee, 'hung-up'), waitForEnd(caller, 'hung-up')]);
  assert.equal(await statusOf(caller), `Call with ${callee.name} ended`);
}

test('Chromium calls Firefox; the media path breaks: ICE restart, video and sound again', { timeout: TEST_MS }, async () => {
  const initScript = throughPath;
  const [cora, finn] = await session.open(inChromium('Cora', { initScript }), inFirefox('Finn', { initScript }));
  await exposePath(cora, finn);
  await restartAcrossEngines(cora, finn);
  assertNoErrors(cora, finn);
});

test('Firefox calls Chromium; the media path breaks: ICE restart, video and sound again', { timeout: TEST_MS }, async () => {
  const initScript = throughPath;
  const [fay, carl] = await session.open(inFirefox('Fay', { initScript }), inChromium('Carl', { initScript }));
  await exposePath(fay, carl);
  await restartAcrossEngines(fay, carl);
  assertNoErrors(fay, carl);
});
