// Pictures of the key screens for README and docs/images/: two real users of the real page in
// headless Chromium (fake camera), at a desktop and a phone-sized viewport, light scheme. (The
// e2e suite's layout test takes every key screen at three sizes, light and dark, into
// build/screens.)
// Usage: node tools/screenshots.mjs   (after tools/build.sh; writes docs/images/*.png)
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import {
  button, connectCall, launchBrowser, openUser, root, startServer, stopServer, waitForRemoteMediaFlowing,
} from '../tests/e2e/helpers.mjs';

const out = path.join(root, 'docs/images');
const viewports = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

await mkdir(out, { recursive: true });
const server = await startServer();
const browser = await launchBrowser();
try {
  for (const [kind, viewport] of Object.entries(viewports)) {
    const ada = await openUser(browser, server.url, 'Ada');
    const bob = await openUser(browser, server.url, 'Bob');
    await ada.page.setViewportSize(viewport);
    await ada.page.emulateMedia({ colorScheme: 'light' });
    await button(ada.page, 'Call Bob').waitFor();
    await ada.page.screenshot({ path: path.join(out, `roster-${kind}.png`) });
    await connectCall(ada, bob);
    await waitForRemoteMediaFlowing(ada.page, { seconds: 1 });
    await ada.page.locator('#callTimer').waitFor();
    await ada.page.screenshot({ path: path.join(out, `call-${kind}.png`) });
    console.log(`docs/images/roster-${kind}.png, docs/images/call-${kind}.png`);
    await ada.context.close();
    await bob.context.close();
  }
} finally {
  await browser.close();
  await stopServer(server.child);
}
