// Two people call each other at the same moment: exactly one call survives, both connected, no
// ringing dialog, one RTCPeerConnection each.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TEST_MS, assertNoErrors, button, connectedPeerConnections, sleep, useSession, waitForEnd,
  waitForPhase, waitForRemoteMediaFlowing, waitForRinging,
} from './helpers.mjs';

const session = useSession({ before, after, afterEach });

// element.click() on both pages in the same tick of the test: each page's offer is on the way
// before the other's arrives (an offer needs getUserMedia first).
async function clickTogether(pages, names) {
  await Promise.all(pages.map((page, i) => page.evaluate((name) => {
    const target = [...document.querySelectorAll('#roster button')].find((b) => b.getAttribute('aria-label') === name);
    target.click();
  }, names[i])));
}

for (let round = 1; round <= 3; ++round) {
  test(`simultaneous calls end up in exactly one call (round ${round})`, { timeout: TEST_MS }, async () => {
    const [ada, bob] = await session.open(`Ada${round}`, `Bob${round}`);
    await clickTogether([ada.page, bob.page], [`Call ${bob.name}`, `Call ${ada.name}`]);
    await Promise.all([waitForPhase(ada.page, 'connected'), waitForPhase(bob.page, 'connected')]);
    await Promise.all([waitForRemoteMediaFlowing(ada.page), waitForRemoteMediaFlowing(bob.page)]);
    await sleep(500);  // a second call, if any, would have shown up by now
    for (const user of [ada, bob]) {
      assert.equal(await connectedPeerConnections(user.page), 1, `${user.name}: one connected RTCPeerConnection`);
      assert.equal(await user.page.evaluate(() =>
        window.__peerConnections.filter((pc) => pc.connectionState !== 'closed').length), 1,
                   `${user.name}: no other RTCPeerConnection left open`);
      assert.equal(await user.page.getByRole('alertdialog').count(), 0, `${user.name}: never asked to accept`);
      assert.equal(await user.page.locator('#callPanel').getAttribute('data-phase'), 'connected');
    }
    // Both placed a call: the loser's own RTCPeerConnection (if its camera opened before the
    // winner's offer came) was closed, so 2 or 3 were made in all.
    const made = (await Promise.all([ada, bob].map((u) => u.page.evaluate(() => window.__peerConnections.length))))
      .reduce((a, b) => a + b);
    assert.ok(made === 2 || made === 3, `${made} RTCPeerConnections made`);
    console.log(`round ${round}: ${made} RTCPeerConnections made in all`);
    await button(bob.page, 'Hang up').click();
    await Promise.all([waitForEnd(ada.page, 'hung-up'), waitForEnd(bob.page, 'hung-up')]);
    assertNoErrors(ada, bob);
  });
}

// The race above when one click lands late (page scheduling can delay it by 300 ms here): the
// other's offer arrived first and this page already rings. The click must still join that call.
// element.click(), as above: the incoming-call dialog is modal, so a pointer could not reach it.
test('a call back that lands after the other\'s offer joins that call', { timeout: TEST_MS }, async () => {
  const [ada, bob] = await session.open('Ada4', 'Bob4');
  await button(ada.page, `Call ${bob.name}`).click();
  await waitForRinging(bob.page, ada.name);
  const enabled = await bob.page.evaluate((name) => {
    const target = [...document.querySelectorAll('#roster button')].find((b) => b.getAttribute('aria-label') === name);
    const usable = !target.disabled;  // read first: once accepted, a call is in progress
    target.click();
    return usable;
  }, `Call ${ada.name}`);
  assert.ok(enabled, `Bob: "Call ${ada.name}" stays usable while ${ada.name}'s call rings`);
  await Promise.all([waitForPhase(ada.page, 'connected'), waitForPhase(bob.page, 'connected')]);
  await Promise.all([waitForRemoteMediaFlowing(ada.page), waitForRemoteMediaFlowing(bob.page)]);
  for (const user of [ada, bob]) {
    assert.equal(await connectedPeerConnections(user.page), 1, `${user.name}: one connected RTCPeerConnection`);
    assert.equal(await user.page.getByRole('alertdialog').count(), 0, `${user.name}: no dialog left open`);
  }
  await button(bob.page, 'Hang up').click();
  await Promise.all([waitForEnd(ada.page, 'hung-up'), waitForEnd(bob.page, 'hung-up')]);
  assertNoErrors(ada, bob);
});
