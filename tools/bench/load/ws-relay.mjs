// Baseline for the load benchmark: a bare Node `ws` relay of Peerline's signaling protocol v1
// (docs/protocol.md), the shape a typical Node signaling server has. Same JSON on the wire:
// hello -> welcome {id, peers, iceServers} + peer-joined to the room; signal {to, data} ->
// signal {from, data} to a peer of the same room; peer-left on close; typed errors.
// Network rooms by source address (/32), like Peerline's; no other limits or features.
//
//   node tools/bench/load/ws-relay.mjs [--host 127.0.0.1] [--port 0]
// Prints "ws-relay listening on http://HOST:PORT/".
import http from 'node:http';
import crypto from 'node:crypto';
import { WebSocketServer } from 'ws';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const host = arg('host', '127.0.0.1');
const port = Number(arg('port', '0'));

const server = http.createServer((req, res) => { res.writeHead(404); res.end(); });
const wss = new WebSocketServer({ server, path: '/ws', maxPayload: 65536, perMessageDeflate: false });

const peers = new Map();  // id -> { ws, room, info }
const rooms = new Map();  // room key -> Set of ids, in join order

const error = (ws, code, message, ref) =>
  ws.send(JSON.stringify(ref ? { type: 'error', code, message, ref } : { type: 'error', code, message }));

wss.on('connection', (ws, req) => {
  const room = req.socket.remoteAddress;
  let id = null;

  ws.on('message', (raw, isBinary) => {
    if (isBinary) return error(ws, 'bad-frame', 'binary frames are not part of the protocol');
    let msg;
    try { msg = JSON.parse(raw); } catch { return error(ws, 'bad-json', 'not JSON'); }
    if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) return error(ws, 'bad-json', 'not an object');

    if (msg.type === 'hello') {
      if (id) return error(ws, 'bad-message', '`hello` was already sent', 'hello');
      if (typeof msg.name !== 'string') return error(ws, 'bad-message', 'name required', 'hello');
      id = crypto.randomBytes(16).toString('hex');
      const device = ['desktop', 'mobile', 'tablet'].includes(msg.device) ? msg.device : 'unknown';
      const info = { id, name: msg.name.trim().slice(0, 64) || 'Anonymous', device };
      let members = rooms.get(room);
      if (!members) rooms.set(room, members = new Set());
      const roster = [...members].map((other) => peers.get(other).info);
      ws.send(JSON.stringify({ type: 'welcome', v: 1, id, peers: roster, iceServers: [] }));
      const joined = JSON.stringify({ type: 'peer-joined', peer: info });
      for (const other of members) peers.get(other).ws.send(joined);
      members.add(id);
      peers.set(id, { ws, room, info });
    } else if (msg.type === 'signal') {
      if (!id) return error(ws, 'not-ready', 'send `hello` first', 'signal');
      if (typeof msg.to !== 'string' || msg.data === null || typeof msg.data !== 'object' || Array.isArray(msg.data)) {
        return error(ws, 'bad-message', 'signal needs to and data', 'signal');
      }
      const target = peers.get(msg.to);
      if (!target || target.room !== room) return error(ws, 'unknown-peer', 'no peer with that id is online', 'signal');
      target.ws.send(JSON.stringify({ type: 'signal', from: id, data: msg.data }));
    } else {
      error(ws, 'unknown-type', 'not a v1 client message');
    }
  });

  ws.on('close', () => {
    if (!id) return;
    peers.delete(id);
    const members = rooms.get(room);
    members.delete(id);
    if (members.size === 0) rooms.delete(room);
    const left = JSON.stringify({ type: 'peer-left', id });
    for (const other of members) peers.get(other).ws.send(left);
  });
  ws.on('error', () => {});
});

server.listen(port, host, () => {
  const address = server.address();
  console.log(`ws-relay listening on http://${address.address}:${address.port}/`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
