// Frames written byte by byte from RFC 6455 §5.2, independently of ws_frames.cpp: the tests
// compare the codec's output with these, and hand-craft the frames the codec refuses to write
// (reserved bits, unknown opcodes, no FIN, non-minimal or lying lengths).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ws_frames.hpp"

namespace peerline::ws::test {

// The key every masked reference frame uses: four different bytes, so a key applied in the
// wrong order or at the wrong offset shows.
constexpr std::uint32_t kMaskKey = 0xA1B2C3D4;

enum class LengthForm {
    shortest,  // what §5.2 requires
    bits16,    // 126 + a 16-bit length, whatever the size
    bits64,    // 127 + a 64-bit length, whatever the size
};

constexpr std::uint8_t kFin = 0x80;

// A frame header declaring `length` payload bytes; `masked` adds kMaskKey.
std::string frame_header(std::uint8_t first_byte, std::uint64_t length, bool masked,
                         LengthForm form = LengthForm::shortest);

// A whole frame: header, then the payload (masked with kMaskKey if `masked`).
std::string raw_frame(std::uint8_t first_byte, std::string_view payload, bool masked,
                      LengthForm form = LengthForm::shortest);

// What a browser sends (masked) and what the server sends (unmasked): one final frame.
std::string client_frame(Opcode opcode, std::string_view payload);
std::string server_frame(Opcode opcode, std::string_view payload);

// The first byte of a frame: FIN or not, then the opcode.
constexpr std::uint8_t first_byte_of(bool fin, Opcode opcode) {
    return static_cast<std::uint8_t>((fin ? kFin : 0) | static_cast<std::uint8_t>(opcode));
}

// A close frame's payload: the code big-endian, then the reason as is.
std::string close_body(std::uint16_t code, std::string_view reason = {});

}  // namespace peerline::ws::test
