// Frames that break RFC 6455 fail the connection with 1002 (protocol error), as soon as the
// header shows it; the reader then stops and uses every later byte without a word.
#include <catch2/catch.hpp>

#include "read_loop.hpp"
#include "reference_frames.hpp"
#include "ws_frames.hpp"

using namespace peerline::ws;
using namespace peerline::ws::test;

namespace {

const Events kProtocolError{failed_with(close_code::protocol_error)};

Events to_server(std::string_view wire) { return read_all(Role::server, wire); }

}  // namespace

TEST_CASE("a server fails unmasked frames, a client masked ones") {
    CHECK(read_all(Role::server, server_frame(Opcode::text, "hi")) == kProtocolError);
    CHECK(read_all(Role::server, server_frame(Opcode::ping, "")) == kProtocolError);
    CHECK(read_all(Role::client, client_frame(Opcode::text, "hi")) == kProtocolError);
    CHECK(read_all(Role::client, client_frame(Opcode::close, "")) == kProtocolError);
}

TEST_CASE("reserved bits without an agreed extension fail") {
    for (const std::uint8_t bit : {0x40, 0x20, 0x10}) {
        INFO("bit " << int{bit});
        CHECK(to_server(raw_frame(kFin | bit | 0x1, "hi", true)) == kProtocolError);
        CHECK(to_server(raw_frame(kFin | bit | 0x9, "", true)) == kProtocolError);
    }
}

TEST_CASE("unknown opcodes fail, data and control alike") {
    for (std::uint8_t opcode : {0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
        INFO("opcode " << int{opcode});
        CHECK(to_server(raw_frame(kFin | opcode, "x", true)) == kProtocolError);
        CHECK(read_all(Role::client, raw_frame(kFin | opcode, "", false)) == kProtocolError);
    }
}

TEST_CASE("a fragmented control frame fails") {
    for (const Opcode opcode : {Opcode::ping, Opcode::pong, Opcode::close}) {
        INFO("opcode " << int{static_cast<std::uint8_t>(opcode)});
        CHECK(to_server(raw_frame(first_byte_of(false, opcode), "", true)) == kProtocolError);
    }
}

TEST_CASE("a control frame over 125 bytes fails before its payload arrives") {
    for (const Opcode opcode : {Opcode::ping, Opcode::pong, Opcode::close}) {
        INFO("opcode " << int{static_cast<std::uint8_t>(opcode)});
        CHECK(to_server(frame_header(first_byte_of(true, opcode), 126, true)) == kProtocolError);
        CHECK(to_server(client_frame(opcode, std::string(125, '\0') + "x")) == kProtocolError);
    }
    CHECK(to_server(client_frame(Opcode::ping, std::string(125, 'x'))) == Events{ping(std::string(125, 'x'))});
}

TEST_CASE("lengths not in their shortest form fail") {
    const std::uint8_t text = first_byte_of(true, Opcode::text);
    CHECK(to_server(raw_frame(text, "", true, LengthForm::bits16)) == kProtocolError);
    CHECK(to_server(raw_frame(text, std::string(125, 'x'), true, LengthForm::bits16)) == kProtocolError);
    CHECK(to_server(raw_frame(text, "", true, LengthForm::bits64)) == kProtocolError);
    CHECK(to_server(raw_frame(text, std::string(126, 'x'), true, LengthForm::bits64)) == kProtocolError);
    CHECK(to_server(raw_frame(text, std::string(65535, 'x'), true, LengthForm::bits64)) == kProtocolError);
    // The smallest lengths of each form are fine.
    CHECK(to_server(raw_frame(text, std::string(126, 'x'), true, LengthForm::bits16)) ==
          Events{text_message(std::string(126, 'x'))});
    CHECK(to_server(raw_frame(text, std::string(65536, 'x'), true, LengthForm::bits64)) ==
          Events{text_message(std::string(65536, 'x'))});
}

TEST_CASE("a 64-bit length with its top bit set fails") {
    const std::uint8_t binary = first_byte_of(true, Opcode::binary);
    CHECK(to_server(frame_header(binary, std::uint64_t{1} << 63, true, LengthForm::bits64)) == kProtocolError);
    CHECK(to_server(frame_header(binary, ~std::uint64_t{0}, true, LengthForm::bits64)) == kProtocolError);
    CHECK(read_all(Role::client, frame_header(binary, std::uint64_t{1} << 63, false, LengthForm::bits64)) ==
          kProtocolError);
}

TEST_CASE("a continuation without a message to continue fails") {
    CHECK(to_server(raw_frame(first_byte_of(true, Opcode::continuation), "x", true)) == kProtocolError);
    CHECK(to_server(raw_frame(first_byte_of(false, Opcode::continuation), "x", true)) == kProtocolError);
    // After a whole message there is nothing to continue either.
    CHECK(to_server(client_frame(Opcode::text, "done") + raw_frame(first_byte_of(true, Opcode::continuation), "x", true)) ==
          Events{text_message("done"), failed_with(close_code::protocol_error)});
}

TEST_CASE("a new message inside a fragmented one fails") {
    const std::string start = raw_frame(first_byte_of(false, Opcode::text), "part", true);
    CHECK(to_server(start + client_frame(Opcode::text, "other")) == kProtocolError);
    CHECK(to_server(start + client_frame(Opcode::binary, "other")) == kProtocolError);
    CHECK(to_server(start + raw_frame(first_byte_of(false, Opcode::binary), "other", true)) == kProtocolError);
}

TEST_CASE("an error comes from the header alone and uses every byte given") {
    // An unmasked text header announcing 1000 bytes: no need to wait for them.
    std::string header = frame_header(first_byte_of(true, Opcode::text), 1000, false);
    header += "and some of the payload";
    FrameReader reader(Role::server, kRoomy);
    Event event;
    bool has_event = false;
    CHECK(reader.next(header.data(), header.size(), event, has_event) == header.size());
    REQUIRE(has_event);
    CHECK(event.kind == Event::Kind::error);
    CHECK(event.code == close_code::protocol_error);
    CHECK(std::string_view(event.what) != "");
}

TEST_CASE("after an error the reader stops and swallows everything") {
    ReadLoop loop(Role::server, kRoomy);
    CHECK(loop.arrive(client_frame(Opcode::ping, "before") + server_frame(Opcode::text, "bad")) ==
          Events{ping("before"), failed_with(close_code::protocol_error)});
    CHECK(loop.reader().stopped());
    CHECK(loop.buffered() == 0);
    // Good frames, bad frames, a close: used and ignored.
    CHECK(loop.arrive(client_frame(Opcode::text, "after")).empty());
    CHECK(loop.arrive(raw_frame(0xFF, "junk", false)).empty());
    CHECK(loop.arrive(client_frame(Opcode::close, close_body(1000))).empty());
    CHECK(loop.buffered() == 0);

    FrameReader reader(Role::server, kRoomy);
    std::string bad = raw_frame(kFin | 0x40 | 0x1, "x", true);
    Event event;
    bool has_event = false;
    reader.next(bad.data(), bad.size(), event, has_event);
    REQUIRE(reader.stopped());
    std::string more = client_frame(Opcode::text, "more");
    has_event = false;
    CHECK(reader.next(more.data(), more.size(), event, has_event) == more.size());
    CHECK_FALSE(has_event);
}
