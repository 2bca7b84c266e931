// Discovery (issue 7): a person's name can be changed on the page, reaches the others live, and
// is remembered by the browser for the next visit.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_MS, assertNoErrors, button, useSession, waitForLink } from './helpers.mjs';

const session = useSession({ before, after, afterEach });

test('changing one\'s name shows at once on the other page and is remembered', { timeout: TEST_MS }, async () => {
  const [kim, lou] = await session.open('Kim', 'Lou');
  await button(kim.page, 'Change name').click();
  const input = kim.page.getByLabel('Your name');
  assert.equal(await input.inputValue(), 'Kim');
  assert.ok(await input.evaluate((el) => el === document.activeElement));
  await input.fill('  Kim <b>Possible</b> ');
  await button(kim.page, 'Save name').click();
  assert.equal(await kim.page.locator('#selfName').textContent(), 'Kim <b>Possible</b>');
  await button(lou.page, 'Call Kim <b>Possible</b>').waitFor();  // as text, never as markup
  assert.equal(await lou.page.locator('b').count(), 0);

  // Escape closes the form without a change.
  await button(kim.page, 'Change name').click();
  await kim.page.getByLabel('Your name').fill('Nobody');
  await kim.page.keyboard.press('Escape');
  assert.equal(await kim.page.locator('#selfName').textContent(), 'Kim <b>Possible</b>');
  assert.ok(await button(kim.page, 'Change name').evaluate((el) => el === document.activeElement));

  // Remembered: the same browser without ?name= comes back under the chosen name.
  await kim.page.goto(session.baseUrl + '/');
  await waitForLink(kim.page, 'online');
  assert.equal(await kim.page.locator('#selfName').textContent(), 'Kim <b>Possible</b>');
  assertNoErrors(kim, lou);
});
