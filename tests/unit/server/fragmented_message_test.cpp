// Messages split into fragments (§5.4): assembled in order, with control frames answered
// between them, and nothing carried over into the next message.
#include <catch2/catch.hpp>

#include "read_loop.hpp"
#include "reference_frames.hpp"
#include "ws_frames.hpp"

using namespace peerline::ws;
using namespace peerline::ws::test;

namespace {

std::string fragment(bool masked, bool fin, Opcode opcode, std::string_view payload) {
    return raw_frame(first_byte_of(fin, opcode), payload, masked);
}

}  // namespace

TEST_CASE("a text message in three fragments with a ping between them") {
    for (const Role role : {Role::server, Role::client}) {
        INFO((role == Role::server ? "client to server" : "server to client"));
        const bool masked = role == Role::server;
        const std::string wire = fragment(masked, false, Opcode::text, "Hello, ") +
                                 fragment(masked, false, Opcode::continuation, "w\xC3\xA9") +
                                 fragment(masked, true, Opcode::ping, "still there?") +
                                 fragment(masked, true, Opcode::continuation, "rld");
        // The ping is answered before the message is whole.
        CHECK(read_all(role, wire) == Events{ping("still there?"), text_message("Hello, w\xC3\xA9rld")});
    }
}

TEST_CASE("a binary message in fragments, some of them empty") {
    const std::string wire = fragment(true, false, Opcode::binary, "") +
                             fragment(true, false, Opcode::continuation, std::string("\x00\xFF", 2)) +
                             fragment(true, false, Opcode::continuation, "") +
                             fragment(true, true, Opcode::pong, "") +
                             fragment(true, true, Opcode::continuation, "\x80");
    CHECK(read_all(Role::server, wire) == Events{pong(""), binary_message(std::string("\x00\xFF\x80", 3))});
}

TEST_CASE("a fragmented message of empty fragments is an empty message") {
    const std::string wire =
        fragment(true, false, Opcode::text, "") + fragment(true, true, Opcode::continuation, "");
    CHECK(read_all(Role::server, wire) == Events{text_message("")});
}

TEST_CASE("each fragmented message starts from nothing") {
    const std::string wire = fragment(true, false, Opcode::text, "first ") +
                             fragment(true, true, Opcode::continuation, "message") +
                             client_frame(Opcode::binary, "between") +
                             fragment(true, false, Opcode::binary, "sec") +
                             fragment(true, true, Opcode::continuation, "ond") +
                             fragment(true, false, Opcode::text, "th") +
                             fragment(true, true, Opcode::continuation, "ird");
    CHECK(read_all(Role::server, wire) == Events{text_message("first message"), binary_message("between"),
                                                 binary_message("second"), text_message("third")});
}

TEST_CASE("a fragmented message arriving in pieces reads the same") {
    const std::string wire = fragment(true, false, Opcode::text, std::string(300, 'a')) +
                             fragment(true, true, Opcode::ping, "p") +
                             fragment(true, false, Opcode::continuation, std::string(70000, 'b')) +
                             fragment(true, true, Opcode::continuation, "c");
    const Events expected{ping("p"), text_message(std::string(300, 'a') + std::string(70000, 'b') + "c")};
    for (const std::size_t piece : std::initializer_list<std::size_t>{1, 5, 1000, wire.size()}) {
        INFO(piece << " bytes at a time");
        ReadLoop loop(Role::server, kRoomy);
        CHECK(loop.arrive_in_pieces(wire, piece) == expected);
    }
}
