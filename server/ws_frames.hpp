// RFC 6455 framing without I/O: writing frames into a byte string and reading them out of a
// buffer, for both ends (the server reads masked frames, a client unmasked ones).
//
// Why our own and not Beast's websocket::stream: Beast 1.74 hands over one message per
// completion and writes one message per write, so a relay pays one sendmsg per relayed frame.
// With the frames in our hands, ws_session parses every frame one read brought in and writes
// all frames queued for a peer in one write (docs/decisions.md "Our own WebSocket frames").
// Beast still parses the HTTP upgrade request and serves TLS.
//
// No Beast, no Asio: unit-tested and fuzzed on bytes alone (tests/unit/server, tests/fuzz).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace peerline::ws {

enum class Opcode : std::uint8_t {
    continuation = 0x0,
    text = 0x1,
    binary = 0x2,
    close = 0x8,
    ping = 0x9,
    pong = 0xA,
};

// The close codes this code base sends or checks (RFC 6455 §7.4.1).
namespace close_code {
constexpr std::uint16_t normal = 1000;
constexpr std::uint16_t going_away = 1001;
constexpr std::uint16_t protocol_error = 1002;
constexpr std::uint16_t no_status = 1005;  // never sent: what a close frame without a code means
constexpr std::uint16_t bad_payload = 1007;
constexpr std::uint16_t policy = 1008;
constexpr std::uint16_t too_big = 1009;
constexpr std::uint16_t try_again_later = 1013;
}  // namespace close_code

constexpr std::size_t kMaxHeaderBytes = 14;       // 2 + 8 (64-bit length) + 4 (mask key)
constexpr std::size_t kMaxControlPayload = 125;  // ping, pong, close (§5.5)

// Appends one final (FIN) frame. A client passes its mask key (§5.3): the payload is masked as
// it is copied; a server sends frames unmasked.
void append_frame(std::string& out, Opcode opcode, std::string_view payload);
void append_masked_frame(std::string& out, Opcode opcode, std::string_view payload,
                         std::uint32_t mask_key);

// A close frame's payload: the code, big-endian, then the reason cut to fit 125 bytes on a UTF-8
// character boundary.
std::string close_payload(std::uint16_t code, std::string_view reason);

// Well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF): what §8.1 requires
// of text messages and close reasons.
bool is_valid_utf8(std::string_view text);

enum class Role {
    server,  // reads a client's frames: they must be masked
    client,  // reads a server's frames: they must not be
};

struct MessageLimits {
    std::size_t max_text_bytes;
    std::size_t max_binary_bytes;
};

// One thing the reader found. Views point into the buffer given to `next` (or the reader's own
// buffer for a fragmented message) and stay valid until the next call.
struct Event {
    enum class Kind {
        message,    // a whole text or binary message
        ping,       // the caller answers with a pong carrying `payload`
        pong,
        close,      // `code` (no_status if the frame had none) and the reason in `payload`
        too_large,  // a message over its limit: its bytes are skipped, never buffered
        error,      // the peer broke the protocol: fail the connection with `code`
    };
    Kind kind = Kind::message;
    bool binary = false;        // message, too_large
    std::string_view payload;   // message data, ping/pong data, close reason
    std::uint16_t code = 0;     // close: the peer's code; error: the code to close with
    const char* what = "";      // error: why, for the log
};

class FrameReader {
public:
    FrameReader(Role role, MessageLimits limits) : role_(role), limits_(limits) {}

    // Reads at most one frame from the start of [data, data + size), unmasking it in place.
    // Returns how many bytes it used; 0 means the frame is not complete yet: keep the bytes and
    // call again once more have arrived. Sets `event` (else leaves it as is) when the frame
    // completes a message, is a control frame, is too large or is malformed.
    //
    // After too_large the reader skips that message's bytes as they come and then reports only
    // control frames: the caller is closing and waits for the peer's close. After an error or a
    // close, every later byte is used and ignored.
    std::size_t next(char* data, std::size_t size, Event& event, bool& has_event);

    bool discarding_data() const { return discarding_; }
    bool stopped() const { return stopped_; }

private:
    std::size_t fail(Event& event, bool& has_event, std::uint16_t code, const char* what,
                     std::size_t size);

    Role role_;
    MessageLimits limits_;
    std::string fragments_;          // a fragmented message received so far
    bool in_message_ = false;        // fragments_ holds the start of a message
    bool message_binary_ = false;
    std::uint64_t skip_ = 0;         // payload bytes still to skip (too large, or discarding)
    bool discarding_ = false;        // after too_large: data frames are skipped, not reported
    bool stopped_ = false;           // after an error or a close
};

}  // namespace peerline::ws
