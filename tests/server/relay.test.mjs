// The relay's fast path (protocol::peek_signal): a `signal` is validated in one pass and its
// `data` spliced into the relayed frame byte for byte. These tests pin what that must keep:
// exact bytes, a server-stamped `from`, and the same typed errors as the full parser for every
// malformed or unusual message.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, startServer } from './helpers.mjs';

describe('relay fast path', () => {
  let server;
  const clients = [];
  const open = async () => { const c = await Client.open(server.ws); clients.push(c); return c; };

  beforeEach(async () => { server = await startServer(); });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.terminate();
    await server?.stop();
  });

  // Two greeted peers; `raw` collects b's frames as the exact text the server sent.
  async function pair() {
    const a = await open();
    const wa = await a.hello('Ada');
    const b = await open();
    const wb = await b.hello('Bob');
    await a.expect('peer-joined');
    const raw = [];
    b.socket.on('message', (data, isBinary) => { if (!isBinary) raw.push(data.toString('utf8')); });
    return { a, b, idA: wa.id, idB: wb.id, raw };
  }

  test('data is relayed byte for byte: formatting, key order, escapes, numbers', async () => {
    const { a, b, idA, idB, raw } = await pair();
    const data = '{ "z" : 1.50, "a":[1e2 ,-0,"caf\\u00e9 \\/ é 😀"],\n\t"n":null,"deep":{"x":{"y":[]}} }';
    a.send(`{"type":"signal","to":"${idB}",  "data":${data} , "v":1}`);
    const got = await b.expect('signal');
    assert.equal(got.from, idA);
    assert.deepEqual(got.data, JSON.parse(data));
    assert.equal(raw.at(-1), `{"type":"signal","from":"${idA}","data":${data}}`);
  });

  test('unusual but valid forms take the full parser and are still relayed', async () => {
    const { a, b, idA, idB } = await pair();
    const forms = [
      `{"t\\u0079pe":"signal","to":"${idB}","data":{"k":1}}`,         // escaped key
      `{"type":"signal","to":"${idB.slice(0, -1)}\\u00${idB.slice(-1).charCodeAt(0).toString(16)}","data":{"k":2}}`,  // escaped `to`
      `{"type":"signal","to":"nobody","to":"${idB}","data":{"k":3}}`,  // repeated key: the last wins
      `\ufeff{"type":"signal","to":"${idB}","data":{"k":4}}`,          // byte-order mark
    ];
    for (const [i, text] of forms.entries()) {
      a.send(text);
      const got = await b.expect('signal');
      assert.equal(got.from, idA, text);
      assert.deepEqual(got.data, { k: i + 1 }, text);
    }
  });

  test('malformed data gets the same typed errors and is never relayed', async () => {
    const { a, b, idB } = await pair();
    const head = `{"type":"signal","to":"${idB}","data":`;
    const cases = [
      [`${head}{"a":01}}`, 'bad-json'],
      [`${head}{"a":1e400}}`, 'bad-json'],
      [`${head}{"a":"\\uD800"}}`, 'bad-json'],
      [`${head}{"a":"x\u0001"}}`, 'bad-json'],
      [`${head}{"a":[1,]}}`, 'bad-json'],
      [`${head}{"a":1}} trailing`, 'bad-json'],
      [`${head}${'['.repeat(40)}${']'.repeat(40)}}`, 'bad-message'],
      [`${head}[1,2]}`, 'bad-message'],
      [`${head}"text"}`, 'bad-message'],
      [`{"type":"signal","to":7,"data":{}}`, 'bad-message'],
    ];
    for (const [text, code] of cases) {
      a.send(text);
      const error = await a.expect('error');
      assert.equal(error.code, code, text);
    }
    assert.ok(await b.quiet(150), 'nothing malformed reached the peer');
    // Invalid UTF-8 (a UTF-8-encoded surrogate) never reaches the hub: the WebSocket layer
    // closes with 1007 (RFC 6455 §8.1), and the peer still gets nothing.
    a.socket.send(Buffer.concat([Buffer.from(`${head}{"a":"`), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}}')]),
      { binary: false });
    assert.equal((await a.closed).code, 1007);
    await b.expect('peer-left');  // and no signal before it
  });

  test('fast-path signals keep the hello and unknown-peer rules', async () => {
    const a = await open();
    a.send('{"type":"signal","to":"x","data":{}}');
    const early = await a.expect('error');
    assert.equal(early.code, 'not-ready');
    assert.equal(early.ref, 'signal');
    await a.hello('Ada');
    a.send('{"type":"signal","to":"0123456789abcdef0123456789abcdef","data":{}}');
    assert.equal((await a.expect('error')).code, 'unknown-peer');
  });
});
