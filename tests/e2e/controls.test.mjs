// In-call controls: mute yourself, camera off, mute the peer (local only), keyboard shortcuts,
// device selects, and the live statistics panel.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  STEP_MS, TEST_MS, assertNoErrors, button, closeSettings, connectCall, inboundAudioEnergyOver,
  openMore, openSettings, remoteVideoSample, useSession, waitForRemoteMediaFlowing,
} from './helpers.mjs';

const session = useSession({ before, after, afterEach });
const pressed = (page, name) => button(page, name).getAttribute('aria-pressed');

test('mute yourself: the peer hears silence and shows the muted badge', { timeout: TEST_MS }, async () => {
  const [ada, bob] = await session.open('Ada', 'Bob');
  await connectCall(ada, bob);
  await waitForRemoteMediaFlowing(bob.page);
  const loud = await inboundAudioEnergyOver(bob.page, 1_500);
  assert.ok(loud > 0, `Bob hears Ada before she mutes (energy ${loud})`);

  await button(ada.page, 'Mute').click();
  assert.equal(await pressed(ada.page, 'Mute'), 'true');
  await bob.page.getByText('Ada is muted', { exact: true }).waitFor();
  await new Promise((resolve) => setTimeout(resolve, 500));  // audio already in flight
  const silent = await inboundAudioEnergyOver(bob.page, 1_500);
  assert.ok(silent < loud / 100, `Bob hears silence once Ada muted (${silent} vs ${loud})`);

  await button(ada.page, 'Mute').click();
  assert.equal(await pressed(ada.page, 'Mute'), 'false');
  await bob.page.getByText('Ada is muted', { exact: true }).waitFor({ state: 'hidden' });
  assertNoErrors(ada, bob);
});

// Every camera track the page opens, to see whether it is still live.
function noteCameraTracks() {
  const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  window.__cameraTracks = [];
  navigator.mediaDevices.getUserMedia = (c) => open(c).then((stream) => {
    window.__cameraTracks.push(...stream.getVideoTracks());
    return stream;
  });
}

test('camera off: the peer sees the name and initials instead of a frozen frame', { timeout: TEST_MS }, async () => {
  const [cleo, dan] = await session.open({ name: 'Cleo Park', initScript: noteCameraTracks }, 'Dan');
  await connectCall(cleo, dan);
  await waitForRemoteMediaFlowing(dan.page);
  assert.equal(await dan.page.locator('#remoteAvatar').isVisible(), false);
  await button(cleo.page, 'Camera off').click();
  assert.equal(await pressed(cleo.page, 'Camera off'), 'true');
  await dan.page.locator('#remoteAvatar').waitFor({ state: 'visible' });
  assert.equal(await dan.page.locator('#remoteName').textContent(), 'Cleo Park');
  assert.equal(await dan.page.locator('#remoteInitials').textContent(), 'CP');
  assert.equal(await dan.page.locator('#remoteVideo').evaluate((v) => getComputedStyle(v).visibility), 'hidden');
  // Cleo's own preview is hidden too; her audio still reaches Dan.
  assert.equal(await cleo.page.locator('#localVideo').isHidden(), true);
  await waitForRemoteMediaFlowing(dan.page, { video: false });
  // The camera itself is released (its light goes off): no live video track, nothing sent.
  const camera = () => cleo.page.evaluate(() => ({
    live: window.__cameraTracks.filter((t) => t.readyState === 'live').length,
    sent: window.__peerConnections.at(-1).getSenders().filter((s) => s.track?.kind === 'video' && s.track.readyState === 'live').length,
  }));
  assert.deepEqual(await camera(), { live: 0, sent: 0 });
  await button(cleo.page, 'Camera off').click();
  await dan.page.locator('#remoteAvatar').waitFor({ state: 'hidden' });
  await cleo.page.waitForFunction(() => window.__peerConnections.at(-1).getSenders()
    .some((s) => s.track?.kind === 'video' && s.track.readyState === 'live' && s.track.enabled));
  assert.deepEqual(await camera(), { live: 1, sent: 1 });
  assert.equal(await cleo.page.locator('#localVideo').isVisible(), true);
  await waitForRemoteMediaFlowing(dan.page, { video: true });
  assertNoErrors(cleo, dan);
});

// A caller whose camera cannot be had, as getUserMedia and the Permissions API report it:
// blocked for this site while the microphone is not (the offer then waits for the devices), or
// busy in another program while both are allowed (the offer goes out before the camera opens).
function cameraBlockedForThisSite() {
  const query = navigator.permissions.query.bind(navigator.permissions);
  navigator.permissions.query = (d) => (d?.name === 'camera' ? Promise.resolve({ state: 'denied', onchange: null }) : query(d));
  const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = (c) => (c?.video
    ? Promise.reject(new DOMException('Permission denied', 'NotAllowedError')) : open(c));
}
function cameraBusyElsewhere() {
  navigator.permissions.query = (d) => Promise.resolve({ state: 'granted', onchange: null });
  const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = (c) => (c?.video
    ? Promise.reject(new DOMException('Could not start video source', 'NotReadableError')) : open(c));
}

for (const [how, initScript] of [['blocked', cameraBlockedForThisSite], ['busy', cameraBusyElsewhere]]) {
  test(`a caller whose camera is ${how}: the video call goes on, the peer hears them and sees the avatar`, { timeout: TEST_MS }, async () => {
    const [gil, hal] = await session.open({ name: 'Gil', initScript }, 'Hal');
    await connectCall(gil, hal);
    await waitForRemoteMediaFlowing(hal.page, { video: false });  // Gil's sound plays at Hal's
    assert.ok(await inboundAudioEnergyOver(hal.page, 1000) > 0, 'Hal hears Gil');
    await hal.page.locator('#remoteAvatar').waitFor({ state: 'visible' });
    assert.equal(await hal.page.locator('#remoteName').textContent(), 'Gil');
    assert.equal(await gil.page.locator('#localVideo').isHidden(), true);
    await waitForRemoteMediaFlowing(gil.page, { video: true });  // and Gil sees Hal
    assertNoErrors(gil, hal);
  });
}

test('mute the peer and set its volume: local only', { timeout: TEST_MS }, async () => {
  const [eve, finn] = await session.open('Eve', 'Finn');
  await connectCall(eve, finn);
  await openMore(eve.page);
  await button(eve.page, 'Mute Finn').click();
  assert.equal(await pressed(eve.page, 'Mute Finn'), 'true');
  assert.equal((await remoteVideoSample(eve.page)).muted, true);
  assert.equal((await remoteVideoSample(finn.page)).muted, false, 'Finn still hears Eve');
  assert.equal(await finn.page.locator('#remoteMuted').isVisible(), false, 'Finn is not told');
  await button(eve.page, 'Mute Finn').click();
  assert.equal((await remoteVideoSample(eve.page)).muted, false);

  const slider = eve.page.getByRole('slider', { name: 'Finn volume', exact: true });
  await slider.fill('0.25');
  await eve.page.waitForFunction(() => document.getElementById('remoteVideo').volume === 0.25,
                                 null, { timeout: STEP_MS });
  assert.equal(await finn.page.evaluate(() => document.getElementById('remoteVideo').volume), 1);
  assertNoErrors(eve, finn);
});

test('keyboard: M mutes, V turns the camera off, H hangs up; not while typing', { timeout: TEST_MS }, async () => {
  const [gus, hana] = await session.open('Gus', 'Hana');
  await connectCall(gus, hana);
  await gus.page.locator('body').press('m');
  assert.equal(await pressed(gus.page, 'Mute'), 'true');
  await hana.page.getByText('Gus is muted', { exact: true }).waitFor();
  await gus.page.keyboard.press('m');
  assert.equal(await pressed(gus.page, 'Mute'), 'false');
  await gus.page.keyboard.press('v');
  assert.equal(await pressed(gus.page, 'Camera off'), 'true');
  // Typing in a field is not a shortcut: the speaker select keeps letters to itself.
  await openSettings(gus.page);
  await gus.page.getByRole('combobox', { name: 'Microphone', exact: true }).focus();
  await gus.page.keyboard.press('m');
  assert.equal(await pressed(gus.page, 'Mute'), 'false');
  await closeSettings(gus.page);
  // The shortcuts are listed on the page.
  assert.match(await gus.page.getByRole('complementary', { name: 'Shortcuts' }).textContent(), /M.*mute/);
  await gus.page.evaluate(() => document.activeElement?.blur());
  await gus.page.keyboard.press('h');
  await Promise.all(['hung-up', 'hung-up'].map((reason, i) =>
    [gus, hana][i].page.waitForFunction((r) => document.getElementById('callPanel').dataset.endReason === r,
                                       reason, { timeout: STEP_MS })));
  assertNoErrors(gus, hana);
});

test('keyboard focus stays on the call when the focused control goes away', { timeout: TEST_MS }, async () => {
  const [ida, jon] = await session.open('Ida', 'Jon');
  await button(ida.page, 'Call Jon').click();
  await button(ida.page, 'Cancel').focus();
  await button(jon.page, 'Accept').click();
  await ida.page.waitForFunction(() => document.getElementById('callPanel').dataset.phase === 'connected');
  // Cancel turned into the in-call controls: focus moved to them, not to the page.
  assert.equal(await ida.page.evaluate(() => document.activeElement?.id), 'muteMic');
  await button(ida.page, 'Hang up').focus();
  await ida.page.keyboard.press('Enter');
  await ida.page.waitForFunction(() => document.getElementById('callPanel').dataset.phase === 'ended');
  // The controls are gone: focus is on the status that says the call ended.
  assert.equal(await ida.page.evaluate(() => document.activeElement?.id), 'callStatus');
  assert.equal(await ida.page.locator('#callStatus').textContent(), 'Call with Jon ended');
  assertNoErrors(ida, jon);
});

test('device selects list the fake devices and switching the camera keeps video flowing', { timeout: TEST_MS }, async () => {
  const [ivy, jon] = await session.open('Ivy', 'Jon');
  await connectCall(ivy, jon);
  await openSettings(ivy.page);
  for (const label of ['Microphone', 'Camera', 'Speaker']) {
    await ivy.page.getByRole('combobox', { name: label, exact: true }).waitFor();
  }
  const camera = ivy.page.getByRole('combobox', { name: 'Camera', exact: true });
  await ivy.page.waitForFunction(() => document.getElementById('cameraSelect').options.length > 1,
                                 null, { timeout: STEP_MS });
  const choice = await camera.evaluate((select) => select.options[select.options.length - 1].value);
  const trackBefore = await ivy.page.evaluate(() => document.getElementById('localVideo').srcObject.getVideoTracks()[0].id);
  await camera.selectOption(choice);
  await ivy.page.waitForFunction((before) => {
    const track = document.getElementById('localVideo').srcObject?.getVideoTracks()[0];
    const sent = window.__peerConnections.at(-1).getSenders().find((s) => s.track?.kind === 'video');
    return track && track.id !== before && sent?.track === track;
  }, trackBefore, { timeout: STEP_MS });
  await waitForRemoteMediaFlowing(jon.page);
  assert.equal(await ivy.page.locator('#notice').isHidden(), true);
  assertNoErrors(ivy, jon);
});

// The callee's camera takes a while to open (a permission prompt, a slow driver); every
// getUserMedia is noted with the track it gave.
function slowFirstCamera() {
  const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  window.__opened = [];
  navigator.mediaDevices.getUserMedia = (c) => {
    const wait = window.__opened.length === 0 ? 1500 : 0;
    const entry = { video: c?.video, track: null };
    window.__opened.push(entry);
    return new Promise((resolve) => setTimeout(resolve, wait)).then(() => open(c)).then((stream) => {
      entry.track = stream.getVideoTracks()[0]?.id ?? null;
      return stream;
    });
  };
}

// Chromium's fake devices have one camera, so "another camera" is seen as a second opening
// that names the chosen device, whose track is the one sent.
test('a camera chosen while the call\'s devices are still opening is the one sent', { timeout: TEST_MS }, async () => {
  const [kim, leo] = await session.open('Kim', { name: 'Leo', initScript: slowFirstCamera });
  await leo.page.waitForFunction(() => document.getElementById('cameraSelect').options.length > 1,
                                 null, { timeout: STEP_MS });
  await button(kim.page, 'Call Leo').click();
  await button(leo.page, 'Accept').click();
  await openSettings(leo.page);
  const camera = leo.page.getByRole('combobox', { name: 'Camera', exact: true });
  const choice = await camera.evaluate((select) => select.options[select.options.length - 1].value);
  await camera.selectOption(choice);  // while the first getUserMedia still waits
  await leo.page.waitForFunction((id) => {
    const chosen = window.__opened.find((o) => o.video?.deviceId?.exact === id && o.track);
    const sent = window.__peerConnections.at(-1)?.getSenders().find((s) => s.track?.kind === 'video');
    return chosen && sent?.track?.id === chosen.track;
  }, choice, { timeout: STEP_MS });
  assert.equal(await leo.page.evaluate(() => window.__opened.length), 2);
  await waitForRemoteMediaFlowing(kim.page);
  assert.equal(await leo.page.locator('#notice').isHidden(), true);
  assertNoErrors(kim, leo);
});

// A phone that opens one camera at a time: while a camera track is live, opening another fails.
function oneCameraAtATime() {
  const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  const opened = [];
  navigator.mediaDevices.getUserMedia = (c) => {
    if (c?.video && opened.some((t) => t.readyState === 'live')) {
      return Promise.reject(new DOMException('Could not start video source', 'NotReadableError'));
    }
    return open(c).then((stream) => { opened.push(...stream.getVideoTracks()); return stream; });
  };
}

test('switching cameras where only one can be open lets go of the first and tries again', { timeout: TEST_MS }, async () => {
  const [max, nia] = await session.open({ name: 'Max', initScript: oneCameraAtATime }, 'Nia');
  await connectCall(max, nia);
  await max.page.waitForFunction(() => document.getElementById('cameraSelect').options.length > 1,
                                 null, { timeout: STEP_MS });
  await openSettings(max.page);
  const camera = max.page.getByRole('combobox', { name: 'Camera', exact: true });
  const choice = await camera.evaluate((select) => select.options[select.options.length - 1].value);
  const before = await max.page.evaluate(() => document.getElementById('localVideo').srcObject.getVideoTracks()[0].id);
  await camera.selectOption(choice);
  await max.page.waitForFunction((old) => {
    const sent = window.__peerConnections.at(-1).getSenders().find((s) => s.track?.kind === 'video');
    return sent && sent.track.id !== old && sent.track.readyState === 'live';
  }, before, { timeout: STEP_MS });
  await waitForRemoteMediaFlowing(nia.page);
  assert.equal(await max.page.locator('#notice').isHidden(), true);
  assertNoErrors(max, nia);
});

test('the statistics panel shows a line with the path and a sparkline', { timeout: TEST_MS }, async () => {
  const [kai, lea] = await session.open('Kai', 'Lea');
  await connectCall(kai, lea);
  const connectedAt = performance.now();
  await openMore(kai.page);
  await button(kai.page, 'Statistics').click();
  const panel = kai.page.getByRole('region', { name: 'Call statistics' });
  await panel.getByText(/host/).waitFor({ timeout: 4_000 });
  const line = await kai.page.locator('#statsLine').textContent();
  console.log(`stats line ${(performance.now() - connectedAt).toFixed(0)} ms after connect: ${line}`);
  assert.match(line, /kb\/s|Mb\/s/);
  await kai.page.waitForFunction(
    () => (document.querySelector('#sparkline polyline.spark-in')?.getAttribute('points') ?? '').includes(' '),
    null, { timeout: STEP_MS });
  assertNoErrors(kai, lea);
});
