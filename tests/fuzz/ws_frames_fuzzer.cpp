// libFuzzer target: any bytes from a peer → peerline::ws::FrameReader (server/ws_frames), on
// either side, fed the way ws_session feeds it: each read appends to a buffer, the reader takes
// frames from its front, unused bytes wait for the next read. Checks what the session relies on:
//   - a call never claims more bytes than it was given, and returns 0 only when the frame at the
//     front is really incomplete (else the session would wait forever), never with an event;
//   - messages are within their limit, text messages are UTF-8 (is_valid_utf8), control
//     payloads fit 125 bytes, close codes are ones a peer may send, errors are 1002 or 1007;
//   - after too_large no message, after a close or an error no event at all;
//   - the same bytes give the same events however the reads cut them.
// Then the encoder: the input as a payload, framed by append_masked_frame (read by a server)
// and append_frame (read by a client), reads back as the same bytes.
//
// Input: [flags u8][limit u8][stream]. flags bit 0: the reader's role (0 server, 1 client),
// bits 1-7: bytes per read minus one (1-128). Text messages may have limit*32 bytes, binary
// ones limit*64: small limits, so too_large and the skipping after it are reached.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "ws_frames.hpp"

using namespace peerline::ws;

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

// An event with its payload copied (reading every byte of the view, for ASan).
struct Seen {
    Event::Kind kind;
    bool binary;
    std::string payload;
    std::uint16_t code;
    bool operator==(const Seen& o) const {
        return kind == o.kind && binary == o.binary && payload == o.payload && code == o.code;
    }
};

// §7.4.1 and the IANA registry, written out apart from ws_frames.cpp's own check.
bool peer_may_send(std::uint16_t code) {
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

// Whether [data, data + size) starts with a whole frame, header and payload, valid or not.
bool holds_whole_frame(const char* data, std::size_t size) {
    if (size < 2) return false;
    const auto* bytes = reinterpret_cast<const unsigned char*>(data);
    const unsigned length7 = bytes[1] & 0x7F;
    const std::size_t extended = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
    const std::size_t header = 2 + extended + ((bytes[1] & 0x80) ? 4 : 0);
    if (size < header) return false;
    std::uint64_t length = length7;
    if (extended != 0) {
        length = 0;
        for (std::size_t i = 0; i < extended; ++i) length = (length << 8) | bytes[2 + i];
    }
    return size - header >= length;
}

class Session {
public:
    Session(Role role, MessageLimits limits) : reader_(role, limits), limits_(limits) {}

    void arrive(std::string_view bytes) {
        pending_.append(bytes);
        std::size_t at = 0;
        for (;;) {
            const std::size_t available = pending_.size() - at;
            const bool was_stopped = reader_.stopped();
            Event event;
            bool has_event = false;
            const std::size_t used = reader_.next(pending_.data() + at, available, event, has_event);
            check(used <= available);
            if (was_stopped) check(used == available && !has_event);
            if (has_event) record(event);
            if (used == 0) {
                check(!has_event);
                check(!holds_whole_frame(pending_.data() + at, available));
                break;
            }
            at += used;
        }
        pending_.erase(0, at);
    }

    const std::vector<Seen>& seen() const { return seen_; }

private:
    void record(const Event& event) {
        Seen seen{event.kind, event.binary, std::string(event.payload), event.code};
        switch (event.kind) {
            case Event::Kind::message:
                check(!too_large_seen_);
                check(seen.payload.size() <= (event.binary ? limits_.max_binary_bytes : limits_.max_text_bytes));
                if (!event.binary) check(is_valid_utf8(seen.payload));
                break;
            case Event::Kind::ping:
            case Event::Kind::pong:
                check(seen.payload.size() <= kMaxControlPayload);
                break;
            case Event::Kind::close:
                check(reader_.stopped());
                check(seen.payload.size() <= kMaxControlPayload - 2);
                check(is_valid_utf8(seen.payload));
                check(peer_may_send(event.code) || (event.code == close_code::no_status && seen.payload.empty()));
                break;
            case Event::Kind::too_large:
                check(reader_.discarding_data());
                too_large_seen_ = true;
                break;
            case Event::Kind::error:
                check(reader_.stopped());
                check(event.code == close_code::protocol_error || event.code == close_code::bad_payload);
                break;
        }
        seen_.push_back(std::move(seen));
    }

    FrameReader reader_;
    MessageLimits limits_;
    std::string pending_;
    std::vector<Seen> seen_;
    bool too_large_seen_ = false;
};

std::vector<Seen> read_in_pieces(Role role, MessageLimits limits, std::string_view stream, std::size_t piece) {
    Session session(role, limits);
    for (std::size_t at = 0; at < stream.size(); at += piece) session.arrive(stream.substr(at, piece));
    return session.seen();
}

// The masking written out from §5.3, apart from ws_frames.cpp: reading the frame back with the
// same code would not notice a key applied wrongly both ways.
void check_masking(std::string_view frame, std::string_view payload, std::uint32_t key) {
    check(frame.size() >= payload.size() + 6);
    const std::size_t header = frame.size() - payload.size();
    const auto* bytes = reinterpret_cast<const unsigned char*>(frame.data());
    check((bytes[1] & 0x80) != 0);
    for (std::size_t i = 0; i < 4; ++i) check(bytes[header - 4 + i] == ((key >> (24 - 8 * i)) & 0xFF));
    for (std::size_t i = 0; i < payload.size(); ++i) {
        check((bytes[header + i] ^ bytes[header - 4 + i % 4]) == static_cast<unsigned char>(payload[i]));
    }
}

// Encodes `payload` as a ping, a binary message (twice over, to reach the 64-bit length form),
// a text message if it is UTF-8, and a close with it as the reason; reads it all back.
void check_round_trip(std::string_view payload, std::uint32_t key, std::size_t piece) {
    const std::string_view ping_payload = payload.substr(0, kMaxControlPayload);
    const std::string twice = std::string(payload) + std::string(payload);
    const bool text = is_valid_utf8(payload);
    const auto code = static_cast<std::uint16_t>(3000 + payload.size() % 2000);
    const std::string close = close_payload(code, payload);
    const std::string_view reason = std::string_view(close).substr(2);
    check(close.size() <= kMaxControlPayload && payload.substr(0, reason.size()) == reason);
    if (text) check(is_valid_utf8(reason));

    std::vector<Seen> expected{{Event::Kind::ping, false, std::string(ping_payload), 0},
                               {Event::Kind::message, true, twice, 0}};
    if (text) expected.push_back({Event::Kind::message, false, std::string(payload), 0});
    // A reason cut from bytes that were not UTF-8 in the first place fails at the reader.
    if (is_valid_utf8(reason)) {
        expected.push_back({Event::Kind::close, false, std::string(reason), code});
    } else {
        expected.push_back({Event::Kind::error, false, "", close_code::bad_payload});
    }

    std::string masked;
    std::string plain;
    append_masked_frame(masked, Opcode::ping, ping_payload, key);
    append_frame(plain, Opcode::ping, ping_payload);
    std::string binary_frame;
    append_masked_frame(binary_frame, Opcode::binary, twice, key ^ 0x5A5A5A5Au);
    check_masking(binary_frame, twice, key ^ 0x5A5A5A5Au);
    masked += binary_frame;
    append_frame(plain, Opcode::binary, twice);
    if (text) {
        append_masked_frame(masked, Opcode::text, payload, ~key);
        append_frame(plain, Opcode::text, payload);
    }
    append_masked_frame(masked, Opcode::close, close, key);
    append_frame(plain, Opcode::close, close);

    const MessageLimits roomy{twice.size(), twice.size()};
    check(read_in_pieces(Role::server, roomy, masked, piece) == expected);
    check(read_in_pieces(Role::client, roomy, plain, piece) == expected);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
    if (size < 2) return 0;
    const Role role = (bytes[0] & 1) ? Role::client : Role::server;
    const std::size_t piece = 1 + (bytes[0] >> 1);
    const MessageLimits limits{std::size_t{bytes[1]} * 32, std::size_t{bytes[1]} * 64};
    const std::string stream(reinterpret_cast<const char*>(bytes) + 2, size - 2);

    const auto in_pieces = read_in_pieces(role, limits, stream, piece);
    check(in_pieces == read_in_pieces(role, limits, stream, stream.size() + 1));

    const std::uint32_t key = (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
                              static_cast<std::uint32_t>(size & 0xFFFF);
    check_round_trip(stream, key, piece);
    return 0;
}
