// A cheap look at an Ogg Opus file (RFC 7845) without decoding any audio: it walks the Ogg pages
// (with their CRCs), reads OpusHead, and takes the duration from the last granule position. It
// is also the gatekeeper before decoding: size, length, truncation and page damage are reported
// here as typed errors, so the decoder only ever sees a structurally sound, bounded stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "result.hpp"

namespace peerline::voice {

struct OggOpusInfo {
    int channels = 0;
    int pre_skip = 0;            // samples at 48 kHz the decoder drops first (RFC 7845 §4.2)
    std::int64_t samples = 0;    // playable samples at 48 kHz: last granule position - pre-skip
    double duration_s = 0;
    std::size_t pages = 0;
};

Result<OggOpusInfo> inspect(std::string_view bytes);

}  // namespace peerline::voice
