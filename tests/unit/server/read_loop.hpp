// A FrameReader fed the way ws_session feeds it: bytes arrive in pieces, the reader takes whole
// frames from the front of what is buffered, and the bytes it did not use wait for the next
// piece. Every event is copied out at once, since the reader's views die at its next call.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "ws_frames.hpp"

namespace peerline::ws::test {

// An Event that owns its payload. `what` (the log text of an error) is kept but not compared.
struct SeenEvent {
    Event::Kind kind = Event::Kind::message;
    bool binary = false;
    std::string payload;
    std::uint16_t code = 0;
    std::string what;
};
bool operator==(const SeenEvent& a, const SeenEvent& b);
std::ostream& operator<<(std::ostream& out, const SeenEvent& event);

SeenEvent text_message(std::string_view text);
SeenEvent binary_message(std::string_view bytes);
SeenEvent ping(std::string_view payload);
SeenEvent pong(std::string_view payload);
SeenEvent closed_with(std::uint16_t code, std::string_view reason = {});
SeenEvent too_large(bool binary);
SeenEvent failed_with(std::uint16_t code);  // an error event: fail the connection with `code`

using Events = std::vector<SeenEvent>;

class ReadLoop {
public:
    ReadLoop(Role role, MessageLimits limits) : reader_(role, limits) {}

    // Buffers `bytes`, then reads until the reader needs more; returns the events found.
    Events arrive(std::string_view bytes);
    // The same, `piece` bytes at a time, as a slow socket would deliver them.
    Events arrive_in_pieces(std::string_view bytes, std::size_t piece);

    std::size_t buffered() const { return pending_.size(); }
    const FrameReader& reader() const { return reader_; }

private:
    FrameReader reader_;
    std::string pending_;
};

// Limits large enough for every test that is not about limits.
constexpr MessageLimits kRoomy{1 << 20, 1 << 20};

// Everything `bytes` yields when it all arrives at once at a fresh reader.
Events read_all(Role role, std::string_view bytes, MessageLimits limits = kRoomy);

}  // namespace peerline::ws::test
