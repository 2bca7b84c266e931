// Recovery: the peer's page closes mid-call; the signaling server restarts mid-call (media keeps
// flowing, both pages come back online and see each other, hang up still works).
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  STEP_MS, TEST_MS, allowConsoleErrors, assertNoErrors, button, connectCall, launchBrowser,
  openUser, closeUsers, sleep, startServer, stopServer, waitForEnd, waitForLink,
  waitForRemoteMediaFlowing,
} from './helpers.mjs';

// Same flags for both server runs, including the secret that resume tokens are signed with.
const SECRET = '5f'.repeat(32);
let server, port, baseUrl, browser;
let users = [];

before(async () => {
  const started = await startServer({ extra: ['--secret', SECRET] });
  ({ child: server, port, url: baseUrl } = started);
  browser = await launchBrowser();
}, { timeout: TEST_MS });
after(async () => {
  await browser?.close().catch(() => {});
  await stopServer(server);
}, { timeout: TEST_MS });
afterEach(async () => { await closeUsers(...users); users = []; }, { timeout: TEST_MS });

async function open(...names) {
  users = await Promise.all(names.map((name) => openUser(browser, baseUrl, name)));
  for (const u of users) {
    for (const other of users) if (other !== u) await button(u.page, `Call ${other.name}`).waitFor();
  }
  return users;
}

test('the peer closes its page mid-call: the call ends promptly', { timeout: TEST_MS }, async () => {
  const [ada, bob] = await open('Ada', 'Bob');
  await connectCall(ada, bob);
  const closedAt = performance.now();
  await bob.context.close();
  await waitForEnd(ada.page, 'hung-up', 3_000);
  console.log(`page closed -> call ended: ${(performance.now() - closedAt).toFixed(0)} ms`);
  assertNoErrors(ada);
});

test('server restarted mid-call: media keeps flowing, both come back, hang up still works',
     { timeout: TEST_MS }, async () => {
  // While the server is down, the browser reports failed WebSocket connections on the console.
  allowConsoleErrors(/WebSocket connection to .* failed/);
  const [cleo, dan] = await open('Cleo', 'Dan');
  await connectCall(cleo, dan);
  await Promise.all([waitForRemoteMediaFlowing(cleo.page), waitForRemoteMediaFlowing(dan.page)]);
  const idsBefore = await Promise.all([cleo, dan].map((u) => u.page.locator('#roster li').getAttribute('data-peer-id')));

  await stopServer(server);
  await Promise.all([waitForLink(cleo.page, 'reconnecting'), waitForLink(dan.page, 'reconnecting')]);
  assert.equal(await cleo.page.locator('#connection').textContent(), 'Reconnecting…');
  // Media does not go through the server: it keeps flowing while the server is away.
  await Promise.all([waitForRemoteMediaFlowing(cleo.page, { seconds: 1 }),
                     waitForRemoteMediaFlowing(dan.page, { seconds: 1 })]);
  await sleep(1_000);

  const restarted = await startServer({ port, extra: ['--secret', SECRET] });
  server = restarted.child;
  const backAt = performance.now();
  await Promise.all([waitForLink(cleo.page, 'online', STEP_MS), waitForLink(dan.page, 'online', STEP_MS)]);
  console.log(`server back -> both online: ${(performance.now() - backAt).toFixed(0)} ms`);
  assert.equal(await cleo.page.locator('#connection').textContent(), 'Online');
  await cleo.page.locator('#roster li').filter({ hasText: 'Dan' }).waitFor();
  await dan.page.locator('#roster li').filter({ hasText: 'Cleo' }).waitFor();
  const idsAfter = await Promise.all([cleo, dan].map((u) => u.page.locator('#roster li').getAttribute('data-peer-id')));
  for (const u of [cleo, dan]) {
    assert.equal(await u.page.locator('#callPanel').getAttribute('data-phase'), 'connected');
  }
  await Promise.all([waitForRemoteMediaFlowing(cleo.page), waitForRemoteMediaFlowing(dan.page)]);
  // Signaling after the restart reaches the peer only if both kept their ids (hello.resume).
  assert.deepEqual(idsAfter, idsBefore, 'both resumed their ids after the restart');

  await button(dan.page, 'Hang up').click();
  await Promise.all([waitForEnd(cleo.page, 'hung-up', 5_000), waitForEnd(dan.page, 'hung-up')]);
  assertNoErrors(cleo, dan);
});
