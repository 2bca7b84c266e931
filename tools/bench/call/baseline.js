// The script of baseline.html (served beside it as bench-baseline.js): a file of its own, since the
// server's Content-Security-Policy runs no inline script.
'use strict';
const remote = document.getElementById('remote');
const ws = new WebSocket(`ws://${location.host}/ws`);
const state = { id: null, peers: [], pc: null, stream: null, peer: null, queued: [] };
window.bench = state;

ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', v: 1,
  name: new URLSearchParams(location.search).get('name') || 'Baseline', device: 'desktop' }));
const send = (to, data) => ws.send(JSON.stringify({ type: 'signal', to, data }));

async function open(peer) {
  state.peer = peer;
  state.stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  const pc = state.pc = new RTCPeerConnection();
  for (const track of state.stream.getTracks()) pc.addTrack(track, state.stream);
  pc.onicecandidate = (e) => { if (e.candidate) send(peer, { kind: 'candidate', candidate: e.candidate.toJSON() }); };
  // Like any call app it plays the peer's sound; without a user gesture (the callee) autoplay
  // with sound is refused, and the video plays muted.
  pc.ontrack = (e) => {
    if (remote.srcObject === e.streams[0]) return;
    remote.srcObject = e.streams[0];
    remote.play().catch(() => { remote.muted = true; remote.play().catch(() => {}); });
  };
  return pc;
}

const startKbps = new URLSearchParams(location.search).get('start');
function withStartBitrate(sdp) {
  if (!startKbps) return sdp;
  const video = new Set([...sdp.matchAll(/^a=rtpmap:(\d+) (VP8|VP9|H264|AV1)\/90000/gm)].map((m) => m[1]));
  const lines = [];
  for (const line of sdp.split('\r\n')) {
    const fmtp = /^a=fmtp:(\d+) /.exec(line);
    if (fmtp && video.delete(fmtp[1])) { lines.push(`${line};x-google-start-bitrate=${startKbps}`); continue; }
    lines.push(line);
  }
  // Formats without an fmtp line (Chrome's VP8) get one after their rtpmap.
  return lines.flatMap((line) => {
    const rtpmap = /^a=rtpmap:(\d+) /.exec(line);
    return rtpmap && video.has(rtpmap[1]) ? [line, `a=fmtp:${rtpmap[1]} x-google-start-bitrate=${startKbps}`] : [line];
  }).join('\r\n');
}
const describe = async (pc, description) =>
  pc.setLocalDescription({ type: description.type, sdp: withStartBitrate(description.sdp) });

async function flush() {
  for (const c of state.queued.splice(0)) await state.pc.addIceCandidate(c);
}

window.call = async (peer) => {
  const pc = await open(peer);
  await describe(pc, await pc.createOffer());
  send(peer, { kind: 'offer', sdp: pc.localDescription.sdp });
};

document.getElementById('call').onclick = () => window.call(window.benchTarget);

window.hangUp = (tell = true) => {
  if (tell && state.peer) send(state.peer, { kind: 'bye' });
  state.pc?.close();
  state.stream?.getTracks().forEach((t) => t.stop());
  Object.assign(state, { pc: null, stream: null, peer: null, queued: [] });
  remote.srcObject = null;
};

ws.onmessage = async (event) => {
  const m = JSON.parse(event.data);
  if (m.type === 'welcome') { state.id = m.id; state.peers = m.peers; return; }
  if (m.type === 'peer-joined') { state.peers.push(m.peer); return; }
  if (m.type !== 'signal') return;
  const d = m.data;
  if (d.kind === 'offer') {
    const pc = await open(m.from);
    await pc.setRemoteDescription({ type: 'offer', sdp: d.sdp });
    await flush();
    await describe(pc, await pc.createAnswer());
    send(m.from, { kind: 'answer', sdp: pc.localDescription.sdp });
  } else if (d.kind === 'answer') {
    await state.pc.setRemoteDescription({ type: 'answer', sdp: d.sdp });
    await flush();
  } else if (d.kind === 'candidate') {
    if (state.pc?.remoteDescription) await state.pc.addIceCandidate(d.candidate);
    else state.queued.push(d.candidate);
  } else if (d.kind === 'bye') {
    window.hangUp(false);
  }
};
