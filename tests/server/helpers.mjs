// Shared helpers for the server tests: start the real peerline-server binary on a free port
// with a temporary web root, and WebSocket clients whose every wait has a deadline.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import WebSocket from 'ws';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const serverBinary = path.resolve(
  repoRoot, process.env.PEERLINE_SERVER ?? 'build/native/server/peerline-server');

export const WAIT_MS = 3000;
// Set by tools/test.sh when PEERLINE_SERVER is a sanitizer build. There, memory figures say
// nothing (ASan keeps freed memory in quarantine and pads every allocation), so tests keep their
// functional checks and leave their memory bounds to the release build.
export const sanitized = process.env.PEERLINE_SANITIZED === '1';

export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// A web root like the wasm build's, plus a secret file beside it that must never be served.
export const files = {
  'index.html': '<!doctype html><title>Peerline</title>\n',
  'a.js': 'console.log("peerline");\n',
  'app.mjs': 'export const x = 1;\n',
  'style.css': 'body { margin: 0 }\n',
  'a.wasm': Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]),
  'data.json': '{"ok":true}\n',
  'voice.opus': Buffer.from('OggS'),
  'sub/page.txt': 'nested\n',
};
export const gzippedFile = 'a.js';  // has a.js.gz beside it
export const secret = 'TOP-SECRET-NOT-IN-WEB-ROOT';

export function makeWebRoot() {
  const base = mkdtempSync(path.join(tmpdir(), 'peerline-test-'));
  const root = path.join(base, 'web');
  mkdirSync(path.join(root, 'sub'), { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(root, name), content);
  writeFileSync(path.join(root, `${gzippedFile}.gz`), gzipSync(files[gzippedFile]));
  writeFileSync(path.join(base, 'secret.txt'), secret);
  return { base, root, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

// Runs a program to completion: {code, signal, stdout, stderr}.
export function runToExit(binary, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

// Runs the server binary to completion (for --help, bad flags).
export function runServerOnce(args, ms = WAIT_MS) {
  return withTimeout(runToExit(serverBinary, args), ms, `peerline-server ${args.join(' ')} to exit`);
}

// Starts the server on a free port; resolves once it printed its URL. `web` reuses a web root
// (and the directory beside it, e.g. for a secret file) across restarts. `wrapper` runs the
// binary through a command that execs it (same pid), e.g. ['prlimit', '--nofile=64', '--'].
export async function startServer(extraArgs = [], { web: reuse, wrapper = [] } = {}) {
  const web = reuse ?? makeWebRoot();
  const argv = [...wrapper, serverBinary, '--port', '0', '--web-root', web.root, ...extraArgs];
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));

  const { tls, port } = await withTimeout(new Promise((resolve, reject) => {
    child.on('error', reject);
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = /listening on (https?):\/\/[^\s]*:(\d+)\//.exec(stdout);
      if (m) resolve({ tls: m[1] === 'https', port: Number(m[2]) });
    });
    exited.then(({ code }) => reject(new Error(`server exited early (${code}): ${stderr}`)));
  }), WAIT_MS, 'the server to print its URL');

  return {
    port,
    web,
    child,
    exited,
    http: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    ws: `${tls ? 'wss' : 'ws'}://127.0.0.1:${port}/ws`,
    stdout: () => stdout,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        try {
          await withTimeout(exited, WAIT_MS, 'the server to exit');
        } catch {
          child.kill('SIGKILL');
          await exited;
        }
      }
      if (!reuse) web.cleanup();
      const result = await exited;
      // With a sanitizer build (PEERLINE_SERVER=...asan binary) any report fails the test, and so
      // does a non-zero exit: the server exits 0 on SIGTERM unless LSan or ASan stopped it.
      if (/AddressSanitizer|LeakSanitizer|runtime error:/.test(stderr) || result.code) {
        throw new Error(`server exited ${JSON.stringify(result)}:\n${stderr.slice(-4000)}`);
      }
      return result;
    },
  };
}

// A WebSocket client that queues every message so tests can await them in order.
export class Client {
  static async open(url, options) {
    const client = new Client(new WebSocket(url, options));
    await withTimeout(new Promise((resolve, reject) => {
      client.socket.once('open', resolve);
      client.socket.once('error', reject);
    }), WAIT_MS, `a WebSocket to ${url}`);
    return client;
  }

  constructor(socket) {
    this.socket = socket;
    this.inbox = [];
    this.waiters = [];
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        for (const w of this.waiters.splice(0)) w.reject(new Error(`closed (${code}) while waiting`));
      });
    });
    socket.on('error', () => {});  // surfaced through `closed` and failing waits
    socket.on('message', (data, isBinary) => {
      const message = isBinary ? { binary: true, data: Buffer.from(data) } : JSON.parse(data.toString());
      const waiter = this.waiters.shift();
      if (waiter) waiter.resolve(message);
      else this.inbox.push(message);
    });
  }

  send(value) {
    this.socket.send(typeof value === 'string' || Buffer.isBuffer(value) ? value : JSON.stringify(value));
  }

  // Next message, whatever it is.
  next(ms = WAIT_MS) {
    if (this.inbox.length) return Promise.resolve(this.inbox.shift());
    let waiter;
    const arrival = new Promise((resolve, reject) => { waiter = { resolve, reject }; });
    this.waiters.push(waiter);
    return withTimeout(arrival, ms, 'a message').catch((e) => {
      this.waiters = this.waiters.filter((w) => w !== waiter);  // a late message stays queued
      throw e;
    });
  }

  // Next message, asserting nothing else arrived first.
  async expect(type, ms = WAIT_MS) {
    const message = await this.next(ms);
    if (message.type !== type) {
      throw new Error(`expected ${type}, got ${JSON.stringify(message).slice(0, 300)}`);
    }
    return message;
  }

  // Resolves true if no message arrives within `ms` (for "nothing was sent" checks).
  async quiet(ms = 200) {
    if (this.inbox.length) return false;
    await new Promise((r) => setTimeout(r, ms));
    return this.inbox.length === 0;
  }

  // `extra`: optional hello fields, e.g. { room, resume }.
  async hello(name = 'Ada', device = 'desktop', extra = {}) {
    this.send({ type: 'hello', v: 1, name, device, ...extra });
    const welcome = await this.expect('welcome');
    this.id = welcome.id;
    this.welcome = welcome;
    return welcome;
  }

  close() {
    this.socket.close(1000);
    return withTimeout(this.closed, WAIT_MS, 'the close handshake');
  }

  terminate() { this.socket.terminate(); }
}

export async function getHealth(server) {
  const res = await withTimeout(fetch(`${server.http}/healthz`), WAIT_MS, '/healthz');
  return { status: res.status, body: await res.text() };
}

// A binary message as docs/protocol.md defines it: 2-byte length, JSON header, payload.
export function binaryFrame(header, payload = Buffer.alloc(0)) {
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(2);
  length.writeUInt16BE(json.length);
  return Buffer.concat([length, json, payload]);
}

export function parseBinaryFrame(buffer) {
  const length = buffer.readUInt16BE(0);
  return { header: JSON.parse(buffer.subarray(2, 2 + length).toString()), payload: buffer.subarray(2 + length) };
}

// Resolves with the close of a connection the server is expected to refuse or end.
export function closedWithin(client, ms = WAIT_MS) {
  return withTimeout(client.closed, ms, 'the connection to close');
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Resident memory of a process in KiB, from /proc (Linux): for "memory stays bounded" checks.
export function rssKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)[1]);
}

// Resolves once the server's stderr (its event log) matches `pattern`.
export async function waitForLog(server, pattern, ms = WAIT_MS) {
  const deadline = Date.now() + ms;
  while (!pattern.test(server.stderr())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for log ${pattern}`);
    await sleep(20);
  }
}

// A free TCP port on loopback (for programs that cannot be told to pick one, like redis-server).
export async function freePort() {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

// A real redis-server (Debian) on a loopback port, nothing persisted. `start` again after
// `kill` brings it back on the same port, empty, as a crashed and restarted Redis would be.
export async function startRedis(port) {
  port ??= await freePort();
  const redis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    child: null,
    output: '',
    async start() {
      const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '',
        '--appendonly', 'no', '--protected-mode', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
      this.child = child;
      this.exited = new Promise((resolve) => child.on('exit', resolve));
      child.stderr.on('data', (d) => { this.output += d; });
      await withTimeout(new Promise((resolve, reject) => {
        child.on('error', reject);
        child.stdout.on('data', (d) => {
          this.output += d;
          if (/Ready to accept connections/.test(this.output)) resolve();
        });
        this.exited.then(() => reject(new Error(`redis-server exited: ${this.output.slice(-2000)}`)));
      }), WAIT_MS, 'redis-server to accept connections');
      this.output = '';
    },
    async kill(signal = 'SIGKILL') {
      if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
      this.child.kill(signal);
      await withTimeout(this.exited, WAIT_MS, 'redis-server to exit');
    },
    // One redis-cli command: its stdout, trimmed.
    async cli(...args) {
      const result = await withTimeout(runToExit('redis-cli', ['-p', String(port), ...args]), WAIT_MS,
        `redis-cli ${args.join(' ')}`);
      if (result.code !== 0) throw new Error(`redis-cli failed: ${result.stderr}`);
      return result.stdout.trim();
    },
  };
  await redis.start();
  return redis;
}

// The value of one Prometheus metric of a server (its /metrics, as a loopback client).
export async function metric(server, name) {
  const res = await withTimeout(fetch(`${server.http}/metrics`), WAIT_MS, '/metrics');
  const text = await res.text();
  const m = new RegExp(`^${name} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}

// Polls `check` (async, truthy when done) every 25 ms until `ms` pass; returns its last value.
export async function waitFor(check, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(25);
  }
}

// haproxy (Debian) in the foreground with the repo's deploy/haproxy.cfg in front of two instances
// on these loopback ports; resolves once it forwards /healthz.
export async function startBalancer(appPorts) {
  const config = path.join(repoRoot, 'deploy/haproxy.cfg');
  const port = await freePort();
  const env = {
    ...process.env,
    PEERLINE_LB_BIND: `127.0.0.1:${port}`,
    PEERLINE_APP1: `127.0.0.1:${appPorts[0]}`,
    PEERLINE_APP2: `127.0.0.1:${appPorts[1]}`,
    PEERLINE_LB_MAXCONN: '2000',  // open files are capped at 20000 per process here
  };
  const child = spawn('haproxy', ['-db', '-f', config], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  exited.then(() => { if (!child.stopping) output += '\n(haproxy exited)'; });
  const lb = {
    port,
    ws: `ws://127.0.0.1:${port}/ws`,
    http: `http://127.0.0.1:${port}`,
    output: () => output,
    async stop() {
      child.stopping = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await withTimeout(exited, WAIT_MS, 'haproxy to exit');
    },
  };
  await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`haproxy exited: ${output}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      return res.status === 200;
    } catch {
      return false;
    }
  }, 5000, 'haproxy to forward /healthz');
  return lb;
}
