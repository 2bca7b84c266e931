// The page under the server's Content-Security-Policy (issue 18, docs/decisions.md "Security
// headers"), in Chromium and Firefox: it loads, compiles its Wasm and goes online with no
// violation; what the policy forbids (an inline script, eval, a style attribute) is refused, and
// the refusal fails a test through the no-errors check (helpers.mjs reportCspViolations).
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TEST_MS, assertNoErrors, inChromium, inFirefox, useCrossSession,
} from './engines.mjs';

const session = useCrossSession({ before, after, afterEach });

// Page side: tries each thing the policy forbids; says which of them ran.
async function tryForbidden() {
  const script = document.createElement('script');
  script.textContent = 'window.__inlineScriptRan = true;';
  document.head.append(script);
  // From a task of the page's own: code the test driver evaluates may eval freely in both engines.
  const evalRan = await new Promise((resolve) => setTimeout(() => {
    try {
      resolve(new Function('return true')());
    } catch (error) {
      resolve(error instanceof EvalError ? false : String(error));
    }
  }, 0));
  const styled = document.createElement('p');
  styled.setAttribute('style', 'color: rgb(1, 2, 3)');
  document.body.append(styled);
  const styleApplied = getComputedStyle(styled).color === 'rgb(1, 2, 3)';
  styled.remove();
  return { inlineScriptRan: window.__inlineScriptRan === true, evalRan, styleApplied };
}

for (const open of [inChromium, inFirefox]) {
  const engine = open('x').engine;
  test(`${engine}: the page runs under the policy, and what it forbids is refused and reported`,
       { timeout: TEST_MS }, async () => {
    const [ada] = await session.open(open('Ada'));
    // Online means peerline.js ran, the Wasm compiled and the WebSocket opened, all under it.
    assertNoErrors(ada);
    assert.deepEqual(await ada.evaluate(() => window.__cspViolations), []);

    assert.deepEqual(await ada.evaluate(tryForbidden),
                     { inlineScriptRan: false, evalRan: false, styleApplied: false });
    await ada.waitFor(() => window.__cspViolations.length >= 3);
    const directives = (await ada.evaluate(() => window.__cspViolations.map((v) => v.directive))).sort();
    assert.deepEqual(directives.map((d) => d.replace(/-(elem|attr)$/, '')),
                     ['script-src', 'script-src', 'style-src'], directives.join(', '));
    // Each one is on the page's error list: any test meeting a violation fails.
    const reported = ada.errors.filter((e) => e.includes('CSP violation'));
    assert.ok(reported.length >= 3, ada.errors.join('\n'));
    ada.errors.length = 0;
  });
}
