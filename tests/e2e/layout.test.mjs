// The page as people see it (issue 19): the key screens (roster, ringing, in a call, its menu and
// statistics, sharing a screen, a file transfer, the recent calls) at a desktop, a phone in portrait and the same phone in landscape, light and dark.
// Each is saved as a screenshot (PEERLINE_SCREENS, default build/screens) and checked for layout
// facts: nothing overflows sideways; in a call on a phone the remote video covers at least 45 %
// of the viewport and every call control is inside it. axe-core checks every screen against
// WCAG 2.1 A/AA and its best practices: no violations.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  STEP_MS, assertNoErrors, button, openMore, root, useSession, waitForPhase, waitForRemoteMediaFlowing,
  waitForRinging,
} from './helpers.mjs';

const session = useSession({ before, after, afterEach });
const screens = path.resolve(root, process.env.PEERLINE_SCREENS ?? 'build/screens');
const axeSource = await readFile(path.join(root, 'node_modules/axe-core/axe.min.js'), 'utf8');

export const viewports = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
  landscape: { width: 844, height: 390 },
};
const schemes = ['light', 'dark'];
const isPhone = (kind) => kind !== 'desktop';

// Layout facts, read in the page.
function layoutFacts() {
  const view = { width: window.innerWidth, height: window.innerHeight };
  const inside = (r) => r.left >= -0.5 && r.top >= -0.5 && r.right <= view.width + 0.5 && r.bottom <= view.height + 0.5;
  const remote = document.getElementById('remoteVideo');
  const r = remote.getBoundingClientRect();
  const visibleArea = Math.max(0, Math.min(r.right, view.width) - Math.max(r.left, 0)) *
                      Math.max(0, Math.min(r.bottom, view.height) - Math.max(r.top, 0));
  const controls = [...document.querySelectorAll('#callControls button')]
    .filter((b) => !b.hidden)
    .map((b) => ({ name: b.textContent.trim() || b.getAttribute('aria-label'), inside: inside(b.getBoundingClientRect()) }));
  return {
    overflow: document.documentElement.scrollWidth - view.width,
    remoteShare: remote.hidden ? 0 : visibleArea / (view.width * view.height),
    controls,
  };
}

// axe-core in the page (evaluated by the test's driver, so the page's CSP still holds for the
// page's own scripts); the violations, each with the first few offending nodes.
async function axeViolations(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return {
      passed: result.passes.length,
      violations: result.violations.map((v) => ({
        id: v.id, impact: v.impact,
        nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')}: ${n.failureSummary.split('\n').slice(0, 2).join(' ')}`),
      })),
    };
  });
}

// One screen: for each scheme, a picture per viewport and its layout facts, and axe once at the
// first viewport. `check(facts, kind)` asserts what this screen must show.
async function visit(page, screen, kinds, check = () => {}) {
  for (const scheme of schemes) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const kind of kinds) {
      await page.setViewportSize(viewports[kind]);
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      const facts = await page.evaluate(layoutFacts);
      await page.screenshot({ path: path.join(screens, `${screen}-${kind}-${scheme}.png`) });
      assert.ok(facts.overflow <= 0, `${screen} ${kind} ${scheme}: the page overflows sideways by ${facts.overflow} px`);
      check(facts, kind, scheme);
    }
    const { passed, violations } = await axeViolations(page);
    assert.ok(passed > 10, `${screen} (${scheme}): axe-core ran (${passed} rules passed)`);
    assert.deepEqual(violations, [], `${screen} (${scheme}): axe-core found violations`);
  }
  await page.setViewportSize(viewports.desktop);
}

function onStage(facts, kind, scheme) {
  const where = `${kind} ${scheme}`;
  assert.ok(facts.controls.length >= 4, `${where}: the call controls show (${JSON.stringify(facts.controls)})`);
  for (const c of facts.controls) assert.ok(c.inside, `${where}: "${c.name}" is outside the viewport`);
  if (isPhone(kind)) {
    assert.ok(facts.remoteShare >= 0.45, `${where}: the remote video covers ${(facts.remoteShare * 100).toFixed(0)} % of the viewport`);
  }
}

test('the key screens at desktop, phone and landscape sizes, light and dark: laid out, accessible', { timeout: 180_000 }, async () => {
  await mkdir(screens, { recursive: true });
  const [ada, bob] = await session.open('Ada', 'Bob');
  await visit(ada.page, 'roster', Object.keys(viewports));
  // Idle, nothing of a call shows: no empty call card, no device pickers.
  assert.equal(await ada.page.locator('#callPanel').isVisible(), false);
  assert.equal(await ada.page.getByRole('combobox').count(), 0);

  await button(ada.page, 'Call Bob').click();
  await waitForRinging(bob.page, 'Ada');
  await visit(bob.page, 'ringing', ['desktop', 'phone']);
  await visit(ada.page, 'calling', ['phone'], (facts, kind, scheme) => {
    assert.ok(facts.controls.every((c) => c.inside), `${kind} ${scheme}: Cancel is reachable`);
  });
  await button(bob.page, 'Accept').click();
  await Promise.all([waitForPhase(ada.page, 'connected'), waitForPhase(bob.page, 'connected')]);
  await waitForRemoteMediaFlowing(ada.page, { seconds: 1 });
  // The timer and the quality indicator come with the first statistics.
  await ada.page.locator('#callTimer').waitFor({ timeout: STEP_MS });
  await ada.page.locator('#callQuality').waitFor({ timeout: STEP_MS });
  await visit(ada.page, 'call', Object.keys(viewports), onStage);

  await openMore(ada.page);
  await button(ada.page, 'Statistics').click();
  await ada.page.getByRole('region', { name: 'Call statistics' }).getByText(/kb\/s|Mb\/s/).waitFor({ timeout: STEP_MS });
  await visit(ada.page, 'call-menu', Object.keys(viewports), onStage);

  // Sharing: Ada's screen (Chromium's fake 1280×720) on Bob's stage, whole.
  await button(ada.page, 'More').click();
  await button(ada.page, 'Share screen').click();
  await bob.page.waitForFunction(() => document.getElementById('remoteVideo').videoWidth === 1280, null, { timeout: STEP_MS });
  await visit(bob.page, 'sharing', Object.keys(viewports), onStage);
  await visit(ada.page, 'sharing-self', ['desktop', 'phone'], onStage);

  // A file transfer, once the call is over: the roster and the conversation beside it.
  await button(ada.page, 'Hang up').click();
  await waitForPhase(bob.page, 'ended');
  await ada.page.getByRole('button', { name: /^Chat and files with Bob/ }).click();
  const file = path.join(screens, 'holiday-photos.zip');
  await writeFile(file, Buffer.alloc(64 * 1024, 7));
  await ada.page.locator('#fileInput').setInputFiles([file]);
  await bob.page.locator('#transfers .transfer[data-state="offered"]').waitFor();
  await visit(bob.page, 'transfer-offer', Object.keys(viewports));
  await button(bob.page, 'Accept').click();
  await ada.page.locator('#transfers .transfer[data-state="done"]').waitFor({ timeout: STEP_MS });
  await visit(ada.page, 'transfer-done', Object.keys(viewports));

  // The idle roster with its Recent section: a call Bob gave up on while it rang is marked
  // missed and counted (the danger colour must hold its contrast in both schemes).
  await button(ada.page, 'Close the chat').click();
  await button(bob.page, 'Call Ada').click();
  await waitForRinging(ada.page, 'Bob');
  await button(bob.page, 'Cancel').click();
  await ada.page.getByRole('heading', { name: 'Recent 1 missed' }).waitFor();
  await visit(ada.page, 'recent', Object.keys(viewports));
  assertNoErrors(ada, bob);
});
