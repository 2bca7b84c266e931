// PeerlineVoice: recording, checking and playing voice messages (issue 8, docs/voice.md). The
// codec is the second Wasm module, peerline-voice.js/.wasm beside this file, inserted into the
// page the first time it is needed, so a first visit never downloads libopus. Everything that is
// logic (encoding, limits, level, validation of received bytes) happens in that module's C++.
//
//   const recorder = await PeerlineVoice.record({ onLevel, onTime, onLimit, maxSeconds: 60 });
//   const message = await recorder.stop();   // {ok, bytes: Uint8Array, duration} | {ok: false, code, error}
//   recorder.cancel();                      // instead of stop(): nothing is kept
//   const audio = await PeerlineVoice.decode(bytes);  // {ok, pcm: Float32Array, sampleRate, duration} | {ok: false, code, error}
//   const info = await PeerlineVoice.inspect(bytes);  // {ok, duration} without decoding
//   const playback = PeerlineVoice.play(audio);       // {done: Promise, stop(), pause(), resume()}
// record() rejects (Error with .code) only when there is no microphone or no voice module;
// everything about a message itself is a result with ok and a typed code ("voice-…").
(() => {
  'use strict';
  const folder = new URL('.', document.currentScript.src);
  let module = null;

  function load() {
    module ??= new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = new URL('peerline-voice.js', folder).href;
      script.onload = () => globalThis.createPeerlineVoice().then(resolve, reject);
      script.onerror = () => reject(Object.assign(new Error('the voice module did not load'), { code: 'voice-unavailable' }));
      document.head.append(script);
    }).catch((error) => { module = null; throw error; });  // a later call may try again
    return module;
  }

  // A promise that rejects after `ms` (an audio device that never starts must not hang us).
  const within = (promise, ms, what) => Promise.race([promise, new Promise((_, reject) =>
    setTimeout(() => reject(new Error(`${what} did not start within ${ms / 1000} s`)), ms))]);

  async function record({ onLevel, onTime, onLimit, maxSeconds = 60, startTimeoutMs = 5000 } = {}) {
    const codec = await load();
    const limits = codec.limits();
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      });
    } catch (error) {
      throw Object.assign(new Error(`no microphone: ${error.message}`), { code: 'voice-no-microphone' });
    }
    let context, source, worklet;
    try {
      context = new AudioContext({ sampleRate: limits.sampleRate });
      await within(context.audioWorklet.addModule(new URL('recorder-worklet.js', folder).href)
        .then(() => context.resume()), startTimeoutMs, 'the audio device');
      source = context.createMediaStreamSource(stream);
      worklet = new AudioWorkletNode(context, 'peerline-recorder', {
        numberOfInputs: 1, numberOfOutputs: 0, processorOptions: { frameSamples: limits.frameSamples },
      });
    } catch (error) {
      stream.getTracks().forEach((track) => track.stop());
      context?.close();
      throw Object.assign(new Error(`no audio recording here: ${error.message}`), { code: 'voice-unavailable' });
    }
    const encoder = new codec.VoiceEncoder(limits.bitrate);
    const seconds = Math.min(maxSeconds, limits.maxSeconds);
    let failure = null;
    let atLimit = false;
    let ended;
    const end = new Promise((resolve) => { ended = resolve; });

    worklet.port.onmessage = ({ data }) => {
      if (data === 'end') return ended();
      if (failure || atLimit) return;
      const pushed = encoder.push(data);
      if (!pushed.ok) return void (failure = pushed);
      onLevel?.(pushed.level);
      onTime?.(pushed.duration);
      if (pushed.full || pushed.duration >= seconds) {
        atLimit = true;
        onLimit?.();
      }
    };
    source.connect(worklet);

    const release = async () => {
      worklet.port.postMessage('stop');
      // The worklet's last partial frame arrives before 'end'; a closed context sends nothing.
      await Promise.race([end, new Promise((resolve) => setTimeout(resolve, 500))]);
      stream.getTracks().forEach((track) => track.stop());
      source.disconnect();
      await context.close();
    };
    let finished = null;
    return {
      stop() {
        finished ??= release().then(() => {
          const result = failure ?? encoder.finish();
          encoder.delete();
          return result.ok ? { ok: true, bytes: result.bytes, duration: result.duration }
                           : { ok: false, code: result.code, error: result.error };
        });
        return finished;
      },
      cancel() {
        finished ??= release().then(() => {
          encoder.delete();
          return { ok: false, code: 'voice-cancelled', error: 'the recording was cancelled' };
        });
        return finished;
      },
    };
  }

  async function decode(bytes) {
    return (await load()).decodeVoice(bytes);
  }

  async function inspect(bytes) {
    return (await load()).inspectVoice(bytes);
  }

  function play({ pcm, sampleRate }) {
    const context = new AudioContext({ sampleRate });
    const buffer = context.createBuffer(1, Math.max(1, pcm.length), sampleRate);
    buffer.copyToChannel(pcm, 0);
    const source = context.createBufferSource();
    source.buffer = buffer;
    source.connect(context.destination);
    let finish;
    const done = new Promise((resolve) => { finish = resolve; });
    // Once, however it ends: played out, or stopped (also while paused, when a suspended
    // context would never fire 'ended').
    const end = () => { if (context.state !== 'closed') context.close(); finish(); };
    source.onended = end;
    source.start();
    // pause/resume hold the whole context: the buffer source itself cannot pause.
    return { done, stop: () => { source.onended = null; end(); }, pause: () => context.suspend(), resume: () => context.resume() };
  }

  globalThis.PeerlineVoice = Object.freeze({ load, record, decode, inspect, play });
})();
