// The script of baseline.html (served beside it as bench-transfer-baseline.js): a file of its own, since the
// server's Content-Security-Policy runs no inline script.
'use strict';
const ws = new WebSocket(`ws://${location.host}/ws`);
const state = { id: null, pc: null, channel: null, open: null, queued: [], received: 0 };
window.bench = state;

ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', v: 1,
  name: new URLSearchParams(location.search).get('name') || 'Baseline', device: 'desktop' }));
const signal = (to, data) => ws.send(JSON.stringify({ type: 'signal', to, data }));

function open(peer) {
  const pc = state.pc = new RTCPeerConnection();
  pc.onicecandidate = (e) => { if (e.candidate) signal(peer, { kind: 'candidate', candidate: e.candidate.toJSON() }); };
  const channel = state.channel = pc.createDataChannel('blast', { negotiated: true, id: 0, ordered: true });
  channel.binaryType = 'arraybuffer';
  state.open = new Promise((resolve) => { channel.onopen = resolve; });
  // Control messages are strings, data is binary: the receiver reads only byteLength.
  let expected = 0;
  let keep = false;             // fileBlast: store what arrives as Blob parts
  let pending = [], pendingBytes = 0, parts = [];
  const PART = 4 * 1024 * 1024;
  channel.onmessage = (e) => {
    if (typeof e.data !== 'string') {
      state.received += e.data.byteLength;
      if (keep) {
        pending.push(e.data);
        pendingBytes += e.data.byteLength;
        if (pendingBytes >= PART || state.received === expected) {
          parts.push(new Blob(pending));
          pending = []; pendingBytes = 0;
        }
      }
      if (state.received === expected) {
        if (keep) state.saved = new Blob(parts);
        channel.send('done');
      }
      return;
    }
    if (e.data.startsWith('expect ')) {
      expected = Number(e.data.split(' ')[1]); state.received = 0;
      keep = e.data.endsWith(' keep'); pending = []; pendingBytes = 0; parts = []; state.saved = null;
    }
    else if (e.data === 'done') state.onDone?.();
  };
  return pc;
}

async function flush() {
  for (const c of state.queued.splice(0)) await state.pc.addIceCandidate(c);
}

window.connect = async (peer) => {
  const pc = open(peer);
  await pc.setLocalDescription(await pc.createOffer());
  signal(peer, { kind: 'offer', sdp: pc.localDescription.sdp });
  await state.open;
};

window.blast = ({ bytes, chunk, high, low }) => new Promise((resolve, reject) => {
  const channel = state.channel;
  const block = new Uint8Array(chunk);
  crypto.getRandomValues(block.subarray(0, Math.min(chunk, 65536)));
  channel.bufferedAmountLowThreshold = low;
  channel.send(`expect ${bytes}`);
  let sent = 0;
  const t0 = performance.now();
  state.onDone = () => { channel.onbufferedamountlow = null; resolve(performance.now() - t0); };
  const pump = () => {
    try {
      while (sent < bytes && channel.bufferedAmount <= high) {
        const n = Math.min(chunk, bytes - sent);
        channel.send(n === chunk ? block : block.subarray(0, n));
        sent += n;
      }
    } catch (error) { reject(error); }
  };
  channel.onbufferedamountlow = pump;
  pump();
});

// Reads the file the way Peerline does (src/browser/file_streams.cpp): one File.stream() with a
// BYOB reader filling a recycled 1 MiB buffer (a default reader where the stream is not a byte
// stream), sent in `chunk`-byte messages while bufferedAmount stays under `high`.
window.fileBlast = ({ chunk, high, low }) => new Promise((resolve, reject) => {
  const channel = state.channel;
  const file = document.getElementById('file').files[0];
  const bytes = file.size;
  channel.bufferedAmountLowThreshold = low;
  channel.send(`expect ${bytes} keep`);
  const stream = file.stream();
  let reader;
  let byob = true;
  try { reader = stream.getReader({ mode: 'byob' }); } catch { reader = stream.getReader(); byob = false; }
  let buffer = new ArrayBuffer(1024 * 1024);
  const read = async () => {
    if (!byob) {
      const { value, done } = await reader.read();
      return done ? null : value;
    }
    const { value, done } = await reader.read(new Uint8Array(buffer));
    if (done) return null;
    buffer = value.buffer;  // the same memory, handed back: reused by the next read
    return value;
  };
  let carry = null;  // what the last read returned and is not sent yet
  let sent = 0;
  const t0 = performance.now();
  state.onDone = () => { channel.onbufferedamountlow = null; resolve(performance.now() - t0); };
  let running = false;  // one pump at a time, so bytes go out in file order
  const pump = async () => {
    if (running) return;
    running = true;
    try {
      while (sent < bytes && channel.bufferedAmount <= high) {
        if (!carry || carry.byteLength === 0) {
          carry = await read();
          if (!carry) break;
        }
        const n = Math.min(chunk, carry.byteLength);
        channel.send(carry.subarray(0, n));  // send() copies: the buffer may be read into again
        sent += n;
        carry = carry.subarray(n);
      }
    } catch (error) { reject(error); } finally { running = false; }
  };
  channel.onbufferedamountlow = pump;
  pump();
});

ws.onmessage = async (event) => {
  const m = JSON.parse(event.data);
  if (m.type === 'welcome') { state.id = m.id; return; }
  if (m.type !== 'signal') return;
  const d = m.data;
  if (d.kind === 'offer') {
    const pc = open(m.from);
    await pc.setRemoteDescription({ type: 'offer', sdp: d.sdp });
    await flush();
    await pc.setLocalDescription(await pc.createAnswer());
    signal(m.from, { kind: 'answer', sdp: pc.localDescription.sdp });
  } else if (d.kind === 'answer') {
    await state.pc.setRemoteDescription({ type: 'answer', sdp: d.sdp });
    await flush();
  } else if (d.kind === 'candidate') {
    if (state.pc?.remoteDescription) await state.pc.addIceCandidate(d.candidate);
    else state.queued.push(d.candidate);
  }
};
