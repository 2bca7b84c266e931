// Screen sharing (issue 19) in Chromium: headless Chromium with the fake devices of DESIGN.md
// answers getDisplayMedia with a fake 1280×720 "screen" (its camera is 640×480), so the peer's
// picture size tells which one arrives. The screen's track replaces the camera's on the same
// sender (no renegotiation); stopping, or the capture ending by itself, brings the camera back;
// a refusal leaves the call as it was, with a plain notice.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  STEP_MS, TEST_MS, assertNoErrors, button, connectCall, phaseOf, useSession, waitForRemoteMediaFlowing,
} from './helpers.mjs';

const session = useSession({ before, after, afterEach });
const pressed = (page, name) => button(page, name).getAttribute('aria-pressed');

// The peer's video arrives at this width (frames decoded and shown).
const waitForRemoteWidth = (page, width) => page.waitForFunction(
  (w) => document.getElementById('remoteVideo').videoWidth === w, width, { timeout: STEP_MS });

// The track on the page's video sender.
const sent = (page) => page.evaluate(() => {
  const pc = window.__peerConnections.at(-1);
  const track = pc.getSenders().find((s) => s.track?.kind === 'video')?.track;
  return { label: track?.label ?? null, hint: track?.contentHint ?? null };
});

// Counts setLocalDescription calls (offers and answers): a renegotiation would add some.
function countNegotiations() {
  const set = RTCPeerConnection.prototype.setLocalDescription;
  window.__negotiations = 0;
  RTCPeerConnection.prototype.setLocalDescription = function (...args) {
    window.__negotiations += 1;
    return set.apply(this, args);
  };
}
const negotiations = (page) => page.evaluate(() => window.__negotiations);

test('share screen: the peer sees the screen whole, stop brings the camera back, no renegotiation', { timeout: TEST_MS }, async () => {
  const [ada, bob] = await session.open({ name: 'Ada', initScript: countNegotiations },
                                        { name: 'Bob', initScript: countNegotiations });
  await connectCall(ada, bob);
  await waitForRemoteWidth(bob.page, 640);
  const before = [await negotiations(ada.page), await negotiations(bob.page)];

  await button(ada.page, 'Share screen').click();
  await waitForRemoteWidth(bob.page, 1280);
  assert.equal(await pressed(ada.page, 'Share screen'), 'true');
  const sharing = await sent(ada.page);
  assert.match(sharing.label, /^screen:/);
  assert.equal(sharing.hint, 'detail');
  // The other side shows it whole: contained in its video element, never cropped.
  assert.equal(await bob.page.evaluate(() => getComputedStyle(document.getElementById('remoteVideo')).objectFit), 'contain');
  // The camera toggle waits while the screen is on the sender.
  assert.equal(await button(ada.page, 'Camera off').isDisabled(), true);

  await button(ada.page, 'Share screen').click();
  await waitForRemoteWidth(bob.page, 640);
  assert.equal(await pressed(ada.page, 'Share screen'), 'false');
  assert.doesNotMatch((await sent(ada.page)).label, /^screen:/);
  await waitForRemoteMediaFlowing(bob.page);
  assert.deepEqual([await negotiations(ada.page), await negotiations(bob.page)], before, 'no renegotiation');
  assert.equal(await phaseOf(ada.page), 'connected');
  assertNoErrors(ada, bob);
});

test('a capture that ends by itself (the browser\'s own "Stop sharing") goes back to the camera', { timeout: TEST_MS }, async () => {
  const [ada, bob] = await session.open('Ada', 'Bob');
  await connectCall(ada, bob);
  await button(ada.page, 'Share screen').click();
  await waitForRemoteWidth(bob.page, 1280);
  // What the browser does when its bar's "Stop sharing" is pressed: the track ends.
  await ada.page.evaluate(() => {
    const track = window.__peerConnections.at(-1).getSenders().find((s) => s.track?.kind === 'video').track;
    track.stop();
    track.dispatchEvent(new Event('ended'));
  });
  await waitForRemoteWidth(bob.page, 640);
  assert.equal(await pressed(ada.page, 'Share screen'), 'false');
  assert.equal(await button(ada.page, 'Camera off').isDisabled(), false);
  assertNoErrors(ada, bob);
});

// The user cancels the browser's picker (or policy forbids capture).
function refuseDisplayMedia() {
  navigator.mediaDevices.getDisplayMedia = () =>
    Promise.reject(new DOMException('Permission denied by user', 'NotAllowedError'));
}

test('a refused screen share says so plainly and the call goes on with the camera', { timeout: TEST_MS }, async () => {
  const [ada, bob] = await session.open({ name: 'Ada', initScript: refuseDisplayMedia }, 'Bob');
  await connectCall(ada, bob);
  await button(ada.page, 'Share screen').click();
  await ada.page.locator('#notice').getByText('Screen sharing did not start (not allowed or cancelled)').waitFor();
  assert.equal(await pressed(ada.page, 'Share screen'), 'false');
  assert.equal(await phaseOf(ada.page), 'connected');
  await waitForRemoteWidth(bob.page, 640);
  await waitForRemoteMediaFlowing(bob.page);
  assertNoErrors(ada, bob);
});

test('an audio-only call offers no screen sharing', { timeout: TEST_MS }, async () => {
  const [ada, bob] = await session.open('Ada', 'Bob');
  await connectCall(ada, bob, { video: false });
  assert.equal(await button(ada.page, 'Share screen').count(), 0);
  assert.equal(await button(ada.page, 'Hang up').isVisible(), true);
  assertNoErrors(ada, bob);
});
