// Close frames (§5.5.1, §7.4): the peer's code and reason, or a protocol error when either is
// malformed; after a close the reader stops. close_payload writes the payload we send.
#include <catch2/catch.hpp>

#include <string>

#include "read_loop.hpp"
#include "reference_frames.hpp"
#include "ws_frames.hpp"

using namespace peerline::ws;
using namespace peerline::ws::test;

namespace {

Events close_to_server(std::string_view payload) { return read_all(Role::server, client_frame(Opcode::close, payload)); }

}  // namespace

TEST_CASE("a close frame without a payload means no status: 1005") {
    ReadLoop loop(Role::server, kRoomy);
    CHECK(loop.arrive(client_frame(Opcode::close, "")) == Events{closed_with(close_code::no_status, "")});
    CHECK(loop.reader().stopped());
    CHECK(read_all(Role::client, server_frame(Opcode::close, "")) == Events{closed_with(close_code::no_status)});
}

TEST_CASE("a close frame of one byte fails") {
    CHECK(close_to_server("\x03") == Events{failed_with(close_code::protocol_error)});
}

TEST_CASE("close codes nobody may send fail with 1002") {
    // Below 1000 unused; 1004 reserved; 1005, 1006, 1015 only ever reported locally; 1016-2999
    // unassigned; past 4999 undefined.
    for (const std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535}) {
        INFO("code " << code);
        CHECK(close_to_server(close_body(code)) == Events{failed_with(close_code::protocol_error)});
        CHECK(close_to_server(close_body(code, "why")) == Events{failed_with(close_code::protocol_error)});
    }
}

TEST_CASE("valid close codes are reported with their reason") {
    for (const std::uint16_t code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000,
                                     3999, 4000, 4999}) {
        INFO("code " << code);
        CHECK(close_to_server(close_body(code)) == Events{closed_with(code, "")});
        CHECK(close_to_server(close_body(code, "bye \xF0\x9F\x91\x8B")) == Events{closed_with(code, "bye \xF0\x9F\x91\x8B")});
        CHECK(read_all(Role::client, server_frame(Opcode::close, close_body(code, "server says bye"))) ==
              Events{closed_with(code, "server says bye")});
    }
}

TEST_CASE("a close reason of the longest size fits in a control frame") {
    const std::string reason(123, 'r');
    CHECK(close_to_server(close_body(1000, reason)) == Events{closed_with(1000, reason)});
    CHECK(close_to_server(close_body(1000, reason + "r")) == Events{failed_with(close_code::protocol_error)});
}

TEST_CASE("a close reason that is not UTF-8 fails with 1007") {
    CHECK(close_to_server(close_body(1000, "\xFF")) == Events{failed_with(close_code::bad_payload)});
    CHECK(close_to_server(close_body(1001, "cut \xE2\x82")) == Events{failed_with(close_code::bad_payload)});
    CHECK(close_to_server(close_body(4000, "\xED\xA0\x80")) == Events{failed_with(close_code::bad_payload)});
}

TEST_CASE("after a close the reader stops and swallows everything") {
    ReadLoop loop(Role::server, kRoomy);
    const std::string after = client_frame(Opcode::text, "late") + client_frame(Opcode::ping, "late") +
                              server_frame(Opcode::text, "would be an error") + "\xFF\xFF";
    CHECK(loop.arrive(client_frame(Opcode::close, close_body(1000, "bye")) + after) ==
          Events{closed_with(1000, "bye")});
    CHECK(loop.reader().stopped());
    CHECK(loop.buffered() == 0);
    CHECK(loop.arrive(client_frame(Opcode::close, close_body(1001))).empty());
    CHECK(loop.buffered() == 0);
}

TEST_CASE("close_payload writes the code big-endian, then the reason") {
    CHECK(close_payload(1000, "") == std::string("\x03\xE8", 2));
    CHECK(close_payload(close_code::try_again_later, "busy") == std::string("\x03\xF5" "busy", 6));
    CHECK(close_payload(4999, "x") == std::string("\x13\x87" "x", 3));
    const std::string longest(123, 'r');
    CHECK(close_payload(1000, longest) == close_body(1000, longest));
}

TEST_CASE("close_payload cuts a long reason to 125 bytes in all") {
    const std::string reason(400, 'r');
    const std::string payload = close_payload(1001, reason);
    CHECK(payload == close_body(1001, std::string(123, 'r')));
}

TEST_CASE("close_payload never cuts a character in two") {
    for (const std::string character : {"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80"}) {
        // Every position of the character against the 123-byte boundary.
        for (std::size_t pad = 0; pad < character.size(); ++pad) {
            std::string reason(120 + pad, 'a');
            while (reason.size() < 200) reason += character;
            INFO(character.size() << "-byte characters from byte " << 120 + pad);
            const std::string payload = close_payload(1000, reason);
            const std::string kept = payload.substr(2);
            CHECK(payload.size() <= kMaxControlPayload);
            CHECK(is_valid_utf8(kept));
            CHECK(reason.compare(0, kept.size(), kept) == 0);
            // As much as fits: the next character would not.
            CHECK(kept.size() + character.size() > kMaxControlPayload - 2);
            // What we send, a peer reads back.
            CHECK(read_all(Role::client, server_frame(Opcode::close, payload)) == Events{closed_with(1000, kept)});
        }
    }
}
