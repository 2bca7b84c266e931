// TURN for real (issue 4 item 6): a coturn on loopback with use-auth-secret, and a headless
// Chromium page whose two RTCPeerConnections (iceTransportPolicy "relay") use the iceServers
// this server handed out over /ws. The data channel must open and carry a message through a
// relay candidate pair. Skips only if coturn's `turnserver` is not installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot, runServerOnce, startServer, withTimeout } from './helpers.mjs';

const turnserver = spawnSync('sh', ['-c', 'command -v turnserver']).stdout.toString().trim();
const chromiumPath = process.env.PEERLINE_CHROMIUM ?? '/usr/bin/chromium';
// DESIGN.md "Testing": exactly these flags.
const chromiumFlags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

// coturn from the repo's own deploy/turnserver.conf (docs/deploy.md), with only what names the
// machine replaced: ports and addresses on loopback, the secret, the certificate (a fresh
// self-signed one), the log; and, because this test's peers are on loopback, the denial of
// 127.0.0.0/8 lifted (the rest of the denied ranges stay). State in a temp dir.
const confPath = path.join(repoRoot, 'deploy/turnserver.conf');

function testConfig(dir, { secret, port, relayBase }) {
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=turn.test',
    '-days', '1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  assert.equal(made.status, 0, 'openssl made the test certificate');
  const replaced = {
    'listening-port': port, 'tls-listening-port': port + 1, 'static-auth-secret': secret, cert, pkey: key,
    'min-port': relayBase, 'max-port': relayBase + 99,
  };
  const lines = readFileSync(confPath, 'utf8').split('\n').filter((line) =>
    line !== 'denied-peer-ip=127.0.0.0-127.255.255.255' && line !== 'syslog' && line !== 'simple-log');
  for (const [name, value] of Object.entries(replaced)) {
    const at = lines.findIndex((line) => line.startsWith(`${name}=`));
    assert.ok(at >= 0, `deploy/turnserver.conf sets ${name}`);
    lines[at] = `${name}=${value}`;
  }
  lines.push('listening-ip=127.0.0.1', 'relay-ip=127.0.0.1', 'allow-loopback-peers', 'log-file=stdout',
    `pidfile=${path.join(dir, 'pid')}`, `userdb=${path.join(dir, 'db')}`);
  const file = path.join(dir, 'turnserver.conf');
  writeFileSync(file, lines.join('\n'));
  return file;
}

async function startTurn(secret) {
  const dir = mkdtempSync(path.join(tmpdir(), 'peerline-turn-'));
  const port = 30000 + 2 * Math.floor(Math.random() * 2500);
  const relayBase = 45000 + Math.floor(Math.random() * 100) * 100;
  const child = spawn(turnserver, ['-c', testConfig(dir, { secret, port, relayBase })], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  await withTimeout(new Promise((resolve, reject) => {
    const poll = setInterval(() => { if (/Total General servers/.test(log)) { clearInterval(poll); resolve(); } }, 50);
    child.on('exit', (code) => { clearInterval(poll); reject(new Error(`turnserver exited ${code}:\n${log}`)); });
  }), 10000, 'turnserver to start');
  return {
    port,
    log: () => log,
    async stop() {
      child.kill('SIGTERM');
      await withTimeout(new Promise((r) => (child.exitCode !== null ? r() : child.on('exit', r))), 5000, 'turnserver to stop')
        .catch(() => child.kill('SIGKILL'));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('a relay-only data channel connects through coturn, run from deploy/turnserver.conf, with credentials from welcome',
  { skip: turnserver ? false : 'coturn is not installed (apt-get install coturn)', timeout: 45000 }, async () => {
    const { chromium } = await import('playwright-core');
    const secret = 'turn-secret-for-tests';
    const turn = await startTurn(secret);
    let server;
    let browser;
    const secretDir = mkdtempSync(path.join(tmpdir(), 'peerline-turn-secret-'));
    try {
      // As docs/deploy.md says: the secret from a file (not in `ps`), a trailing newline and all.
      const secretFile = path.join(secretDir, 'turn-secret');
      writeFileSync(secretFile, `${secret}\n`, { mode: 0o600 });
      server = await startServer(['--address', '127.0.0.1', '--turn-uri', `turn:127.0.0.1:${turn.port}?transport=udp`,
        '--turn-secret-file', secretFile, '--turn-ttl', '300']);
      browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumFlags, timeout: 15000 });
      const page = await browser.newPage();
      await page.goto(`${server.http}/`);
      const result = await withTimeout(page.evaluate(async () => {
        const welcome = await new Promise((resolve, reject) => {
          const ws = new WebSocket(`ws://${location.host}/ws`);
          ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', v: 1, name: 'Relay', device: 'desktop' }));
          ws.onmessage = (e) => { resolve(JSON.parse(e.data)); ws.close(); };
          ws.onerror = () => reject(new Error('websocket failed'));
        });
        const config = { iceServers: welcome.iceServers, iceTransportPolicy: 'relay' };
        const a = new RTCPeerConnection(config);
        const b = new RTCPeerConnection(config);
        a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
        b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
        const channel = a.createDataChannel('test');
        const received = new Promise((resolve) => {
          b.ondatachannel = (e) => { e.channel.onmessage = (m) => resolve(m.data); };
        });
        const opened = new Promise((resolve) => { channel.onopen = resolve; });
        await a.setLocalDescription(await a.createOffer());
        await b.setRemoteDescription(a.localDescription);
        await b.setLocalDescription(await b.createAnswer());
        await a.setRemoteDescription(b.localDescription);
        await opened;
        channel.send('hello through the relay');
        const message = await received;
        const stats = [...(await a.getStats()).values()];
        const transport = stats.find((s) => s.type === 'transport');
        const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId) ??
          stats.find((s) => s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded');
        const local = stats.find((s) => s.id === pair?.localCandidateId);
        const remote = stats.find((s) => s.id === pair?.remoteCandidateId);
        return { message, iceServers: welcome.iceServers, local: local?.candidateType, remote: remote?.candidateType };
      }), 30000, 'the relay-only data channel');
      assert.equal(result.message, 'hello through the relay');
      assert.match(result.iceServers[0].username, /^\d+:[0-9a-f]{32}$/);
      assert.equal(result.local, 'relay');
      assert.equal(result.remote, 'relay');
    } catch (error) {
      error.message += `\n--- turnserver log (tail) ---\n${turn.log().slice(-3000)}`;
      throw error;
    } finally {
      await browser?.close();
      await server?.stop();
      await turn.stop();
      rmSync(secretDir, { recursive: true, force: true });
    }
  });

test('the TURN secret flags refuse what cannot work, with the reason', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'peerline-turn-flags-'));
  try {
    const empty = path.join(dir, 'empty');
    writeFileSync(empty, '\n');
    const cases = [
      [['--turn-uri', 'turn:127.0.0.1:3478'], /--turn-uri needs --turn-secret or --turn-secret-file/],
      [['--turn-secret-file', path.join(dir, 'missing')], /--turn-secret-file: cannot read/],
      [['--turn-secret-file', empty], /holds no secret on its first line/],
      [['--turn-secret', 'a', '--turn-secret-file', empty], /--turn-secret-file: given twice, or with --turn-secret/],
    ];
    for (const [args, reason] of cases) {
      const run = await runServerOnce(args);
      assert.notEqual(run.code, 0, `${args.join(' ')} must not start`);
      assert.match(run.stderr, reason);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
