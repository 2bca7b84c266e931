// A socket delivers bytes in arbitrary pieces: a frame is read only once its last byte is
// there, whatever came before, and a stream reads the same however it was cut.
#include <catch2/catch.hpp>

#include "payloads.hpp"
#include "read_loop.hpp"
#include "reference_frames.hpp"
#include "ws_frames.hpp"

using namespace peerline::ws;
using namespace peerline::ws::test;

namespace {

// A conversation's worth of client frames: control frames between the fragments of a text
// message, a binary message past the 16-bit length form, then a close.
std::string client_stream() {
    std::string wire;
    append_masked_frame(wire, Opcode::ping, "are you there", 0x11223344);
    wire += raw_frame(first_byte_of(false, Opcode::text), "{\"type\":", true);
    wire += client_frame(Opcode::pong, "");
    wire += raw_frame(first_byte_of(false, Opcode::continuation), "\"signal\",\"n\":\"\xC3\xA9", true);
    wire += raw_frame(first_byte_of(true, Opcode::continuation), "\xE2\x82\xAC\"}", true);
    append_masked_frame(wire, Opcode::binary, random_bytes(70000, 5), 0x55667788);
    append_masked_frame(wire, Opcode::close, close_payload(close_code::normal, "done"), 0x99AABBCC);
    return wire;
}

Events client_stream_events() {
    return {ping("are you there"), pong(""), text_message("{\"type\":\"signal\",\"n\":\"\xC3\xA9\xE2\x82\xAC\"}"),
            binary_message(random_bytes(70000, 5)), closed_with(close_code::normal, "done")};
}

}  // namespace

TEST_CASE("a frame cut short is not read, nor unmasked, until its last byte is there") {
    struct Case {
        const char* name;
        Role role;
        std::string wire;
        SeenEvent expected;
    };
    const std::string big = random_bytes(300000, 9);
    const std::string medium = random_bytes(65535, 10);
    std::string close_frame;
    append_frame(close_frame, Opcode::close, close_payload(4000, "bye"));
    const Case cases[] = {
        {"empty text to a server", Role::server, client_frame(Opcode::text, ""), text_message("")},
        {"125 bytes to a server", Role::server, client_frame(Opcode::binary, big.substr(0, 125)),
         binary_message(big.substr(0, 125))},
        {"126 bytes to a client", Role::client, server_frame(Opcode::binary, big.substr(0, 126)),
         binary_message(big.substr(0, 126))},
        {"65535 bytes to a server", Role::server, client_frame(Opcode::binary, medium), binary_message(medium)},
        {"65536 bytes to a client", Role::client, server_frame(Opcode::binary, big.substr(0, 65536)),
         binary_message(big.substr(0, 65536))},
        {"300000 bytes to a server", Role::server, client_frame(Opcode::binary, big), binary_message(big)},
        {"a 125-byte ping to a server", Role::server, client_frame(Opcode::ping, big.substr(1, 125)),
         ping(big.substr(1, 125))},
        {"a close to a client", Role::client, close_frame, closed_with(4000, "bye")},
    };
    for (const auto& c : cases) {
        INFO(c.name);
        // One buffer throughout: a reader that unmasked a partial frame would garble the retry.
        std::string wire = c.wire;
        FrameReader reader(c.role, kRoomy);
        for (std::size_t have = 0; have < wire.size(); ++have) {
            Event event;
            bool has_event = false;
            const std::size_t used = reader.next(wire.data(), have, event, has_event);
            if (used != 0 || has_event) {
                FAIL_CHECK("read something out of the first " << have << " of " << wire.size() << " bytes");
                break;
            }
        }
        Event event;
        bool has_event = false;
        REQUIRE(reader.next(wire.data(), wire.size(), event, has_event) == wire.size());
        REQUIRE(has_event);
        SeenEvent seen;
        seen.kind = event.kind;
        seen.binary = event.binary;
        seen.payload = std::string(event.payload);
        seen.code = event.code;
        CHECK(seen == c.expected);
    }
}

TEST_CASE("several frames in one buffer are read one after another") {
    std::string wire = client_frame(Opcode::text, "one") + client_frame(Opcode::ping, "two") +
                       client_frame(Opcode::binary, "three") + client_frame(Opcode::close, close_body(1001));
    const std::size_t sizes[] = {2 + 4 + 3, 2 + 4 + 3, 2 + 4 + 5, 2 + 4 + 2};
    const Event::Kind kinds[] = {Event::Kind::message, Event::Kind::ping, Event::Kind::message, Event::Kind::close};
    const std::string_view payloads[] = {"one", "two", "three", ""};

    FrameReader reader(Role::server, kRoomy);
    std::size_t at = 0;
    for (int i = 0; i < 4; ++i) {
        INFO("frame " << i);
        Event event;
        bool has_event = false;
        REQUIRE(reader.next(wire.data() + at, wire.size() - at, event, has_event) == sizes[i]);
        REQUIRE(has_event);
        CHECK(event.kind == kinds[i]);
        CHECK(event.payload == payloads[i]);
        at += sizes[i];
    }
    CHECK(at == wire.size());
    CHECK(reader.stopped());
}

TEST_CASE("a stream cut in two anywhere reads the same") {
    const std::string wire = client_stream();
    const Events expected = client_stream_events();
    REQUIRE(read_all(Role::server, wire) == expected);
    for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
        // Every cut through the small frames at both ends, a stride through the big binary one.
        if (cut >= 200 && cut + 200 <= wire.size() && cut % 997 != 0) continue;
        INFO("cut after byte " << cut);
        ReadLoop loop(Role::server, kRoomy);
        Events seen = loop.arrive(std::string_view(wire).substr(0, cut));
        for (auto& event : loop.arrive(std::string_view(wire).substr(cut))) seen.push_back(std::move(event));
        REQUIRE(seen == expected);
        CHECK(loop.buffered() == 0);
    }
}

TEST_CASE("a stream arriving a few bytes at a time reads the same") {
    const std::string wire = client_stream();
    for (const std::size_t piece : {1, 2, 3, 7, 13, 4096}) {
        INFO(piece << " bytes at a time");
        ReadLoop loop(Role::server, kRoomy);
        CHECK(loop.arrive_in_pieces(wire, piece) == client_stream_events());
        CHECK(loop.buffered() == 0);
    }
}
