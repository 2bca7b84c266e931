// Received files to disk (docs/transfer.md "Where received bytes go"): a dedicated worker, since
// only workers may hold an Origin Private File System sync access handle, the one way to write
// at an offset without keeping the bytes in memory. It only executes: the page's C++ core decides
// when a file is opened, written, kept or deleted, and what a failure means.
//
// Page → worker, in order:  {op:'start', folder}   {op:'sweep'}
//   {op:'open', sink, name}  {op:'write', sink, at, bytes: ArrayBuffer}  {op:'close', sink, keep}
//   {op:'truncate', sink, size}  (a resumed transfer drops the bytes past its last verified block)
// Worker → page:  {op:'started', sync} | {op:'unavailable', reason}
//   {op:'stored', sink, file: File}  {op:'failed', sink, reason}  {op:'deleted', sink}
'use strict';

const kFolderPrefix = 'peerline-received-';
let root = null;     // navigator.storage.getDirectory()
let folder = null;   // this page's folder in it; a Web Lock of the same name says a page owns it
let folderName = '';
const sinks = new Map();  // sink → {name, handle: FileSystemSyncAccessHandle, failed}
let queue = Promise.resolve();

const describe = (error) => `${error?.name ?? 'Error'}: ${error?.message ?? String(error)}`;

async function start(name) {
  try {
    // Held until the page goes (taken before the folder exists, so no sweep can race it): a
    // sweep by another tab skips folders whose lock is taken.
    if (navigator.locks) {
      await new Promise((held) => navigator.locks.request(name, () => { held(); return new Promise(() => {}); }));
    }
    root = await navigator.storage.getDirectory();
    const probe = await root.getDirectoryHandle(name, { create: true });
    const sync = typeof FileSystemFileHandle !== 'undefined' &&
                 'createSyncAccessHandle' in FileSystemFileHandle.prototype;
    if (!sync) {
      await root.removeEntry(name, { recursive: true }).catch(() => {});
      postMessage({ op: 'unavailable', reason: 'no FileSystemSyncAccessHandle' });
      return;
    }
    folder = probe;
    folderName = name;
    postMessage({ op: 'started', sync: true });
  } catch (error) {
    postMessage({ op: 'unavailable', reason: describe(error) });
  }
}

// Folders of pages that are gone (their lock is free); never this page's.
async function sweep() {
  if (!root || !navigator.locks) return;
  for await (const [name, handle] of root.entries()) {
    if (handle.kind !== 'directory' || !name.startsWith(kFolderPrefix) || name === folderName) continue;
    await navigator.locks.request(name, { ifAvailable: true }, async (lock) => {
      if (lock) await root.removeEntry(name, { recursive: true }).catch(() => {});
    });
  }
}

function fail(sink, entry, error) {
  entry.failed = true;
  try { entry.handle?.close(); } catch { /* closing is all we can do */ }
  entry.handle = null;
  postMessage({ op: 'failed', sink, reason: describe(error) });
  return folder.removeEntry(entry.name).catch(() => {});
}

async function open(sink, name) {
  const entry = { name, handle: null, failed: false };
  sinks.set(sink, entry);
  try {
    const file = await folder.getFileHandle(name, { create: true });
    entry.handle = await file.createSyncAccessHandle();
    entry.handle.truncate(0);
  } catch (error) {
    await fail(sink, entry, error);
  }
}

function write(sink, at, bytes) {
  const entry = sinks.get(sink);
  if (!entry || entry.failed) return;
  try {
    const data = new Uint8Array(bytes);
    const written = entry.handle.write(data, { at });
    if (written !== data.byteLength) {
      // Chromium's in-memory file system (Incognito, throwaway contexts) reports a full store as
      // a negative file error in an unsigned count: 2^32 - 8 is -8, FILE_ERROR_NO_SPACE.
      const why = written > 2 ** 31 ? `the browser's storage is full (file error ${written - 2 ** 32})`
                                    : `only ${written} of ${data.byteLength} bytes were written`;
      throw new DOMException(why, 'QuotaExceededError');
    }
  } catch (error) {
    return fail(sink, entry, error);
  }
}

function truncate(sink, size) {
  const entry = sinks.get(sink);
  if (!entry || entry.failed) return;
  try {
    entry.handle.truncate(size);
  } catch (error) {
    return fail(sink, entry, error);
  }
}

async function close(sink, keep) {
  const entry = sinks.get(sink);
  if (!entry) return;
  if (entry.failed) {
    sinks.delete(sink);
    return;
  }
  if (keep) {
    try {
      entry.handle.flush();
      entry.handle.close();
      entry.handle = null;
      // A File backed by the stored bytes: the page saves it without reading it into memory.
      const file = await (await folder.getFileHandle(entry.name)).getFile();
      postMessage({ op: 'stored', sink, file });
    } catch (error) {
      await fail(sink, entry, error);
    }
    return;
  }
  sinks.delete(sink);
  try { entry.handle?.close(); } catch { /* deleting anyway */ }
  await folder.removeEntry(entry.name).catch(() => {});
  postMessage({ op: 'deleted', sink });
}

function handle(m) {
  switch (m.op) {
    case 'start': return start(m.folder);
    case 'sweep': return sweep();
    case 'open': return open(m.sink, m.name);
    case 'write': return write(m.sink, m.at, m.bytes);
    case 'close': return close(m.sink, m.keep);
    case 'truncate': return truncate(m.sink, m.size);
    default: return undefined;
  }
}

// One message at a time, in order: a write never overtakes the open before it.
onmessage = (event) => {
  queue = queue.then(() => handle(event.data)).catch((error) => {
    postMessage({ op: 'error', reason: describe(error) });
  });
};
