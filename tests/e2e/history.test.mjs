// Recent calls (issue 19): a call Bob gave up on is listed as missed on Ada's idle page, kept by
// her browser across a reload (where both get new server ids), and "Call back Bob" calls him
// again; a new entry goes above the rows already shown without reusing them; Call back is
// disabled, with the reason as its tooltip, once he is gone. A corrupt stored list
// leaves the page working with an empty one.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TEST_MS, assertNoErrors, button, closeUsers, useSession, waitForEnd, waitForLink, waitForRinging,
} from './helpers.mjs';

const session = useSession({ before, after, afterEach });
const recent = (page) => page.getByRole('region', { name: /^Recent/ });
const entries = (page) => page.locator('#recentList li').evaluateAll((items) => items.map((li) => ({
  name: li.querySelector('.recent-name').textContent,
  what: li.querySelector('.recent-what').textContent,
  missed: li.dataset.missed,
})));

test('a missed call is listed, survives a reload, and Call back calls that person again', { timeout: TEST_MS }, async () => {
  const [ada, bob] = await session.open('Ada', 'Bob');
  assert.equal(await recent(ada.page).count(), 0);  // nothing yet: no empty section

  await button(bob.page, 'Audio call Ada').click();
  await waitForRinging(ada.page, 'Bob');
  await button(bob.page, 'Cancel').click();
  await ada.page.getByRole('heading', { name: 'Recent 1 missed' }).waitFor();
  assert.deepEqual(await entries(ada.page), [{ name: 'Bob', what: 'Missed · audio', missed: 'true' }]);
  assert.deepEqual(await entries(bob.page), [{ name: 'Ada', what: 'Cancelled · audio', missed: 'false' }]);
  const callBack = button(ada.page, 'Call back Bob');
  assert.equal(await callBack.getAttribute('title'), 'Call back Bob');
  assert.equal(await callBack.isEnabled(), true);

  // A new visit: a new server id for Ada; the list comes back from her browser's storage.
  const stored = await ada.page.evaluate(() => localStorage.getItem('peerline.calls'));
  assert.match(stored, /"outcome":"missed"/);
  await ada.page.reload();
  await waitForLink(ada.page, 'online');
  await ada.page.getByRole('heading', { name: 'Recent 1 missed' }).waitFor();
  await ada.page.evaluate(() => { document.querySelector('#recentList li').dataset.seen = 'before'; });
  await button(ada.page, 'Call back Bob').click();
  await waitForRinging(bob.page, 'Ada');
  // The same kind of call as before: audio, so there is no "Accept audio only" to choose.
  assert.equal(await button(bob.page, 'Accept audio only').isVisible(), false);
  await button(bob.page, 'Decline').click();
  await waitForEnd(ada.page, 'declined');
  assert.deepEqual((await entries(ada.page)).map((e) => e.what), ['Declined · audio', 'Missed · audio']);
  // The new entry got a row of its own above: the row that was there still shows its entry (and
  // keeps focus, were it on it), rather than the newest entry sliding under it.
  assert.deepEqual(await ada.page.evaluate(() => {
    const seen = document.querySelector('#recentList li[data-seen]');
    return [[...seen.parentElement.children].indexOf(seen), seen.querySelector('.recent-what').textContent];
  }), [1, 'Missed · audio']);

  // Bob leaves: Call back is disabled and says why.
  await closeUsers(bob);
  await ada.page.waitForFunction(() => document.querySelector('#recentList button').disabled);
  assert.equal(await button(ada.page, 'Call back Bob').first().getAttribute('title'), 'Bob is not online');
  assertNoErrors(ada);
});

test('a corrupt stored history starts an empty list and the page works', { timeout: TEST_MS }, async () => {
  const [ada] = await session.open({
    name: 'Ada',
    initScript: () => localStorage.setItem('peerline.calls', '{"v":1,"calls":[{"dir":"in","outcome":'),
  }, 'Bob');
  assert.equal(await recent(ada.page).count(), 0);
  await button(ada.page, 'Call Bob').waitFor();
  assertNoErrors(ada);
});
