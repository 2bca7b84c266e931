// The installable app (issue 19), in Chromium against a copy of the built web folder: the service
// worker keeps the shell, so a repeat visit is served from its cache and the page opens with the
// server down (saying it is reconnecting, or offline when the device has no network, then online
// again when both are back); a rebuilt
// shell is noticed after the page started and offered with "Reload", which shows the new one;
// other addresses of the server are never answered with the page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  STEP_MS, allowConsoleErrors, assertNoErrors, builtWeb, button, launchBrowser, openUser, startServer,
  stopServer, waitForLink,
} from './helpers.mjs';

let web;
let browser;
before(async () => {
  web = await mkdtemp(path.join(tmpdir(), 'peerline-shell-'));
  await cp(builtWeb(), web, { recursive: true });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close().catch(() => {});
  await rm(web, { recursive: true, force: true });
});

// The page is controlled by its service worker (it claims the page once installed).
const waitForWorker = (page) => page.waitForFunction(() => navigator.serviceWorker.controller !== null,
                                                     null, { timeout: STEP_MS });

// Which of the page's requests the service worker answered, and which reached the network.
function served(page) {
  const seen = [];
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (url.protocol.startsWith('http')) seen.push({ path: url.pathname, worker: response.fromServiceWorker() });
  });
  return seen;
}

test('repeat visits start from the cache, and offline the page opens and says it is offline and reconnecting', { timeout: 90_000 }, async () => {
  let server = await startServer({ web });
  const { port } = server;
  const ada = await openUser(browser, server.url, 'Ada');
  try {
    await waitForWorker(ada.page);
    const seen = served(ada.page);
    await ada.page.reload();
    await waitForLink(ada.page, 'online');
    for (const file of ['/', '/style.css', '/peerline.js', '/peerline.wasm']) {
      assert.ok(seen.some((s) => s.path === file && s.worker), `${file} came from the service worker: ${JSON.stringify(seen)}`);
    }

    // The server goes away: the page still opens, and says what is going on.
    await stopServer(server.child);
    allowConsoleErrors(/WebSocket connection to .* failed/);
    await ada.page.reload();
    await ada.page.locator('#connection').getByText(/Reconnecting|Connecting/).waitFor();
    assert.equal(await ada.page.getByRole('heading', { name: 'Peerline', level: 1 }).isVisible(), true);
    // The device itself loses its network: the page says that, not just "Reconnecting…".
    await ada.context.setOffline(true);
    await ada.page.locator('#connection').getByText('Offline — reconnecting when your network is back').waitFor();
    // Server and network back: it reconnects by itself.
    server = await startServer({ web, port });
    await ada.context.setOffline(false);
    await waitForLink(ada.page, 'online', 30_000);
    assert.equal(await ada.page.locator('#connection').textContent(), 'Online');
    assertNoErrors(ada);
  } finally {
    await ada.context.close();
    await stopServer(server.child);
  }
});

test('a rebuilt shell is offered with "Reload", which shows the new one', { timeout: 90_000 }, async () => {
  const server = await startServer({ web });
  const ada = await openUser(browser, server.url, 'Ada');
  try {
    await waitForWorker(ada.page);
    // A new build of the stylesheet (and its precompressed copy) while the page is open.
    const css = `${await readFile(path.join(web, 'style.css'), 'utf8')}\n.brand { letter-spacing: .02em; }\n`;
    await writeFile(path.join(web, 'style.css'), css);
    await writeFile(path.join(web, 'style.css.gz'), gzipSync(css));
    // Still served the cached shell, the page asks, and hears of the new one.
    await ada.page.reload();
    await waitForLink(ada.page, 'online');
    await ada.page.getByRole('status').getByText('A new version of Peerline is ready.').waitFor();
    assert.equal(await ada.page.evaluate(() => getComputedStyle(document.querySelector('.brand')).letterSpacing), 'normal');
    await button(ada.page, 'Reload').click();
    await ada.page.waitForFunction(() => getComputedStyle(document.querySelector('.brand')).letterSpacing !== 'normal',
                                   null, { timeout: STEP_MS });
    await waitForLink(ada.page, 'online');
    assert.equal(await ada.page.locator('#updateBanner').isHidden(), true);
    // Only the page is the app's: another address of the server, opened in a tab the worker
    // controls, is what the server says. (A plain-text page makes Chromium ask for /favicon.ico,
    // which this server does not have: the one expected 404.)
    allowConsoleErrors(/Failed to load resource: the server responded with a status of 404/);
    await ada.page.goto(`${server.url}/healthz`);
    assert.equal(await ada.page.locator('body').textContent(), 'ok');
    assertNoErrors(ada);
  } finally {
    await ada.context.close();
    await stopServer(server.child);
  }
});
