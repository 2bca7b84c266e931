// The few cryptographic primitives the server needs, on OpenSSL: random bytes, HMACs, encodings
// and a constant-time comparison.
#pragma once

#include <string>
#include <string_view>

namespace peerline::server {

std::string random_bytes(std::size_t count);  // from the OpenSSL CSPRNG; throws if it fails

std::string hmac_sha256(std::string_view key, std::string_view data);  // raw 32 bytes
std::string hmac_sha1(std::string_view key, std::string_view data);    // raw 20 bytes
std::string sha1(std::string_view data);                                // raw 20 bytes

std::string to_hex(std::string_view bytes);
std::string from_hex(std::string_view hex);  // empty if not an even run of hex digits
std::string to_base64(std::string_view bytes);

// Equal contents, in time independent of where they differ (token checks).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace peerline::server
