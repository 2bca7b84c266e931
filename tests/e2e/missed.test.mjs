// A call nobody answers: after the core's 30 s ring timeout both sides show a missed call.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TEST_MS, assertNoErrors, button, statusOf, useSession, waitForEnd, waitForRinging,
} from './helpers.mjs';

const session = useSession({ before, after, afterEach });
const RING_MS = 30_000;  // call_timing::kRingMs

test('unanswered for 30 s: missed on both sides', { timeout: TEST_MS + RING_MS }, async () => {
  const [ada, bob] = await session.open('Ada', 'Bob');
  const started = performance.now();
  await button(ada.page, 'Call Bob').click();
  const dialog = await waitForRinging(bob.page, 'Ada');
  await Promise.all([waitForEnd(ada.page, 'missed', RING_MS + 5_000),
                     waitForEnd(bob.page, 'missed', RING_MS + 5_000)]);
  const rang = performance.now() - started;
  assert.ok(rang >= RING_MS - 1_000, `rang ${rang.toFixed(0)} ms`);
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await statusOf(ada.page), 'Bob did not answer');
  assert.equal(await statusOf(bob.page), 'Missed call from Ada');
  assert.equal(await ada.page.evaluate(() => document.getElementById('localVideo').srcObject), null);
  assertNoErrors(ada, bob);
});
