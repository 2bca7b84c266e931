// ICE servers in welcome: STUN as given, TURN with TURN REST credentials (username
// "<expiry>:<id>", credential base64(HMAC-SHA1(secret, username))) checked against Node's crypto.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { Client, startServer } from './helpers.mjs';

test('no ICE flags: iceServers is empty', async () => {
  const server = await startServer();
  try {
    const a = await Client.open(server.ws);
    assert.deepEqual((await a.hello('Ada')).iceServers, []);
    a.terminate();
  } finally {
    await server.stop();
  }
});

test('STUN URLs and TURN credentials per client', async () => {
  const secret = 'north-wind-42';
  const server = await startServer(['--stun', 'stun:stun.test:3478', '--stun', 'stun:127.0.0.1:3479',
    '--turn-uri', 'turn:127.0.0.1:3479?transport=udp', '--turn-uri', 'turn:127.0.0.1:3479?transport=tcp',
    '--turn-secret', secret, '--turn-ttl', '600']);
  try {
    const a = await Client.open(server.ws);
    const before = Math.floor(Date.now() / 1000);
    const { id, iceServers } = await a.hello('Ada');
    assert.deepEqual(iceServers[0], { urls: ['stun:stun.test:3478', 'stun:127.0.0.1:3479'] });
    const turn = iceServers[1];
    assert.deepEqual(turn.urls, ['turn:127.0.0.1:3479?transport=udp', 'turn:127.0.0.1:3479?transport=tcp']);
    const [expiry, user] = turn.username.split(':');
    assert.equal(user, id);
    assert.ok(Number(expiry) >= before + 600 && Number(expiry) <= before + 602, turn.username);
    assert.equal(turn.credential, createHmac('sha1', secret).update(turn.username).digest('base64'));
    const b = await Client.open(server.ws);
    const wb = await b.hello('Bob');
    assert.notEqual(wb.iceServers[1].username, turn.username, 'credentials are per client');
    for (const c of [a, b]) c.terminate();
  } finally {
    await server.stop();
  }
});
