// Peerline's service worker (issue 19): the app shell from the cache, so a repeat visit starts
// without waiting for the network, and the page opens offline (it then says it is reconnecting).
// The shell is versioned by the server's validators: once a page has started, it asks the worker
// to check, and the worker asks the server for every cached file with its ETag (a 304 of a few
// hundred bytes each when nothing changed; after the page's own start, never competing with it).
// If any changed, it fetches the whole new set, swaps it in at once (never a mix of two builds)
// and answers "update-ready": the page offers "Reload". The voice codec module is cached on its first use.
// No app logic here: the page itself is C++ (src/browser/service_worker.cpp registers this).
'use strict';

const CACHE = 'peerline-shell';
// The received-files worker is part of the shell: the page and the worker it starts must come
// from the same build (its messages are the page's own protocol).
const SHELL = ['./', 'style.css', 'peerline.js', 'peerline.wasm', 'received_files_worker.js', 'voice/voice.js',
               'manifest.webmanifest', 'icons/icon.svg'];
const scope = new URL(self.registration.scope);
const shellKeys = new Set(SHELL.map((file) => new URL(file, scope).href));
const voicePrefix = new URL('voice/', scope).href;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(SHELL.map((file) => new Request(file, { cache: 'no-cache' })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
    await self.clients.claim();
  })());
});

// The page under any query (`/?name=Ada`, `/?room=…`), and by its file name, is the one page.
// Other navigations (/metrics, /healthz, a folder served beside it) are not the app's.
const page = new URL('./', scope).href;
function keyOf(request) {
  const url = new URL(request.url);
  url.search = '';
  url.hash = '';
  return url.href === new URL('index.html', scope).href ? page : url.href;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || new URL(request.url).origin !== scope.origin) return;
  const key = keyOf(request);
  // Anything else (the WebSocket, /qr.svg, /healthz) goes to the network untouched.
  if (!shellKeys.has(key) && !key.startsWith(voicePrefix)) return;
  event.respondWith(fromCache(key, request, event));
});

async function fromCache(key, request, event) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(key);
  if (cached) return cached;
  // Not cached yet (the voice module's first use, or an install that did not finish).
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') await cache.put(key, response.clone());
  return response;
}

self.addEventListener('message', (event) => {
  if (event.data?.type !== 'check') return;
  event.waitUntil(checkForUpdate().then((changed) => {
    if (changed) event.source?.postMessage({ type: 'update-ready' });
  }, () => {}));
});

let checking = null;

// One check at a time; resolves true if a new shell was swapped in. A failed check (offline,
// the server down or mid-restart) changes nothing.
function checkForUpdate() {
  checking ??= (async () => {
    try {
      const cache = await caches.open(CACHE);
      const keys = (await cache.keys()).map((r) => r.url).filter((url) => shellKeys.has(url) || url.startsWith(voicePrefix));
      const fresh = await Promise.all(keys.map(async (url) => {
        const response = await fetch(url, { cache: 'no-cache' });
        if (!response.ok) throw new Error(`${url}: ${response.status}`);
        const before = (await cache.match(url))?.headers.get('etag');
        return { url, response, changed: !before || before !== response.headers.get('etag') };
      }));
      if (!fresh.some((f) => f.changed)) return false;
      // Whole bodies first: a download that breaks half-way must not leave half a new shell.
      const bodies = await Promise.all(fresh.map(async ({ url, response }) => ({
        url, copy: new Response(await response.blob(), { status: response.status, statusText: response.statusText, headers: response.headers }),
      })));
      await Promise.all(bodies.map(({ url, copy }) => cache.put(url, copy)));
      return true;
    } finally {
      checking = null;
    }
  })();
  return checking;
}
