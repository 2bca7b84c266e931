// Decoding a received voice message (Ogg Opus, RFC 7845) to 48 kHz mono float PCM with Xiph's
// opusfile. Every input is first checked by inspect() (size, length, pages, headers), so no
// input can make this allocate past one minute of audio; every failure is a typed error.
#pragma once

#include <string_view>
#include <vector>

#include "result.hpp"
#include "voice/limits.hpp"

namespace peerline::voice {

struct DecodedAudio {
    std::vector<float> pcm;  // mono (stereo input is mixed down), in [-1, 1]
    int sample_rate = kSampleRate;
    double duration_s = 0;
};

Result<DecodedAudio> decode_ogg_opus(std::string_view bytes);

}  // namespace peerline::voice
