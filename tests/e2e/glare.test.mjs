// Two people call each other at the same moment: exactly one call survives, both connected, no
// ringing dialog, one RTCPeerConnection each.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TEST_MS, assertNoErrors, button, connectedPeerConnections, sleep, useSession, waitForEnd,
  waitForPhase, waitForRemoteMediaFlowing,
} from './helpers.mjs';

const session = useSession({ before, after, afterEach });

// element.click() on both pages in the same tick of the test: each page's offer is on the way
// before the other's arrives (an offer needs getUserMedia first).
async function clickTogether(pages, names) {
  await Promise.all(pages.map((page, i) => page.evaluate((name) => {
    const target = [...document.querySelectorAll('#roster button')].find((b) => b.textContent === name);
    target.click();
  }, names[i])));
}

for (let round = 1; round <= 3; ++round) {
  test(`simultaneous calls end up in exactly one call (round ${round})`, { timeout: TEST_MS }, async () => {
    const [ada, bob] = await session.open(`Ada${round}`, `Bob${round}`);
    const trace = [];  // TEMP
    const t0 = Date.now();
    for (const u of [ada, bob]) {
      u.page.on('websocket', (ws) => {
        ws.on('framesent', (f) => trace.push(`${Date.now() - t0} ${u.name} > ${String(f.payload).slice(0, 160)}`));
        ws.on('framereceived', (f) => trace.push(`${Date.now() - t0} ${u.name} < ${String(f.payload).slice(0, 160)}`));
      });
      u.page.on('console', (m) => trace.push(`${Date.now() - t0} ${u.name} console.${m.type()}: ${m.text()}`));
      await u.page.evaluate(() => {
        const P = RTCPeerConnection.prototype;
        for (const m of ['createOffer', 'createAnswer', 'setLocalDescription', 'setRemoteDescription', 'addIceCandidate', 'close', 'addTrack', 'setCodecPreferences']) {
          const orig = P[m] || RTCRtpTransceiver.prototype[m];
          if (!P[m]) continue;
          P[m] = function (...a) {
            const i = window.__peerConnections.indexOf(this);
            const d = a[0] && a[0].type ? a[0].type : (a[0] && a[0].candidate !== undefined ? 'cand' : '');
            console.log(`pc${i} ${m}(${d}) sig=${this.signalingState}`);
            const r = orig.apply(this, a);
            if (r && r.then) r.then(() => console.log(`pc${i} ${m} ok sig=${this.signalingState}`), (e) => console.log(`pc${i} ${m} FAIL ${e}`));
            return r;
          };
        }
        const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
        navigator.mediaDevices.getUserMedia = (c) => { console.log('gUM'); return gum(c).then((s) => { console.log('gUM ok'); return s; }); };
      });
    }
    await clickTogether([ada.page, bob.page], [`Call ${bob.name}`, `Call ${ada.name}`]);
    try {
      await Promise.all([waitForPhase(ada.page, 'connected'), waitForPhase(bob.page, 'connected')]);
    } catch (e) {
      for (const u of [ada, bob]) {
        trace.push(`${u.name}: phase=${await u.page.locator('#callPanel').getAttribute('data-phase')} status=${await u.page.locator('#callStatus').textContent()} pcs=${await u.page.evaluate(() => JSON.stringify(window.__peerConnections.map((pc) => [pc.signalingState, pc.connectionState, pc.iceConnectionState])))}`);
      }
      console.log(trace.join('\n'));
      throw e;
    }
    if (process.env.TRACE_ALL) console.log(trace.join('\n'));
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
