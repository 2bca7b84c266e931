// Two pages on two instances of one service (issue #21): a real redis-server, two real servers
// with --redis and one secret. Pages loaded from different instances see each other, call with
// video and send a file exactly as on one server (only signaling crosses Redis). A page behind
// a real HAProxy (deploy/haproxy.cfg) survives the death of its instance mid-call.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  STEP_MS, TEST_MS, allowConsoleErrors, assertNoErrors, button, closeUsers, connectCall, launchBrowser,
  openUser, probes, startServer, stopServer, waitForEnd, waitForLink, waitForRemoteMediaFlowing,
  writeRandomFile,
} from './helpers.mjs';
import { startBalancer, startRedis } from '../server/helpers.mjs';

const SECRET = '7e57ab1e'.repeat(8);
let redis;
let browser;
const servers = [];
const folder = mkdtempSync(path.join(tmpdir(), 'peerline-scale-e2e-'));

before(async () => {
  redis = await startRedis();
  for (const id of ['one', 'two']) {
    servers.push(await startServer({ extra: ['--redis', redis.url, '--instance-id', id, '--secret', SECRET,
                                             '--trust-proxy', '127.0.0.1'] }));
  }
  // Both linked to Redis before anyone arrives.
  for (const s of servers) {
    for (let i = 0; !/redis state=up/.test(s.log()); i += 1) {
      assert.ok(i < 100, `instance on ${s.port} reached Redis: ${s.log()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  browser = await launchBrowser();
}, { timeout: TEST_MS });

let lb;
after(async () => {
  await browser?.close().catch(() => {});
  await lb?.stop();
  for (const s of servers) await stopServer(s.child);
  await redis?.kill('SIGTERM');
  rmSync(folder, { recursive: true, force: true });
}, { timeout: TEST_MS });

test('pages on different instances call each other and send a file', { timeout: 120_000 }, async () => {
  const ada = await openUser(browser, servers[0].url, 'Ada');
  const bob = await openUser(browser, servers[1].url, 'Bob');
  try {
    await button(ada.page, 'Call Bob').waitFor();
    await button(bob.page, 'Call Ada').waitFor();

    await connectCall(ada, bob);
    await Promise.all([waitForRemoteMediaFlowing(ada.page), waitForRemoteMediaFlowing(bob.page)]);
    await button(bob.page, 'Hang up').click();
    await Promise.all([waitForEnd(ada.page, 'hung-up'), waitForEnd(bob.page, 'hung-up')]);

    const file = await writeRandomFile(folder, 'across.bin', 3 * 1024 * 1024 + 17);
    await ada.page.getByRole('button', { name: /^Chat and files with Bob/ }).click();
    await ada.page.locator('#fileInput').setInputFiles(file.file);
    await bob.page.locator('#transfers .transfer').last().waitFor();
    await button(bob.page, 'Accept').click();
    await bob.page.waitForFunction(() => [...document.querySelectorAll('#transfers .transfer')].at(-1)?.dataset.state === 'done',
                                   null, { timeout: STEP_MS * 2, polling: 100 });
    const hashes = await bob.page.evaluate(probes.savedHashes);
    assert.equal(hashes['across.bin'], file.sha256, 'the file arrived intact');
    assertNoErrors(ada, bob);
  } finally {
    await closeUsers(ada, bob);
  }
});

// The peers on each instance, by /metrics (loopback client).
async function peersOn(server) {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Number(/^peerline_peers (\d+)$/m.exec(text)[1]);
}

test('behind HAProxy, a page survives the death of its instance mid-call', { timeout: 120_000 }, async () => {
  // While its instance is gone the page's reconnect attempts may fail on the console.
  allowConsoleErrors(/WebSocket connection to .* failed/);
  lb = await startBalancer(servers.map((s) => s.port));
  const cleo = await openUser(browser, lb.http, 'Cleo');
  let dan;
  try {
    // Dan straight on the other instance, so the one to die is Cleo's alone.
    let home = -1;
    for (let i = 0; i < 100 && home < 0; i += 1) {
      if (await peersOn(servers[0]) === 1) home = 0;
      else if (await peersOn(servers[1]) === 1) home = 1;
      else await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(home >= 0, "Cleo's instance found");
    dan = await openUser(browser, servers[1 - home].url, 'Dan');
    await button(cleo.page, 'Call Dan').waitFor();
    await connectCall(cleo, dan);
    await Promise.all([waitForRemoteMediaFlowing(cleo.page), waitForRemoteMediaFlowing(dan.page)]);
    const idBefore = await dan.page.locator('#roster li').getAttribute('data-peer-id');

    servers[home].child.kill('SIGKILL');
    await waitForLink(cleo.page, 'reconnecting');
    // Media does not go through any instance: it keeps flowing.
    await waitForRemoteMediaFlowing(cleo.page, { seconds: 1 });
    // The page reconnects through the balancer, to the instance that is left, with its id.
    await waitForLink(cleo.page, 'online', STEP_MS);
    assert.equal(await peersOn(servers[1 - home]), 2);
    await dan.page.locator('#roster li').filter({ hasText: 'Cleo' }).waitFor();
    assert.equal(await dan.page.locator('#roster li').getAttribute('data-peer-id'), idBefore, 'Cleo kept her id');
    for (const u of [cleo, dan]) assert.equal(await u.page.locator('#callPanel').getAttribute('data-phase'), 'connected');
    await Promise.all([waitForRemoteMediaFlowing(cleo.page), waitForRemoteMediaFlowing(dan.page)]);

    await button(dan.page, 'Hang up').click();
    await Promise.all([waitForEnd(cleo.page, 'hung-up', 5_000), waitForEnd(dan.page, 'hung-up')]);
    assertNoErrors(cleo, dan);
  } finally {
    await closeUsers(cleo, dan);
  }
});
