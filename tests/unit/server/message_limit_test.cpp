// Message limits: a message over its limit is reported from its header, its bytes are skipped as
// they arrive (never buffered), and the reader then waits for the peer's close, passing only
// control frames.
#include <catch2/catch.hpp>

#include "payloads.hpp"
#include "read_loop.hpp"
#include "reference_frames.hpp"
#include "ws_frames.hpp"

using namespace peerline::ws;
using namespace peerline::ws::test;

namespace {

// Different limits for text and binary, so a mix-up between them shows.
constexpr MessageLimits kLimits{100, 200};

std::string fragment(bool fin, Opcode opcode, std::string_view payload) {
    return raw_frame(first_byte_of(fin, opcode), payload, true);
}

}  // namespace

TEST_CASE("a message exactly at its limit passes, one byte more is too large") {
    const std::string text = utf8_text(100);
    const std::string text_over = utf8_text(101);
    const std::string data = random_bytes(200, 1);
    const std::string data_over = random_bytes(201, 2);
    CHECK(read_all(Role::server, client_frame(Opcode::text, text), kLimits) == Events{text_message(text)});
    CHECK(read_all(Role::server, client_frame(Opcode::text, text_over), kLimits) == Events{too_large(false)});
    CHECK(read_all(Role::server, client_frame(Opcode::binary, data), kLimits) == Events{binary_message(data)});
    CHECK(read_all(Role::server, client_frame(Opcode::binary, data_over), kLimits) == Events{too_large(true)});
    // Each kind has its own limit: binary passes where text would not.
    CHECK(read_all(Role::server, client_frame(Opcode::binary, text_over), kLimits) == Events{binary_message(text_over)});
    // The client side applies the same limits.
    CHECK(read_all(Role::client, server_frame(Opcode::text, text), kLimits) == Events{text_message(text)});
    CHECK(read_all(Role::client, server_frame(Opcode::binary, data_over), kLimits) == Events{too_large(true)});
}

TEST_CASE("the limit applies to the sum of a message's fragments") {
    const std::string wire_at_limit = fragment(false, Opcode::text, std::string(40, 'a')) +
                                      fragment(false, Opcode::continuation, std::string(40, 'b')) +
                                      fragment(true, Opcode::continuation, std::string(20, 'c'));
    CHECK(read_all(Role::server, wire_at_limit, kLimits) ==
          Events{text_message(std::string(40, 'a') + std::string(40, 'b') + std::string(20, 'c'))});

    const std::string wire_over = fragment(false, Opcode::binary, std::string(100, 'a')) +
                                  fragment(false, Opcode::continuation, std::string(100, 'b')) +
                                  fragment(true, Opcode::continuation, "c");
    ReadLoop loop(Role::server, kLimits);
    CHECK(loop.arrive(wire_over) == Events{too_large(true)});
    CHECK(loop.reader().discarding_data());
    CHECK_FALSE(loop.reader().stopped());
}

TEST_CASE("too_large comes from the header alone, before the payload") {
    const std::string frame = client_frame(Opcode::text, std::string(5000, 'x'));
    std::string header = frame.substr(0, 2 + 2 + 4);
    FrameReader reader(Role::server, kLimits);
    Event event;
    bool has_event = false;
    CHECK(reader.next(header.data(), header.size(), event, has_event) == header.size());
    REQUIRE(has_event);
    CHECK(event.kind == Event::Kind::too_large);
    CHECK_FALSE(event.binary);
    CHECK(reader.discarding_data());
}

TEST_CASE("after too_large the message is skipped as it arrives, later data too, until the close") {
    const std::string wire = client_frame(Opcode::text, utf8_text(5000)) +            // too large
                             client_frame(Opcode::binary, "small, but skipped") +    // data: skipped
                             fragment(false, Opcode::text, "a start") +              // skipped too
                             client_frame(Opcode::ping, "ping while closing") +      // still answered
                             fragment(true, Opcode::continuation, "\xFF not UTF-8") +  // never checked
                             client_frame(Opcode::close, close_body(1000, "ok"));
    for (const std::size_t piece : {1, 7, 64, 100000}) {
        INFO(piece << " bytes at a time");
        ReadLoop loop(Role::server, kLimits);
        Events seen;
        for (std::size_t at = 0; at < wire.size(); at += piece) {
            for (auto& event : loop.arrive(std::string_view(wire).substr(at, piece))) seen.push_back(event);
            // Skipped bytes are used as they come: the session holds at most one frame header
            // (or the few bytes of a small frame) however large the skipped message.
            CHECK(loop.buffered() < 64);
        }
        CHECK(seen == Events{too_large(false), ping("ping while closing"), closed_with(1000, "ok")});
        CHECK(loop.reader().stopped());
        CHECK(loop.buffered() == 0);
    }
}

TEST_CASE("a fragment that takes a message over its limit ends it and its continuations are skipped") {
    const std::string wire = fragment(false, Opcode::text, std::string(60, 'a')) +
                             fragment(false, Opcode::continuation, std::string(50, 'b')) +
                             fragment(true, Opcode::continuation, "c") +
                             client_frame(Opcode::binary, "skipped") +
                             client_frame(Opcode::pong, "") +
                             client_frame(Opcode::close, "");
    CHECK(read_all(Role::server, wire, kLimits) ==
          Events{too_large(false), pong(""), closed_with(close_code::no_status)});
}

TEST_CASE("a declared length far beyond any limit is skipped, not waited for") {
    // 2^40 bytes announced: the reader reports too_large and then uses whatever arrives.
    const std::string header = frame_header(first_byte_of(true, Opcode::binary), std::uint64_t{1} << 40, true);
    ReadLoop loop(Role::server, kLimits);
    CHECK(loop.arrive(header) == Events{too_large(true)});
    CHECK(loop.arrive(std::string(100000, 'x')).empty());
    CHECK(loop.buffered() == 0);
    CHECK(loop.reader().discarding_data());
}
