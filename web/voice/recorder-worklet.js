// AudioWorklet of the voice-message recorder (web/voice/voice.js): collects the microphone's
// samples into 20 ms mono frames and posts each one (transferred, not copied) to the page, where
// the Wasm encoder takes them. The context runs at 48 kHz, so no resampling happens here.
// On 'stop' it posts the last, partial frame and then 'end'.
class PeerlineRecorder extends AudioWorkletProcessor {
  constructor({ processorOptions }) {
    super();
    this.frameSamples = processorOptions.frameSamples;
    this.frame = new Float32Array(this.frameSamples);
    this.filled = 0;
    this.stopped = false;
    this.port.onmessage = ({ data }) => {
      if (data !== 'stop' || this.stopped) return;
      this.stopped = true;
      if (this.filled > 0) this.port.postMessage(this.frame.slice(0, this.filled));
      this.port.postMessage('end');
    };
  }

  process(inputs) {
    if (this.stopped) return false;
    const channels = inputs[0];
    if (!channels || channels.length === 0) return true;  // no input connected yet
    const length = channels[0].length;
    for (let i = 0; i < length; i++) {
      let sum = 0;
      for (const channel of channels) sum += channel[i];
      this.frame[this.filled++] = sum / channels.length;
      if (this.filled === this.frameSamples) {
        this.port.postMessage(this.frame, [this.frame.buffer]);
        this.frame = new Float32Array(this.frameSamples);
        this.filled = 0;
      }
    }
    return true;
  }
}

registerProcessor('peerline-recorder', PeerlineRecorder);
