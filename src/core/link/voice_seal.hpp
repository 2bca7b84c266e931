// Sealing a voice message for the time between "Stop" and "Send" (docs/voice.md "Sent while you
// listen back"): the recording travels while its maker listens back, but the listener's page
// cannot play what its maker may still discard. The bytes go out encrypted with a key used once;
// Send releases the key, Discard never does.
//
// The cipher is ChaCha20 (RFC 8439: 256-bit key, 96-bit nonce, 32-bit block counter), written
// here because the core has no crypto library in the browser (OpenSSL is the server's only).
// It gives secrecy only; integrity is the data link's (DTLS) and, once opened, the message's
// XXH3-128 from its maker. One key seals one message: the nonce is all zeros.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace peerline::link {

using SealKey = std::array<std::uint8_t, 32>;
using SealNonce = std::array<std::uint8_t, 12>;

// ChaCha20's keystream from block `counter` on, XORed into `bytes` (sealing and opening are the
// same operation).
void chacha20_xor(const SealKey& key, const SealNonce& nonce, std::uint32_t counter, std::string& bytes);

// A voice message's bytes under `key` (nonce 0, counter 0), and back.
std::string seal_voice(const SealKey& key, std::string_view bytes);
inline std::string open_voice(const SealKey& key, std::string_view sealed) { return seal_voice(key, sealed); }

// The key as 64 lowercase hex digits (the wire), and back; nothing for anything else.
std::string key_to_hex(const SealKey& key);
bool key_from_hex(std::string_view hex, SealKey& key);

}  // namespace peerline::link
