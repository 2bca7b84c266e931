// Screen sharing (issue 19) in Chromium: headless Chromium with the fake devices of DESIGN.md
// answers getDisplayMedia with a fake 1280×720 "screen" (its camera is 640×480), so the peer's
// picture size tells which one arrives. The screen's track replaces the camera's on the same
// sender (no renegotiation); stopping, or the capture ending by itself, brings the camera back;
// a refusal leaves the call as it was, with a plain notice. An audio-only call has no video
// sender to replace: sharing adds one by a renegotiation and stopping removes it again.
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

// Whether the page's stage shows the peer's picture (a camera or a shared screen) or its avatar.
const picture = (page) => page.locator('#stage').getAttribute('data-remote-picture');
const waitForPicture = (page, state) => page.waitForFunction(
  (s) => document.getElementById('stage').dataset.remotePicture === s, state, { timeout: STEP_MS });
// The page's video transceivers: how many, and how many send a track now.
const videoSenders = (page) => page.evaluate(() => {
  const videos = window.__peerConnections.at(-1).getTransceivers()
    .filter((t) => t.receiver.track.kind === 'video' && t.currentDirection !== 'stopped');
  return { transceivers: videos.length, sending: videos.filter((t) => t.sender.track).length };
});
// What the browser does when its bar's "Stop sharing" is pressed: the track ends.
const endCaptureFromBrowserBar = (page) => page.evaluate(() => {
  const track = window.__peerConnections.at(-1).getSenders().find((s) => s.track?.kind === 'video').track;
  track.stop();
  track.dispatchEvent(new Event('ended'));
});

test('an audio-only call shares a screen by adding video, and stopping returns to audio only', { timeout: TEST_MS }, async () => {
  const [ada, bob] = await session.open({ name: 'Ada', initScript: countNegotiations },
                                        { name: 'Bob', initScript: countNegotiations });
  await connectCall(ada, bob, { video: false });
  await waitForRemoteMediaFlowing(bob.page, { video: false });
  assert.equal(await picture(bob.page), 'off');
  assert.deepEqual(await videoSenders(ada.page), { transceivers: 0, sending: 0 });
  const before = await negotiations(ada.page);

  // The caller shares: a video sender is added, by a renegotiation, and Bob sees the screen whole.
  await button(ada.page, 'Share screen').click();
  await waitForRemoteWidth(bob.page, 1280);
  await waitForPicture(bob.page, 'on');
  assert.equal(await pressed(ada.page, 'Share screen'), 'true');
  assert.match((await sent(ada.page)).label, /^screen:/);
  assert.ok(await negotiations(ada.page) > before, 'the new video sender was negotiated');
  assert.equal(await bob.page.evaluate(() => getComputedStyle(document.getElementById('remoteVideo')).objectFit), 'contain');
  assert.equal(await button(ada.page, 'Camera off').isVisible(), false);  // still no camera in this call

  // Stopped from the browser's own bar: the sender goes, Bob is back to Ada's avatar, sound flows.
  await endCaptureFromBrowserBar(ada.page);
  await waitForPicture(bob.page, 'off');
  assert.equal(await pressed(ada.page, 'Share screen'), 'false');
  await ada.page.waitForFunction(() => !window.__peerConnections.at(-1).getSenders().some((s) => s.track?.kind === 'video'),
                                 null, { timeout: STEP_MS });
  await waitForRemoteMediaFlowing(bob.page, { video: false });

  // The callee shares too (either side may renegotiate), and stops with the button; the video
  // transceiver of the first share is reused, so the description does not grow.
  await button(bob.page, 'Share screen').click();
  await waitForRemoteWidth(ada.page, 1280);
  await waitForPicture(ada.page, 'on');
  assert.deepEqual(await videoSenders(bob.page), { transceivers: 1, sending: 1 });
  await button(bob.page, 'Share screen').click();
  await waitForPicture(ada.page, 'off');
  assert.equal(await pressed(bob.page, 'Share screen'), 'false');
  await waitForRemoteMediaFlowing(ada.page, { video: false });
  assert.deepEqual([await phaseOf(ada.page), await phaseOf(bob.page)], ['connected', 'connected']);
  assertNoErrors(ada, bob);
});
