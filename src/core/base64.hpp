// Base64 (RFC 4648 §4, with padding) for bytes that travel inside JSON text: voice messages on a
// data link's control channel (docs/voice.md). Decoding is strict: a wrong character, a missing
// pad or bits left over refuse the whole input, so one message has exactly one encoding.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace peerline::base64 {

std::string encode(std::string_view bytes);
std::optional<std::string> decode(std::string_view text);

}  // namespace peerline::base64
