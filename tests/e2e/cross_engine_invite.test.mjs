// Invite links across engines (issue 16): people on different networks do not see each other until
// one opens the other's invite link; then they do, and can call (video and sound checked).
//
// Two networks on one machine: the server trusts X-Forwarded-For from 127.0.0.1 (--trust-proxy,
// as behind a reverse proxy), and every user reaches it through one small proxy in this file that
// says where each browser "connects from": Chromium users from 198.51.100.10, Firefox users from
// 203.0.113.20 (network rooms are per IPv4 address, server/client_address.cpp). Everyone uses the
// same URL, so an invite link works for whoever opens it, as on a public server; pages stay on
// http://127.0.0.1, a secure context, so camera and microphone work.
import { after, afterEach, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import {
  TEST_MS, assertNoErrors, connectCall, inChromium, inFirefox, inboundAudioOver, remoteVideoSample,
  sleep, statusOf, useCrossSession, waitForEnd, waitForRemoteMediaFlowing,
} from './engines.mjs';

const NETWORK = { chromium: '198.51.100.10', firefox: '203.0.113.20' };
const networkOf = (request) => (/\bFirefox\//.test(request.headers['user-agent'] ?? '') ? NETWORK.firefox : NETWORK.chromium);

const session = useCrossSession({ before, after, afterEach }, { serverFlags: ['--trust-proxy', '127.0.0.1'] });

// An HTTP and WebSocket proxy to `target` that sets X-Forwarded-For to networkOf(request).
function startNetworkProxy(target) {
  const { hostname, port } = new URL(target);
  const sockets = new Set();
  const server = http.createServer((request, response) => {
    const upstream = http.request({ host: hostname, port, method: request.method, path: request.url,
                                    headers: { ...request.headers, 'x-forwarded-for': networkOf(request) } },
                                  (answer) => {
                                    response.writeHead(answer.statusCode, answer.headers);
                                    answer.pipe(response);
                                  });
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  server.on('connection', (socket) => { sockets.add(socket); socket.on('close', () => sockets.delete(socket)); });
  server.on('upgrade', (request, socket, head) => {
    const upstream = net.connect(Number(port), hostname, () => {
      const lines = [`${request.method} ${request.url} HTTP/1.1`];
      for (let i = 0; i < request.rawHeaders.length; i += 2) {
        if (request.rawHeaders[i].toLowerCase() !== 'x-forwarded-for') lines.push(`${request.rawHeaders[i]}: ${request.rawHeaders[i + 1]}`);
      }
      lines.push(`X-Forwarded-For: ${networkOf(request)}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => { sockets.delete(upstream); socket.destroy(); });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
    socket.on('close', () => upstream.destroy());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((done) => { for (const s of sockets) s.destroy(); server.close(done); }),
  })));
}

// Once the session's server runs (after every before(): the file's hooks do not run in order).
let proxy;
beforeEach(async () => {
  if (proxy) return;
  proxy = await startNetworkProxy(session.baseUrl);
  session.baseUrl = proxy.url;
}, { timeout: TEST_MS });
after(async () => { await proxy?.close(); }, { timeout: TEST_MS });

// The names on a user's roster.
const rosterOf = (user) => user.evaluate(() => [...document.querySelectorAll('#roster .peer-name')].map((e) => e.textContent).sort());

// `promise`, failing with `what` (puppeteer's timeouts say nothing of where).
async function step(what, promise) {
  try {
    return await promise;
  } catch (error) {
    error.message = `${what}: ${error.message}`;
    throw error;
  }
}

// Both see and hear each other.
async function assertMediaBothWays(a, b) {
  await step(`media flowing to ${a.name} and ${b.name}`, Promise.all([waitForRemoteMediaFlowing(a), waitForRemoteMediaFlowing(b)]));
  for (const [user, other] of [[a, b], [b, a]]) {
    const sample = await remoteVideoSample(user);
    assert.ok(sample.width > 0 && sample.height > 0 && !sample.paused,
              `${user.name} (${user.engine}) sees ${other.name}: ${JSON.stringify(sample)}`);
    const audio = await inboundAudioOver(user, 1_000);
    assert.ok(audio.energy > 0 && audio.bytes > 0,
              `${user.name} (${user.engine}) hears ${other.name} (${other.engine}): ${JSON.stringify(audio)}`);
  }
}

// `inviter` (alone on its network) invites; `guest` (on the other network, with `neighbour` on
// the same network as the guest) opens the link.
async function inviteAcrossNetworks(inviter, guest, neighbour) {
  // Each network sees only itself: the guest and the neighbour see each other; the inviter sees
  // nobody, and nobody sees the inviter.
  await sleep(1_000);  // any roster update in flight lands first
  assert.deepEqual(await rosterOf(inviter), [], `${inviter.name} (${inviter.engine}) is alone on its network`);
  assert.equal(await inviter.evaluate(() => document.getElementById('rosterEmpty').hidden), false);
  assert.deepEqual(await rosterOf(guest), [neighbour.name]);
  assert.deepEqual(await rosterOf(neighbour), [guest.name]);

  await inviter.click('Invite');
  await inviter.waitForRole('heading', 'Invite someone on another network');
  await inviter.waitFor(() => /\?room=./.test(document.getElementById('inviteLink').value));
  const link = await inviter.evaluate(() => document.getElementById('inviteLink').value);
  assert.ok(link.startsWith(`${session.baseUrl}/?room=`), link);
  // The inviter's own address bar holds the link too (a reload stays in the room).
  assert.equal(await inviter.evaluate(() => location.href), link);

  // The guest opens the link; `name` only keeps the test's name for the guest (a ?name= is not
  // remembered by the page, so without it the guest would come back under a random name).
  const opened = new URL(link);
  opened.searchParams.set('name', guest.name);
  const started = performance.now();
  await guest.visit(opened.href);
  try {
    await Promise.all([guest.waitForRole('button', `Call ${inviter.name}`),
                       inviter.waitForRole('button', `Call ${guest.name}`)]);
  } catch (error) {
    for (const user of [inviter, guest, neighbour]) {
      error.message += `\n${user.name} (${user.engine}): ${JSON.stringify(await user.evaluate(() => ({
        href: location.href, link: document.getElementById('connection').dataset.state,
        roster: [...document.querySelectorAll('#roster .peer-name')].map((e) => e.textContent),
      })))} errors ${JSON.stringify(user.errors)}`;
    }
    throw error;
  }
  console.log(`${guest.engine} opened ${inviter.engine}'s invite -> both see each other: ${(performance.now() - started).toFixed(0)} ms`);
  // The guest keeps its own network too; the neighbour, who has
  // no link, still does not see the inviter.
  await step(`${neighbour.name} sees ${guest.name} again`, neighbour.waitForRole('button', `Call ${guest.name}`));
  assert.deepEqual(await rosterOf(guest), [inviter.name, neighbour.name].sort());
  assert.deepEqual(await rosterOf(inviter), [guest.name]);
  assert.deepEqual(await rosterOf(neighbour), [guest.name]);

  // They call, across networks and engines: the guest calls, the inviter answers.
  await step(`${guest.name} calls ${inviter.name}`, connectCall(guest, inviter));
  await assertMediaBothWays(guest, inviter);
  await inviter.click('Hang up');
  await step('hang up', Promise.all([waitForEnd(inviter, 'hung-up'), waitForEnd(guest, 'hung-up')]));
  assert.equal(await statusOf(guest), `Call with ${inviter.name} ended`);
}

test('a Chromium user opens a Firefox user\'s invite link: they see each other and call', { timeout: TEST_MS }, async () => {
  const [fay] = await session.open(inFirefox('Fay'));
  const [carl, cleo] = await session.open(inChromium('Carl'), inChromium('Cleo'));
  await inviteAcrossNetworks(fay, carl, cleo);
  assertNoErrors(fay, carl, cleo);
});

test('a Firefox user opens a Chromium user\'s invite link: they see each other and call', { timeout: TEST_MS }, async () => {
  const [cora] = await session.open(inChromium('Cora'));
  const [finn, flo] = await session.open(inFirefox('Finn'), inFirefox('Flo'));
  await inviteAcrossNetworks(cora, finn, flo);
  assertNoErrors(cora, finn, flo);
});
