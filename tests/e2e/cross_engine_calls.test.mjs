// Calls across engines (issue 16): Firefox ESR (puppeteer-core over WebDriver BiDi) and Chromium
// (Playwright) users on one real server. Video and sound checked on the receiving page: the remote
// video element's clock advances with frames of a size, and inbound audio energy grows.
// Firefox→Chromium, Chromium→Firefox and Firefox↔Firefox calls, hang-up from either side and
// engine, decline, busy, cancel, missed, mute and camera-off seen by the other engine, audio-only.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TEST_MS, assertNoErrors, connectCall, inFirefox, inChromium, inboundAudioOver, descriptionOrigins,
  remoteVideoSample, sleep, statusOf, useCrossSession, waitForEnd, waitForPhase,
  waitForRemoteMediaFlowing, waitForRinging,
} from './engines.mjs';

const session = useCrossSession({ before, after, afterEach });
const RING_MS = 30_000;  // call_timing::kRingMs

// Both sides see and hear each other, and each page's peer is the engine it should be.
async function assertMediaBothWays(a, b) {
  await Promise.all([waitForRemoteMediaFlowing(a), waitForRemoteMediaFlowing(b)]);
  for (const [user, other] of [[a, b], [b, a]]) {
    const sample = await remoteVideoSample(user);
    assert.ok(sample.width > 0 && sample.height > 0, `${user.name} (${user.engine}) sees ${other.name}: ${JSON.stringify(sample)}`);
    assert.equal(sample.paused, false);
    assert.equal(sample.audioTracks, 1, `${user.name} gets ${other.name}'s sound track`);
    const audio = await inboundAudioOver(user, 1_000);
    assert.ok(audio.energy > 0 && audio.bytes > 0,
              `${user.name} (${user.engine}) hears ${other.name} (${other.engine}): ${JSON.stringify(audio)}`);
    // Each page's peer is the engine it should be: the peer's own description says so, and is
    // the one this page applied.
    const mine = await descriptionOrigins(user), theirs = await descriptionOrigins(other);
    assert.match(theirs.local.username, other.engine === 'firefox' ? /^mozilla\.\.\.THIS_IS_SDPARTA-/ : /^-$/);
    assert.equal(mine.remote.session, theirs.local.session, `${user.name} applied ${other.name}'s description`);
  }
}

async function hangUp(by, other) {
  await by.click('Hang up');
  await Promise.all([waitForEnd(by, 'hung-up'), waitForEnd(other, 'hung-up')]);
  assert.equal(await statusOf(other), `Call with ${by.name} ended`);
  for (const user of [by, other]) {
    assert.deepEqual(await user.evaluate(() => [document.getElementById('localVideo').srcObject,
                                                 document.getElementById('remoteVideo').srcObject]),
                     [null, null], `${user.name} released the devices and the remote stream`);
  }
}

test('Firefox calls Chromium: video and sound both ways; the Chromium callee hangs up', { timeout: TEST_MS }, async () => {
  const [fay, carl] = await session.open(inFirefox('Fay'), inChromium('Carl'));
  const started = performance.now();
  await connectCall(fay, carl);
  console.log(`Firefox→Chromium click -> both connected: ${(performance.now() - started).toFixed(0)} ms`);
  await assertMediaBothWays(fay, carl);
  await hangUp(carl, fay);
  await fay.waitForRole('button', 'Call Carl');
  assertNoErrors(fay, carl);
});

test('Chromium calls Firefox: video and sound both ways; the Firefox callee hangs up', { timeout: TEST_MS }, async () => {
  const [cora, finn] = await session.open(inChromium('Cora'), inFirefox('Finn'));
  const started = performance.now();
  await connectCall(cora, finn);
  console.log(`Chromium→Firefox click -> both connected: ${(performance.now() - started).toFixed(0)} ms`);
  await assertMediaBothWays(cora, finn);
  // Focus moved from the closed dialog into the call's controls, in Firefox too.
  assert.equal(await finn.evaluate(() => document.activeElement?.id), 'muteMic');
  await hangUp(finn, cora);
  assertNoErrors(cora, finn);
});

test('Firefox calls Firefox: video and sound both ways; the caller hangs up', { timeout: TEST_MS }, async () => {
  const [flo, fritz] = await session.open(inFirefox('Flo'), inFirefox('Fritz'));
  await connectCall(flo, fritz);
  await assertMediaBothWays(flo, fritz);
  await hangUp(flo, fritz);
  assertNoErrors(flo, fritz);
});

test('decline across engines, both ways', { timeout: TEST_MS }, async () => {
  const [fee, cal] = await session.open(inFirefox('Fee'), inChromium('Cal'));
  for (const [caller, callee] of [[cal, fee], [fee, cal]]) {
    await caller.click(`Call ${callee.name}`);
    await waitForRinging(callee, caller.name);
    await callee.click('Decline');
    await Promise.all([waitForEnd(caller, 'declined'), waitForEnd(callee, 'declined')]);
    assert.equal(await statusOf(caller), `${callee.name} declined the call`);
    assert.equal(await callee.countRole('alertdialog', `${caller.name} is calling`), 0);
    // The caller's camera, opened while ringing, is released.
    assert.equal(await caller.evaluate(() => document.getElementById('localVideo').srcObject), null);
    await caller.waitForRole('button', `Call ${callee.name}`);
  }
  assertNoErrors(fee, cal);
});

test('cancel while ringing across engines, both ways: the callee shows a missed call', { timeout: TEST_MS }, async () => {
  const [fia, cid] = await session.open(inFirefox('Fia'), inChromium('Cid'));
  for (const [caller, callee] of [[fia, cid], [cid, fia]]) {
    await caller.click(`Call ${callee.name}`);
    await waitForRinging(callee, caller.name);
    await caller.click('Cancel');
    await Promise.all([waitForEnd(caller, 'cancelled'), waitForEnd(callee, 'cancelled')]);
    await callee.waitForRole('alertdialog', `${caller.name} is calling`, 'hidden');
    assert.equal(await statusOf(callee), `Missed call from ${caller.name}`);
    assert.equal(await statusOf(caller), 'Call cancelled');
  }
  assertNoErrors(fia, cid);
});

test('busy: a Firefox callee in a call with Chromium sends busy to the next caller', { timeout: TEST_MS }, async () => {
  const [cyd, fox, cam] = await session.open(inChromium('Cyd'), inFirefox('Fox'), inChromium('Cam'));
  await connectCall(cyd, fox);
  await cam.click('Call Fox');
  await waitForEnd(cam, 'busy');
  assert.equal(await statusOf(cam), 'Fox is busy in another call');
  // Fox was not disturbed: no dialog, still connected to Cyd with media flowing.
  assert.equal(await fox.countRole('alertdialog', 'Cam is calling'), 0);
  assert.equal(await fox.evaluate(() => document.getElementById('callPanel').dataset.endReason), 'none');
  await waitForRemoteMediaFlowing(fox);
  assert.equal(await cyd.evaluate(() => document.getElementById('callPanel').dataset.phase), 'connected');
  assertNoErrors(cyd, fox, cam);
});

test('mute and camera off are seen by the other engine, both ways', { timeout: TEST_MS }, async () => {
  const [fran, chad] = await session.open(inFirefox('Fran Ek'), inChromium('Chad Ro'));
  await connectCall(fran, chad);
  await Promise.all([waitForRemoteMediaFlowing(fran), waitForRemoteMediaFlowing(chad)]);
  const mutedBadge = (user, name) => user.waitFor((text) => {
    const badge = document.getElementById('remoteMuted');
    return !badge.hidden && badge.textContent === text;
  }, `${name} is muted`);
  const pressed = (user, id) => user.evaluate((i) => document.getElementById(i).getAttribute('aria-pressed'), id);

  for (const [speaker, listener] of [[fran, chad], [chad, fran]]) {
    const loud = (await inboundAudioOver(listener, 1_500)).energy;
    assert.ok(loud > 0, `${listener.name} hears ${speaker.name} before the mute (energy ${loud})`);
    await speaker.click('Mute');
    assert.equal(await pressed(speaker, 'muteMic'), 'true');
    await mutedBadge(listener, speaker.name);
    await sleep(500);  // audio already in flight
    const silent = (await inboundAudioOver(listener, 1_500)).energy;
    assert.ok(silent < loud / 100, `${listener.name} (${listener.engine}) hears silence once ${speaker.name} muted (${silent} vs ${loud})`);
    await speaker.click('Mute');
    await listener.waitFor(() => document.getElementById('remoteMuted').hidden);
  }

  const initials = { 'Fran Ek': 'FE', 'Chad Ro': 'CR' };
  for (const [owner, viewer] of [[chad, fran], [fran, chad]]) {
    assert.equal(await viewer.evaluate(() => document.getElementById('remoteAvatar').hidden), true);
    await owner.click('Camera off');
    assert.equal(await pressed(owner, 'cameraToggle'), 'true');
    await viewer.waitFor(() => !document.getElementById('remoteAvatar').hidden);
    assert.deepEqual(await viewer.evaluate(() => ({
      name: document.getElementById('remoteName').textContent,
      initials: document.getElementById('remoteInitials').textContent,
      video: getComputedStyle(document.getElementById('remoteVideo')).visibility,
    })), { name: owner.name, initials: initials[owner.name], video: 'hidden' }, `${viewer.name} (${viewer.engine}) shows the avatar`);
    // The owner's sound still reaches the viewer; the camera itself is released.
    await waitForRemoteMediaFlowing(viewer, { video: false });
    assert.equal(await owner.evaluate(() => window.__peerConnections.at(-1).getSenders()
      .filter((s) => s.track?.kind === 'video' && s.track.readyState === 'live').length), 0);
    await owner.click('Camera off');
    await viewer.waitFor(() => document.getElementById('remoteAvatar').hidden);
    await waitForRemoteMediaFlowing(viewer, { video: true });
  }
  await hangUp(fran, chad);
  assertNoErrors(fran, chad);
});

test('audio call Firefox→Chromium, and a Firefox callee accepting audio only', { timeout: TEST_MS }, async () => {
  const [fred, cleo] = await session.open(inFirefox('Fred'), inChromium('Cleo'));
  // An audio call: neither side opens a camera, both hear each other.
  await connectCall(fred, cleo, { video: false });
  await Promise.all([waitForRemoteMediaFlowing(fred, { video: false }),
                     waitForRemoteMediaFlowing(cleo, { video: false })]);
  for (const [user, other] of [[fred, cleo], [cleo, fred]]) {
    assert.equal(await user.evaluate(() => window.__peerConnections.at(-1).getSenders()
      .filter((s) => s.track?.kind === 'video').length), 0, `${user.name} sends no video`);
    assert.equal(await user.countRole('button', 'Camera off'), 0, 'no camera control in an audio call');
    await user.waitFor(() => !document.getElementById('remoteAvatar').hidden);
    const audio = await inboundAudioOver(user, 1_000);
    assert.ok(audio.energy > 0, `${user.name} (${user.engine}) hears ${other.name}: ${JSON.stringify(audio)}`);
  }
  await hangUp(cleo, fred);

  // A video call that the Firefox callee takes with sound only.
  await connectCall(cleo, fred, { acceptVideo: false });
  await waitForRemoteMediaFlowing(cleo, { video: false });
  assert.deepEqual(await fred.evaluate(() => ({
    hidden: document.getElementById('localVideo').hidden,
    senders: window.__peerConnections.at(-1).getSenders().filter((s) => s.track?.kind === 'video').length,
  })), { hidden: true, senders: 0 });
  assert.equal((await remoteVideoSample(cleo)).width, 0, 'no video frames from Fred');
  await cleo.waitFor(() => !document.getElementById('remoteAvatar').hidden &&
                           document.getElementById('remoteInitials').textContent === 'F');
  await waitForRemoteMediaFlowing(fred, { video: true });  // Fred still sees Cleo
  assert.ok((await inboundAudioOver(cleo, 1_000)).energy > 0, 'Cleo hears Fred');
  await hangUp(fred, cleo);
  assertNoErrors(fred, cleo);
});

test('unanswered for 30 s, Chromium calling Firefox: missed on both sides', { timeout: TEST_MS + RING_MS }, async () => {
  const [cy, fe] = await session.open(inChromium('Cy'), inFirefox('Fe'));
  const started = performance.now();
  await cy.click('Call Fe');
  await waitForRinging(fe, 'Cy');
  await Promise.all([waitForEnd(cy, 'missed', RING_MS + 5_000), waitForEnd(fe, 'missed', RING_MS + 5_000)]);
  const rang = performance.now() - started;
  assert.ok(rang >= RING_MS - 1_000, `rang ${rang.toFixed(0)} ms`);
  await fe.waitForRole('alertdialog', 'Cy is calling', 'hidden');
  assert.equal(await statusOf(cy), 'Fe did not answer');
  assert.equal(await statusOf(fe), 'Missed call from Cy');
  assert.equal(await cy.evaluate(() => document.getElementById('localVideo').srcObject), null);
  assertNoErrors(cy, fe);
});
