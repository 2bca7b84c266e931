// What the two voice-message parts of the page share: the codec's JavaScript face and how a
// length is written.
#pragma once

#include <cmath>
#include <cstdio>
#include <string>

#include "js.hpp"

namespace peerline::browser::voice_js {

// web/voice/voice.js: record, decode, play; it loads the codec module on first use.
inline val api() { return val::global("PeerlineVoice"); }

// 75.4 -> "1:15"
inline std::string minutes_seconds(double seconds) {
    const int whole = static_cast<int>(std::floor(seconds < 0 ? 0 : seconds));
    char out[16];
    std::snprintf(out, sizeof out, "%d:%02d", whole / 60, whole % 60);
    return out;
}

}  // namespace peerline::browser::voice_js
