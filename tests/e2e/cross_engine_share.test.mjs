// Screen sharing in Firefox (issue 19). Firefox's fake media (media.navigator.streams.fake) has
// cameras and microphones but no screen: headless, getDisplayMedia answers NotFoundError. So
// what is checked here is the refusal path in Firefox, against a Chromium peer: a plain notice,
// the Share button not left pressed, the camera's track still the one sent, the call going on
// with video (share.test.mjs covers a real share in Chromium).
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TEST_MS, assertNoErrors, connectCall, inChromium, inFirefox, phaseOf, useCrossSession,
  waitForRemoteMediaFlowing,
} from './engines.mjs';

const session = useCrossSession({ before, after, afterEach });

const state = (user) => user.evaluate(() => {
  const track = window.__peerConnections.at(-1).getSenders().find((s) => s.track?.kind === 'video')?.track;
  const notice = document.getElementById('notice');
  return { sent: track?.id ?? null, pressed: document.getElementById('shareScreen').getAttribute('aria-pressed'),
           notice: notice.hidden ? '' : notice.textContent };
});

test('Firefox without a screen to share: a plain notice, and the call goes on with the camera', { timeout: TEST_MS }, async () => {
  const [fay, carl] = await session.open(inFirefox('Fay'), inChromium('Carl'));
  await connectCall(fay, carl);
  await waitForRemoteMediaFlowing(carl);
  const before = await state(fay);
  await fay.click('Share screen');
  await fay.evaluate(() => new Promise((resolve) => {
    const notice = document.getElementById('notice');
    const done = () => { if (!notice.hidden) resolve(); };
    new MutationObserver(done).observe(notice, { attributes: true, childList: true, characterData: true, subtree: true });
    done();
  }));
  const after = await state(fay);
  assert.match(after.notice, /^(Could not share the screen: |Screen sharing did not start)/);
  assert.equal(after.pressed, 'false');
  assert.equal(after.sent, before.sent, 'the camera is still what is sent');
  assert.equal(await phaseOf(fay), 'connected');
  await waitForRemoteMediaFlowing(carl);
  assertNoErrors(fay, carl);
});
