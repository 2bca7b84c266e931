// Recording a voice message: 48 kHz mono float PCM in, an Ogg Opus file (RFC 7845) out, written
// by Xiph's libopusenc (OpusHead/OpusTags, pre-skip, granule positions, end trimming). Opus runs
// in VOIP mode with 20 ms frames. Samples past kMaxSeconds are dropped, so a message can never
// outgrow its limits; full() tells the recorder to stop.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "result.hpp"
#include "voice/limits.hpp"

namespace peerline::voice {

struct EncoderOptions {
    int bitrate = kDefaultBitrate;  // bits per second, 6000..32000
    // libopus 0..10. 5, not its default 9: in the page the Wasm encoder ran 107x realtime at 5
    // and 70x at 9 (tools/bench/voice, docs/voice.md), for the same size and a like SNR.
    int complexity = 5;
};

class Encoder {
public:
    static Result<Encoder> create(const EncoderOptions& options = {});
    Encoder(Encoder&&) noexcept;
    Encoder& operator=(Encoder&&) noexcept;
    ~Encoder();

    // Encodes `count` samples; returns the seconds recorded so far.
    Result<double> push(const float* samples, std::size_t count);
    // Ends the stream and returns the whole file ("voice-empty" if nothing was pushed). The
    // encoder takes no samples afterwards.
    Result<std::string> finish();

    bool full() const;
    double duration_s() const;
    // The complete Ogg pages written so far (grows while recording; the whole file after finish).
    const std::string& bytes() const;

private:
    struct State;
    explicit Encoder(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

}  // namespace peerline::voice
