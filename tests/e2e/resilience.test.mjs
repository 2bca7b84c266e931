// The page's C++ keeps working when the browser surprises it: an exception thrown by a browser
// API in the middle of an event (which unwinds through Wasm without running any C++ cleanup)
// loses that one event but not the page; a keydown without a key (Chromium's autofill) is ignored.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TEST_MS, assertNoErrors, button, connectCall, phaseOf, useSession,
} from './helpers.mjs';

const session = useSession({ before, after, afterEach });

// In the caller's page: the first write of data-phase="ringing-out" (drawing the call it just
// placed) throws, as a browser API might.
function throwOnceWhenCalling() {
  const setAttribute = Element.prototype.setAttribute;
  let thrown = false;
  Element.prototype.setAttribute = function (name, value) {
    if (!thrown && name === 'data-phase' && value === 'ringing-out') {
      thrown = true;
      throw new Error('injected failure while drawing the call');
    }
    return setAttribute.call(this, name, value);
  };
}

test('an exception in the middle of an event does not stop the page: the call still connects', { timeout: TEST_MS }, async () => {
  const [ada, bob] = await session.open({ name: 'Ada', initScript: throwOnceWhenCalling }, 'Bob');
  await connectCall(ada, bob);
  assert.equal(await phaseOf(ada.page), 'connected');
  // The one injected failure reached the page as an error; nothing else did.
  assert.equal(ada.errors.length, 1, ada.errors.join('\n'));
  assert.match(ada.errors[0], /injected failure while drawing the call/);
  ada.errors.length = 0;
  await button(ada.page, 'Hang up').click();
  await Promise.all([ada.page, bob.page].map((page) => page.waitForFunction(
    () => document.getElementById('callPanel').dataset.phase === 'ended')));
  assertNoErrors(ada, bob);
});

test('a keydown without a key (Chromium autofill) is ignored', { timeout: TEST_MS }, async () => {
  const [ada] = await session.open('Ada', 'Bob');
  await ada.page.evaluate(() => {
    document.body.dispatchEvent(new Event('keydown', { bubbles: true }));
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'm', isComposing: true, bubbles: true }));
  });
  await button(ada.page, 'Call Bob').click();  // still answering
  await ada.page.waitForFunction(() => document.getElementById('callPanel').dataset.phase === 'ringing-out');
  assertNoErrors(ada);
});
