// Payloads for the frame tests: bytes that show any mix-up (no runs, every byte value) and
// text of an exact byte length made of 1- to 4-byte characters.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace peerline::ws::test {

// `size` pseudo-random bytes; the same seed gives the same bytes.
std::string random_bytes(std::size_t size, std::uint32_t seed = 1);

// Valid UTF-8 of exactly `size` bytes, cycling through a, é, €, 😀 (ASCII fills the end).
std::string utf8_text(std::size_t size);

}  // namespace peerline::ws::test
