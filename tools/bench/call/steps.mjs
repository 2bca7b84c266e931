// The steps underneath a call's setup, measured the same way on Peerline's page and on the
// plain-JS baseline, so a difference cannot hide in the fake camera's 50 ms frame grid or the
// 60 Hz display (issue 19): the first remote frame only lands on one of those grids, while each
// step below is a plain interval inside one page (no clock shared across pages is needed).
//
// `markSteps` is an init script (it runs before the page's own code): it keeps a timeline in
// window.__steps of the clicks, the signaling messages sent and received (JSON over the page's
// WebSocket), the incoming-call dialog shown, the peer connection's state and the first remote
// frame. trace.mjs adds its own wrappers on top (window.__mark); bench.mjs reduces a call's two
// timelines to `stepsOf`'s intervals.

export function markSteps() {
  const log = window.__steps = [];
  const now = () => performance.timeOrigin + performance.now();
  const mark = window.__mark = (what, at = now()) => log.push([at, what]);
  const signalOf = (data) => {
    try {
      const m = JSON.parse(data);
      return m.type === 'signal' ? `${m.data?.kind ?? m.data?.type ?? ''}` : m.type;
    } catch { return null; }  // binary frames and anything that is not JSON
  };
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    const what = typeof data === 'string' ? signalOf(data) : null;
    if (what !== null) mark(`ws> ${what}`);
    return send.call(this, data);
  };
  const NativeSocket = window.WebSocket;
  window.WebSocket = class extends NativeSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        const what = typeof e.data === 'string' ? signalOf(e.data) : null;
        if (what !== null) mark(`ws< ${what}`);
      });
    }
  };
  const NativePc = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends NativePc {
    constructor(...args) {
      super(...args);
      this.addEventListener('connectionstatechange', () => mark(`connection ${this.connectionState}`));
    }
  };
  const showModal = HTMLDialogElement.prototype.showModal;
  HTMLDialogElement.prototype.showModal = function (...args) {
    const result = showModal.apply(this, args);
    mark(`dialog ${this.id}`);
    return result;
  };
  document.addEventListener('click', (e) => mark(`click ${e.target.id || e.target.textContent.trim()}`),
                            { capture: true });
  // The clock of a first frame: from the next click to the remote <video>'s first presented frame.
  window.__armFirstFrame = (videoId) => {
    window.__firstFrame = new Promise((resolve) => {
      document.getElementById(videoId).requestVideoFrameCallback((_, meta) => {
        if (meta.receiveTime) {
          mark('frame received', performance.timeOrigin + meta.receiveTime);
          // processingDuration: from the encoded frame's arrival to the decoded frame (seconds).
          if (meta.processingDuration !== undefined) {
            mark('frame decoded', performance.timeOrigin + meta.receiveTime + meta.processingDuration * 1000);
          }
        }
        mark(`frame size ${meta.width}x${meta.height}`);
        mark('frame presented');
        resolve();
      });
    });
  };
}

// Steps of one call, in ms, from the caller's and the callee's timelines (as taken from
// window.__steps after the first frame). The baseline has no ringing: it answers the moment the
// offer arrives, so its "accept" is the offer's arrival and its ringing step is absent (null).
export const STEP_NAMES = [
  'click → offer on the wire',
  'offer received → ringing shown',
  'accept → answer on the wire',
  'answer received → connected',
  'connected → first frame received',
  'first frame received → decoded',
  'first frame decoded → presented',
];

export function stepsOf(caller, callee) {
  const at = (log, what, after = -Infinity) => log.find(([t, w]) => w === what && t >= after)?.[0];
  const click = caller.find(([, w]) => w.startsWith('click '))?.[0];
  const offerSent = at(caller, 'ws> offer', click);
  const offerReceived = at(callee, 'ws< offer');
  const ringing = at(callee, 'dialog incoming', offerReceived);
  const accept = ringing === undefined ? offerReceived : at(callee, 'click acceptVideo', ringing);
  const answerSent = at(callee, 'ws> answer', accept);
  const answerReceived = at(caller, 'ws< answer', offerSent);
  const connected = at(caller, 'connection connected', answerReceived);
  const received = at(caller, 'frame received', click);
  const decoded = at(caller, 'frame decoded', click);
  const presented = at(caller, 'frame presented', click);
  const span = (from, to) => (from === undefined || to === undefined ? null : to - from);
  return [
    span(click, offerSent),
    ringing === undefined ? null : span(offerReceived, ringing),
    span(accept, answerSent),
    span(answerReceived, connected),
    span(connected, received),
    span(received, decoded),
    span(decoded, presented),
  ];
}

// The first remote frame's size, "640x480", from the caller's timeline.
export const firstFrameSize = (caller) => caller.find(([, w]) => w.startsWith('frame size '))?.[1].slice(11) ?? '?';
