// What the encoder writes, the reader gives back unchanged, on both sides of every length form,
// and both match RFC 6455's own examples byte for byte.
#include <catch2/catch.hpp>

#include "payloads.hpp"
#include "read_loop.hpp"
#include "reference_frames.hpp"
#include "ws_frames.hpp"

using namespace peerline::ws;
using namespace peerline::ws::test;

namespace {

// 125|126 and 65535|65536 are where the 7-, 16- and 64-bit length forms meet; 300000 is past the
// largest voice message.
constexpr std::size_t kSizes[] = {0, 125, 126, 65535, 65536, 300000};

std::size_t header_size(std::size_t payload, bool masked) {
    return (payload < 126 ? 2 : payload <= 0xFFFF ? 4 : 10) + (masked ? 4 : 0);
}

std::string bytes(std::initializer_list<unsigned char> values) { return std::string(values.begin(), values.end()); }

}  // namespace

TEST_CASE("the encoder writes RFC 6455 5.7's example frames byte for byte") {
    std::string out;
    append_frame(out, Opcode::text, "Hello");
    CHECK(out == bytes({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));

    out.clear();
    append_masked_frame(out, Opcode::text, "Hello", 0x37fa213d);
    CHECK(out == bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));

    out.clear();
    append_frame(out, Opcode::ping, "Hello");
    CHECK(out == bytes({0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));

    out.clear();
    append_frame(out, Opcode::binary, std::string(256, 'x'));
    CHECK(out.size() == 4 + 256);
    CHECK(out.substr(0, 4) == bytes({0x82, 0x7E, 0x01, 0x00}));

    out.clear();
    append_frame(out, Opcode::binary, std::string(65536, 'x'));
    CHECK(out.size() == 10 + 65536);
    CHECK(out.substr(0, 10) == bytes({0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00}));
}

TEST_CASE("the reader reads RFC 6455 5.7's example frames") {
    CHECK(read_all(Role::server, bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58})) ==
          Events{text_message("Hello")});
    CHECK(read_all(Role::server, bytes({0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58})) ==
          Events{pong("Hello")});
    CHECK(read_all(Role::client, bytes({0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f})) ==
          Events{text_message("Hello")});
    CHECK(read_all(Role::client, bytes({0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f})) == Events{ping("Hello")});
}

TEST_CASE("the encoder writes what the byte-by-byte reference writes") {
    for (const auto size : kSizes) {
        INFO("payload of " << size << " bytes");
        const auto payload = random_bytes(size, static_cast<std::uint32_t>(size));
        std::string masked;
        append_masked_frame(masked, Opcode::binary, payload, kMaskKey);
        CHECK(masked.size() == header_size(size, true) + size);
        CHECK(masked == client_frame(Opcode::binary, payload));

        std::string plain;
        append_frame(plain, Opcode::text, payload);
        CHECK(plain.size() == header_size(size, false) + size);
        CHECK(plain == server_frame(Opcode::text, payload));
    }
}

TEST_CASE("frames appended to a buffer follow what it held") {
    std::string out = "already here";
    append_masked_frame(out, Opcode::binary, "abc", kMaskKey);
    append_frame(out, Opcode::pong, "def");
    CHECK(out == "already here" + client_frame(Opcode::binary, "abc") + server_frame(Opcode::pong, "def"));
}

TEST_CASE("client frames come out of a server's reader unchanged") {
    for (const auto size : kSizes) {
        INFO("payload of " << size << " bytes");
        const auto data = random_bytes(size, static_cast<std::uint32_t>(size) + 7);
        const auto text = utf8_text(size);
        std::string wire;
        // Keys of every shape: all zero leaves the payload as is, the others move every bit.
        append_masked_frame(wire, Opcode::binary, data, 0x00000000);
        append_masked_frame(wire, Opcode::text, text, 0xFFFFFFFF);
        append_masked_frame(wire, Opcode::binary, data, 0x0102A0FE);
        CHECK(read_all(Role::server, wire) == Events{binary_message(data), text_message(text), binary_message(data)});
    }
}

TEST_CASE("server frames come out of a client's reader unchanged") {
    for (const auto size : kSizes) {
        INFO("payload of " << size << " bytes");
        const auto data = random_bytes(size, static_cast<std::uint32_t>(size) + 11);
        const auto text = utf8_text(size);
        std::string wire;
        append_frame(wire, Opcode::text, text);
        append_frame(wire, Opcode::binary, data);
        CHECK(read_all(Role::client, wire) == Events{text_message(text), binary_message(data)});
    }
}

TEST_CASE("pings and pongs of 0 to 125 bytes come back on both sides") {
    for (const std::size_t size : {0, 1, 124, 125}) {
        INFO("payload of " << size << " bytes");
        const auto payload = random_bytes(size, 3);
        std::string from_client;
        append_masked_frame(from_client, Opcode::ping, payload, 0x9A8B7C6D);
        append_masked_frame(from_client, Opcode::pong, payload, 0x12345678);
        CHECK(read_all(Role::server, from_client) == Events{ping(payload), pong(payload)});

        std::string from_server;
        append_frame(from_server, Opcode::ping, payload);
        append_frame(from_server, Opcode::pong, payload);
        CHECK(read_all(Role::client, from_server) == Events{ping(payload), pong(payload)});
    }
}
