// What a voice message is allowed to be (issue 8, docs/voice.md): 48 kHz mono Opus in Ogg,
// at most a minute, and small enough to travel in one server binary frame (256 KiB including a
// small JSON header), so a message can be refused before any of it is decoded.
#pragma once

#include <cstddef>

namespace peerline::voice {

constexpr int kSampleRate = 48000;       // Opus always decodes at 48 kHz (RFC 7845 §4)
constexpr int kFrameSamples = 960;       // 20 ms, what the recorder worklet posts
constexpr int kDefaultBitrate = 24000;   // speech in VOIP mode: clear at 24 kbps
constexpr int kMaxSeconds = 60;
constexpr long kMaxSamples = static_cast<long>(kMaxSeconds) * kSampleRate;
// 60 s at 24 kbps VBR is ~180 KB; the rest of the 256 KiB frame is headroom for the header.
constexpr std::size_t kMaxBytes = 250 * 1024;
// Once the microphone is granted, the audio device must start within this long: with no sound
// device, Firefox never starts an AudioContext, and the recorder would say "Opening the
// microphone…" forever. The permission prompt is not counted (a person may take a while there).
constexpr int kDeviceStartTimeoutMs = 5000;

// Error codes (peerline::Error::code) of the voice module.
namespace errors {
constexpr const char* kTruncated = "voice-truncated";      // the file stops before its end
constexpr const char* kNotOpus = "voice-not-opus";         // not Ogg, or Ogg without Opus
constexpr const char* kTooLong = "voice-too-long";         // more than kMaxSeconds of audio
constexpr const char* kTooLarge = "voice-too-large";       // more than kMaxBytes
constexpr const char* kCorrupt = "voice-corrupt";          // broken pages, headers or packets
constexpr const char* kUnsupported = "voice-unsupported";  // valid Opus we do not play (chains)
constexpr const char* kEncoder = "voice-encoder";          // libopus refused to encode
constexpr const char* kEmpty = "voice-empty";              // finished without any audio
}  // namespace errors

}  // namespace peerline::voice
