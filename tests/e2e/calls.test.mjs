// Placing, answering and ending calls: accept (media both ways), hang up from either side,
// decline, cancel while ringing, audio-only answer, busy.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TEST_MS, assertNoErrors, button, connectCall, endReasonOf, phaseOf, remoteVideoSample, statusOf,
  useSession, waitForEnd, waitForPhase, waitForRemoteMediaFlowing, waitForRinging,
} from './helpers.mjs';

const session = useSession({ before, after, afterEach });

test('accept: the callee rings, accepts, and video flows both ways', { timeout: TEST_MS }, async () => {
  const [ada, bob] = await session.open('Ada', 'Bob');
  const started = performance.now();
  await button(ada.page, 'Call Bob').click();
  await waitForPhase(ada.page, 'ringing-out');
  assert.ok(await button(ada.page, 'Cancel').isVisible());
  const dialog = await waitForRinging(bob.page, 'Ada');
  assert.match(await dialog.textContent(), /Video call/);
  // The dialog takes focus, and the callee's devices are not open before accepting.
  assert.equal(await bob.page.evaluate(() => document.activeElement?.id), 'incoming');
  // A key meant for something else does not answer: Enter on the focused dialog does nothing.
  await bob.page.keyboard.press('Enter');
  assert.equal(await phaseOf(bob.page), 'ringing-in');
  await bob.page.keyboard.press('Tab');
  assert.equal(await bob.page.evaluate(() => document.activeElement?.textContent), 'Accept');
  assert.equal(await bob.page.evaluate(() => document.getElementById('localVideo').srcObject), null);
  // Its connection takes the offer while ringing (so Accept waits only for the devices), but
  // tells the caller nothing before Accept: no description of its own, no candidate gathered.
  await bob.page.waitForFunction(() => window.__peerConnections.at(-1).signalingState === 'have-remote-offer');
  assert.deepEqual(await bob.page.evaluate(() => {
    const pc = window.__peerConnections.at(-1);
    return { local: pc.localDescription, gathering: pc.iceGatheringState,
             playing: document.getElementById('remoteVideo').srcObject !== null };
  }), { local: null, gathering: 'new', playing: false });
  assert.match(await statusOf(ada.page), /^(Calling|Ringing) Bob…$/);
  await button(bob.page, 'Accept').click();
  await Promise.all([waitForPhase(ada.page, 'connected'), waitForPhase(bob.page, 'connected')]);
  const connectedMs = performance.now() - started;
  await Promise.all([waitForRemoteMediaFlowing(ada.page), waitForRemoteMediaFlowing(bob.page)]);
  for (const user of [ada, bob]) {
    const sample = await remoteVideoSample(user.page);
    assert.ok(sample.width > 0 && sample.height > 0, `${user.name}: remote video has a size`);
    assert.equal(sample.paused, false);
    assert.ok(await user.page.evaluate(() => document.getElementById('localVideo').videoWidth > 0),
              `${user.name}: local preview plays`);
  }
  // The SDP policy's edits reached the browser: each side asked the other to start its video at
  // 800 kbit/s (docs/sdp.md), in the description the peer applied as its remote one. VP8, the
  // codec in use, comes from Chromium without an fmtp line: the policy adds one.
  for (const user of [ada, bob]) {
    const remote = await user.page.evaluate(() => window.__peerConnections.at(-1).currentRemoteDescription.sdp);
    const vp8 = /^a=rtpmap:(\d+) VP8\/90000\r?$/m.exec(remote)?.[1];
    assert.ok(vp8, `${user.name}: VP8 offered`);
    assert.match(remote, new RegExp(`^a=fmtp:${vp8} (.*;)?x-google-start-bitrate=800(;|\\r?$)`, 'm'),
                 `${user.name}: the peer's start bitrate on VP8`);
  }
  // Both sides' senders carry the policy's caps, set once the connection is up: the callee's
  // senders are the transceivers the caller's offer made while it rang, turned to send on accept.
  const caps = await Promise.all([ada, bob].map((user) => user.page.evaluate(() =>
    Object.fromEntries(window.__peerConnections.at(-1).getSenders().filter((s) => s.track)
      .map((s) => [s.track.kind, s.getParameters().encodings?.[0]?.maxBitrate ?? 0])))));
  assert.ok(caps[0].audio > 0, `Ada's audio sender is capped: ${JSON.stringify(caps[0])}`);
  assert.deepEqual(caps[1], caps[0], 'Bob\'s senders have the same caps as Ada\'s');
  assert.equal(await dialog.isVisible(), false);
  // Focus moved from the closed dialog into the call's controls.
  assert.equal(await bob.page.evaluate(() => document.activeElement?.id), 'muteMic');
  console.log(`click -> both connected: ${connectedMs.toFixed(0)} ms (incl. the accept click)`);

  // Hang up from the caller: both end, the status stays with its reason, devices released.
  await button(ada.page, 'Hang up').click();
  await Promise.all([waitForEnd(ada.page, 'hung-up'), waitForEnd(bob.page, 'hung-up')]);
  assert.equal(await statusOf(bob.page), 'Call with Ada ended');
  for (const user of [ada, bob]) {
    assert.equal(await user.page.evaluate(() => document.getElementById('localVideo').srcObject), null);
    assert.equal(await user.page.evaluate(() => document.getElementById('remoteVideo').srcObject), null);
    assert.ok(await user.page.locator('#callStatus').isVisible());
  }
  await button(ada.page, 'Call Bob').and(ada.page.locator(':enabled')).waitFor();
  assertNoErrors(ada, bob);
});

test('a caller whose devices were allowed rings the callee before its camera opens', { timeout: TEST_MS }, async () => {
  const [ada, bob] = await session.open('Ava', 'Ben');
  // The first call opens Ava's devices (without knowing the permission, the offer waits).
  await connectCall(ada, bob);
  await button(ada.page, 'Hang up').click();
  await Promise.all([waitForEnd(ada.page, 'hung-up'), waitForEnd(bob.page, 'hung-up')]);
  // Now her camera takes 3 s to open: the callee must ring long before that.
  await ada.page.evaluate(() => {
    const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    window.cameraOpened = false;
    navigator.mediaDevices.getUserMedia = (constraints) => new Promise((resolve) => setTimeout(resolve, 3000))
      .then(() => open(constraints)).then((stream) => { window.cameraOpened = true; return stream; });
  });
  await button(ada.page, 'Call Ben').and(ada.page.locator(':enabled')).click();
  await waitForRinging(bob.page, 'Ava');
  assert.equal(await ada.page.evaluate(() => window.cameraOpened), false, 'rang before the camera opened');
  await button(bob.page, 'Accept').click();
  // Her tracks join the connection by replaceTrack once they exist: video flows both ways.
  await Promise.all([waitForPhase(ada.page, 'connected'), waitForPhase(bob.page, 'connected')]);
  await Promise.all([waitForRemoteMediaFlowing(ada.page), waitForRemoteMediaFlowing(bob.page)]);
  assert.equal(await ada.page.evaluate(() => window.cameraOpened), true);
  assert.ok((await remoteVideoSample(bob.page)).width > 0, 'Ben sees Ava');
  assertNoErrors(ada, bob);
});

test('hang up from the callee ends the call on both sides', { timeout: TEST_MS }, async () => {
  const [cleo, dan] = await session.open('Cleo', 'Dan');
  await connectCall(cleo, dan);
  await button(dan.page, 'Hang up').click();
  await Promise.all([waitForEnd(cleo.page, 'hung-up'), waitForEnd(dan.page, 'hung-up')]);
  assert.equal(await statusOf(cleo.page), 'Call with Dan ended');
  assertNoErrors(cleo, dan);
});

test('decline: the caller sees it was declined', { timeout: TEST_MS }, async () => {
  const [eve, finn] = await session.open('Eve', 'Finn');
  await button(eve.page, 'Call Finn').click();
  await waitForRinging(finn.page, 'Eve');
  await button(finn.page, 'Decline').click();
  await Promise.all([waitForEnd(eve.page, 'declined'), waitForEnd(finn.page, 'declined')]);
  assert.equal(await statusOf(eve.page), 'Finn declined the call');
  assert.equal(await finn.page.getByRole('alertdialog').count(), 0);
  // The caller's camera, opened while ringing, is released.
  assert.equal(await eve.page.evaluate(() => document.getElementById('localVideo').srcObject), null);
  assertNoErrors(eve, finn);
});

test('Escape declines a ringing call', { timeout: TEST_MS }, async () => {
  const [gus, hana] = await session.open('Gus', 'Hana');
  await button(gus.page, 'Call Hana').click();
  await waitForRinging(hana.page, 'Gus');
  await hana.page.keyboard.press('Escape');
  await Promise.all([waitForEnd(gus.page, 'declined'), waitForEnd(hana.page, 'declined')]);
  assertNoErrors(gus, hana);
});

test('cancel while ringing: the callee\'s dialog closes and shows a missed call', { timeout: TEST_MS }, async () => {
  const [ivy, jon] = await session.open('Ivy', 'Jon');
  await button(ivy.page, 'Call Jon').click();
  const dialog = await waitForRinging(jon.page, 'Ivy');
  await button(ivy.page, 'Cancel').click();
  await Promise.all([waitForEnd(ivy.page, 'cancelled'), waitForEnd(jon.page, 'cancelled')]);
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await statusOf(jon.page), 'Missed call from Ivy');
  assert.equal(await statusOf(ivy.page), 'Call cancelled');
  assertNoErrors(ivy, jon);
});

test('accept audio only: the callee sends no video, the caller sees its avatar', { timeout: TEST_MS }, async () => {
  const [kai, lea] = await session.open('Kai', 'Lea');
  await connectCall(kai, lea, { acceptVideo: false });
  await waitForRemoteMediaFlowing(kai.page, { video: false });
  // Lea opened no camera and sends no video track.
  const leaLocal = await lea.page.evaluate(() => {
    const s = document.getElementById('localVideo').srcObject;
    return { hidden: document.getElementById('localVideo').hidden,
             senders: window.__peerConnections.at(-1).getSenders()
               .filter((sender) => sender.track?.kind === 'video').length, stream: s === null };
  });
  assert.deepEqual(leaLocal, { hidden: true, senders: 0, stream: true });
  const atKai = await remoteVideoSample(kai.page);
  assert.equal(atKai.width, 0, 'no video frames from Lea');
  await kai.page.locator('#remoteAvatar').getByText('Lea', { exact: true }).waitFor();
  assert.equal(await kai.page.locator('#remoteInitials').textContent(), 'L');
  // Lea still receives Kai's video.
  await waitForRemoteMediaFlowing(lea.page, { video: true });
  assertNoErrors(kai, lea);
});

test('busy: calling someone already in a call ends with busy', { timeout: TEST_MS }, async () => {
  const [mia, ned, ola] = await session.open('Mia', 'Ned', 'Ola');
  await connectCall(mia, ned);
  // The roster shows who is in a call only as disabled buttons on their own page: Ola can call.
  await button(ola.page, 'Call Ned').click();
  await waitForEnd(ola.page, 'busy');
  assert.equal(await statusOf(ola.page), 'Ned is busy in another call');
  // Ned was not disturbed: no dialog, still connected to Mia.
  assert.equal(await ned.page.getByRole('alertdialog').count(), 0);
  assert.equal(await endReasonOf(ned.page), 'none');
  await waitForRemoteMediaFlowing(ned.page);
  assert.equal(await mia.page.locator('#callPanel').getAttribute('data-phase'), 'connected');
  assertNoErrors(mia, ned, ola);
});

test('audio call: the dialog says so, and neither side opens a camera', { timeout: TEST_MS }, async () => {
  const [pia, quinn] = await session.open('Pia', 'Quinn');
  await button(pia.page, 'Audio call Quinn').click();
  const dialog = await waitForRinging(quinn.page, 'Pia');
  assert.match(await dialog.textContent(), /Audio call/);
  assert.equal(await button(quinn.page, 'Accept audio only').count(), 0, 'one Accept is enough');
  await button(quinn.page, 'Accept').click();
  await Promise.all([waitForPhase(pia.page, 'connected'), waitForPhase(quinn.page, 'connected')]);
  await Promise.all([waitForRemoteMediaFlowing(pia.page, { video: false }),
                     waitForRemoteMediaFlowing(quinn.page, { video: false })]);
  for (const user of [pia, quinn]) {
    assert.equal(await user.page.evaluate(() => window.__peerConnections.at(-1).getSenders()
      .filter((s) => s.track?.kind === 'video').length), 0, `${user.name} sends no video`);
    assert.equal(await button(user.page, 'Camera off').count(), 0, 'no camera control in an audio call');
    await user.page.locator('#remoteAvatar').waitFor({ state: 'visible' });
  }
  assertNoErrors(pia, quinn);
});

test('a name with markup is shown as text in the roster and the incoming-call dialog', { timeout: TEST_MS }, async () => {
  const name = '<img src=x onerror="window.pwned=1">Eve';
  const [rex, eve] = await session.open('Rex', name);
  await button(eve.page, 'Call Rex').click();
  await waitForRinging(rex.page, name);
  assert.equal(await rex.page.locator('img:not(#inviteQr)').count(), 0);  // the invite QR code is ours
  assert.equal(await rex.page.evaluate(() => window.pwned), undefined);
  await button(rex.page, 'Decline').click();
  await waitForEnd(eve.page, 'declined');
  assertNoErrors(rex, eve);
});
