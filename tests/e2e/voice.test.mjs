// Voice messages (issues 8, 20) between two real pages: after a declined call the caller records
// 3 s from Chromium's fake microphone through the AudioWorklet and the Wasm Opus encoder, previews
// it and sends it over the data link to the other page; the callee's card plays it through the Wasm decoder, and
// the decoded length and loudness are checked, as is the downloadable .opus file. The codec module
// must not be part of a first visit.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  STEP_MS, TEST_MS, assertNoErrors, button, probes, useSession, waitForEnd, waitForRinging,
} from './helpers.mjs';

const session = useSession({ before, after, afterEach });

// Every path a page requested since its navigation began, from the page's own resource timing:
// a listener attached once the page is online would miss anything fetched while it loads, which
// is exactly where a regression that ships the codec with the first visit would put it. The
// init script (run before any of the page's scripts) lifts the 250-entry buffer limit.
const keepAllResourceTimings = () => performance.setResourceTimingBufferSize(100_000);
function requestedPaths(page) {
  return page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname));
}
const voiceModuleLoaded = async (page) =>
  (await requestedPaths(page)).some((u) => u.endsWith('/voice/peerline-voice.wasm'));

async function declinedCall(caller, callee) {
  await button(caller.page, `Call ${callee.name}`).click();
  await waitForRinging(callee.page, caller.name);
  await button(callee.page, 'Decline').click();
  await Promise.all([waitForEnd(caller.page, 'declined'), waitForEnd(callee.page, 'declined')]);
}

// Every track the page opens from now on goes to window.__tracks, to see that the recorder
// closes its microphone.
function keepOpenedTracks() {
  window.__tracks = [];
  const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await open(constraints);
    window.__tracks.push(...stream.getTracks());
    return stream;
  };
}

// Records for about `seconds` and stops; resolves, once the recording is ready to send, with
// how long it really ran; the highest value the level meter showed goes to maxLevel.
let maxLevel = 0;
async function record(page, seconds) {
  await button(page, 'Leave a voice message').click();
  await button(page, 'Stop recording').waitFor();
  await page.locator('#voiceLevel').waitFor();
  await page.evaluate(probes.timeRecording);
  await page.evaluate(() => {
    window.__maxLevel = 0;
    const meter = document.getElementById('voiceLevel');
    const sample = () => { window.__maxLevel = Math.max(window.__maxLevel, meter.value); };
    window.__levelSampler = setInterval(sample, 20);
  });
  await page.waitForFunction((s) => /^0:0(\d)/.test(document.getElementById('voiceTime').textContent) &&
                                    Number(document.getElementById('voiceTime').textContent.slice(2, 4)) >= s,
                             seconds, { timeout: STEP_MS + seconds * 1000, polling: 50 });
  maxLevel = await page.evaluate(() => { clearInterval(window.__levelSampler); return window.__maxLevel; });
  await button(page, 'Stop recording').click();
  await button(page, 'Send voice message').waitFor();
  return page.evaluate(probes.recordedSeconds);
}

test('a declined caller records, previews and sends a voice message; the callee plays and downloads it',
     { timeout: TEST_MS }, async () => {
  const [eve, finn] = await session.open({ name: 'Eve', initScript: keepAllResourceTimings },
                                         { name: 'Finn', initScript: keepAllResourceTimings });
  // The page really loaded through what the check reads (else the check below proves nothing).
  assert.ok((await requestedPaths(eve.page)).some((u) => u.endsWith('.wasm')), 'no Wasm in resource timing');
  await declinedCall(eve, finn);
  assert.match(await eve.page.locator('#voiceHint').textContent(), /Finn did not take the call/);
  assert.equal(await finn.page.locator('#voicePanel').isVisible(), false);  // the callee has nothing to leave
  assert.equal(await voiceModuleLoaded(eve.page), false, 'the codec module came before it was needed');

  const recorded = await record(eve.page, 3);
  assert.ok(await voiceModuleLoaded(eve.page), 'recording loaded the codec, and the check sees it');
  assert.match(await eve.page.locator('#voiceTime').textContent(), /^0:0[3-9]$/);
  assert.ok(maxLevel > 0.1, `the level meter stayed at ${maxLevel} while the fake microphone beeped`);
  await button(eve.page, 'Play preview').click();
  await button(eve.page, 'Stop preview').waitFor();
  await button(eve.page, 'Play preview').waitFor({ timeout: 10_000 });  // it ends by itself
  await button(eve.page, 'Send voice message').click();
  await eve.page.waitForFunction(() => document.getElementById('voiceStatus').textContent === 'Delivered to Finn.');

  const card = finn.page.locator('#voiceMessages .voice-card');
  await card.waitFor();
  assert.match(await card.locator('.voice-from').textContent(), /^From Eve, 0:0[3-9]$/);
  assert.equal(await voiceModuleLoaded(finn.page), false, 'listing a message needs no codec');
  await finn.page.getByRole('button', { name: /^Play the voice message from Eve, 0:0[3-9]$/ }).click();
  await finn.page.waitForFunction(() => document.querySelector('.voice-card')?.dataset.decodedSeconds);
  const decoded = Number(await card.getAttribute('data-decoded-seconds'));
  const level = Number(await card.getAttribute('data-level'));
  assert.ok(decoded >= 2.9 && decoded >= recorded - 0.2 && decoded <= recorded + 0.8,
            `decoded ${decoded} s of a ${recorded.toFixed(2)} s recording`);
  assert.ok(level > 0.2, `the decoded message is silent (level ${level})`);
  const playButton = card.getByRole('button', { name: /voice message from Eve/ }).first();
  assert.equal(await playButton.textContent(), 'Pause');
  await finn.page.getByRole('button', { name: /^Pause the voice message from Eve/ }).click();
  assert.equal(await playButton.textContent(), 'Play');
  assert.match(await finn.page.locator('#voiceAnnounce').textContent(), /^New voice message from Eve/);

  // The download is the Ogg Opus file itself.
  const file = await finn.page.evaluate(probes.voiceDownload);
  assert.equal(file.magic, 'OggS');
  assert.equal(file.head, 'OpusHead');
  assert.match(file.name, /\.opus$/);
  assert.ok(file.size > 2_000 && file.size < 30_000, `${file.size} bytes for ~3 s`);
  assertNoErrors(eve, finn);
});

test('a voice message for someone who left waits for them, and the caller is told', { timeout: TEST_MS }, async () => {
  const [gus, hana] = await session.open('Gus', 'Hana');
  await declinedCall(gus, hana);
  await record(gus.page, 1);
  await hana.context.close();
  await button(gus.page, 'Call Hana').waitFor({ state: 'detached' });
  await button(gus.page, 'Send voice message').click();
  await gus.page.waitForFunction(() => /^Not delivered yet — they are offline; it is sent when they are back/.test(
    document.getElementById('voiceStatus').textContent));
  // Kept, listed with why, and deletable.
  const unsent = gus.page.locator('#voiceMessages .voice-unsent');
  assert.match(await unsent.textContent(), /^To Hana, 0:0[1-9]Not delivered yet/);
  await gus.page.getByRole('button', { name: /^Delete your voice message to Hana/ }).click();
  await unsent.waitFor({ state: 'detached' });
  assertNoErrors(gus);
});

test('a discarded recording is gone and the microphone is released', { timeout: TEST_MS }, async () => {
  const [ivy, jon] = await session.open('Ivy', 'Jon');
  await declinedCall(ivy, jon);
  await ivy.page.evaluate(keepOpenedTracks);
  await record(ivy.page, 1);
  await button(ivy.page, 'Discard').click();
  await button(ivy.page, 'Leave a voice message').waitFor();
  assert.ok(await button(ivy.page, 'Leave a voice message').evaluate((el) => el === document.activeElement));
  assert.equal(await button(ivy.page, 'Send voice message').count(), 0);
  const tracks = await ivy.page.evaluate(() => window.__tracks.map((t) => t.readyState));
  assert.ok(tracks.length >= 1, 'the recorder opened the microphone');
  assert.deepEqual(tracks.filter((state) => state !== 'ended'), [], 'every microphone track was stopped');
  assertNoErrors(ivy, jon);
});

test('an audio device that never starts ends in a plain message, not "Opening the microphone…" forever',
  { timeout: TEST_MS }, async () => {
    const [kim, lou] = await session.open('Kim', 'Lou');
    await declinedCall(kim, lou);
    // As Firefox with no sound device: the microphone is granted but the AudioContext never runs.
    await kim.page.evaluate(() => {
      window.__closedContexts = 0;
      AudioContext.prototype.resume = () => new Promise(() => {});
      const close = AudioContext.prototype.close;
      AudioContext.prototype.close = function () { ++window.__closedContexts; return close.call(this); };
    });
    await kim.page.evaluate(keepOpenedTracks);
    await button(kim.page, 'Leave a voice message').click();
    await kim.page.waitForFunction(() => /Opening the microphone/.test(document.getElementById('voicePanel').textContent));
    // kDeviceStartTimeoutMs (5 s) after the grant, the recorder gives up and says why.
    await kim.page.waitForFunction(
      () => /Cannot record: .*the audio device did not start within 5 s/.test(document.getElementById('voicePanel').textContent),
      null, { timeout: STEP_MS + 5000 });
    await button(kim.page, 'Leave a voice message').waitFor();
    assert.equal(await button(kim.page, 'Stop recording').isVisible(), false);
    const tracks = await kim.page.evaluate(() => window.__tracks.map((t) => t.readyState));
    assert.ok(tracks.length >= 1, 'the microphone was granted first');
    assert.deepEqual(tracks.filter((state) => state !== 'ended'), [], 'the microphone is released');
    assert.ok(await kim.page.evaluate(() => window.__closedContexts) >= 1, 'the audio context is closed');
    assertNoErrors(kim, lou);
  });
