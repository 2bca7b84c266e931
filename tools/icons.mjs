// Renders web/icons/icon.svg (our own icon) to the PNG sizes the web app manifest lists, with
// headless Chromium. Usage: node tools/icons.mjs   (writes web/icons/icon-192.png, icon-512.png)
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { launchBrowser, root } from '../tests/e2e/helpers.mjs';

const svg = await readFile(path.join(root, 'web/icons/icon.svg'), 'utf8');
const browser = await launchBrowser();
try {
  for (const size of [192, 512]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(`<style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`);
    await page.screenshot({ path: path.join(root, `web/icons/icon-${size}.png`), omitBackground: true });
    await page.close();
    console.log(`web/icons/icon-${size}.png`);
  }
} finally {
  await browser.close();
}
