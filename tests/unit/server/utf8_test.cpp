// Text messages and close reasons must be well-formed UTF-8 (§8.1): no overlongs, no
// surrogates, nothing past U+10FFFF, no cut sequences. A text message that is not fails the
// connection with 1007; binary messages are never checked.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "read_loop.hpp"
#include "reference_frames.hpp"
#include "ws_frames.hpp"

using namespace peerline::ws;
using namespace peerline::ws::test;

namespace {

struct Sample {
    const char* name;
    std::string bytes;
};

const std::vector<Sample> kValid = {
    {"empty", ""},
    {"ASCII", "hello, world"},
    {"NUL", std::string("a\0b", 3)},
    {"DEL", "\x7F"},
    {"U+0080, the first 2-byte", "\xC2\x80"},
    {"U+00E9", "\xC3\xA9"},
    {"U+07FF, the last 2-byte", "\xDF\xBF"},
    {"U+0800, the first 3-byte", "\xE0\xA0\x80"},
    {"U+20AC", "\xE2\x82\xAC"},
    {"U+D7FF, before the surrogates", "\xED\x9F\xBF"},
    {"U+E000, after the surrogates", "\xEE\x80\x80"},
    {"U+FFFD", "\xEF\xBF\xBD"},
    {"U+FFFF, the last 3-byte", "\xEF\xBF\xBF"},
    {"U+10000, the first 4-byte", "\xF0\x90\x80\x80"},
    {"U+1F600", "\xF0\x9F\x98\x80"},
    {"U+10FFFF, the last code point", "\xF4\x8F\xBF\xBF"},
    {"a mix", "Gr\xC3\xBC\xC3\x9F" "e \xE2\x82\xAC 5 \xF0\x9F\x98\x80!"},
};

const std::vector<Sample> kInvalid = {
    {"a lone continuation byte", "\x80"},
    {"a lone last continuation byte", "\xBF"},
    {"two continuation bytes", "\x80\x80"},
    {"overlong NUL (C0 80)", "\xC0\x80"},
    {"overlong U+007F (C1 BF)", "\xC1\xBF"},
    {"overlong 3-byte U+007F", "\xE0\x81\xBF"},
    {"overlong 3-byte U+07FF", "\xE0\x9F\xBF"},
    {"overlong 4-byte U+FFFF", "\xF0\x8F\xBF\xBF"},
    {"overlong 4-byte NUL", "\xF0\x80\x80\x80"},
    {"surrogate U+D800", "\xED\xA0\x80"},
    {"surrogate U+DBFF", "\xED\xAF\xBF"},
    {"surrogate U+DC00", "\xED\xB0\x80"},
    {"surrogate U+DFFF", "\xED\xBF\xBF"},
    {"a CESU-8 surrogate pair", "\xED\xA0\xBD\xED\xB8\x80"},
    {"U+110000", "\xF4\x90\x80\x80"},
    {"F5 lead byte", "\xF5\x80\x80\x80"},
    {"F7 BF BF BF", "\xF7\xBF\xBF\xBF"},
    {"5-byte form", "\xF8\x88\x80\x80\x80"},
    {"6-byte form", "\xFC\x84\x80\x80\x80\x80"},
    {"FE", "\xFE"},
    {"FF", "\xFF"},
    {"2-byte cut at the end", "\xC3"},
    {"3-byte cut after one", "\xE2"},
    {"3-byte cut after two", "\xE2\x82"},
    {"4-byte cut after three", "\xF0\x9F\x98"},
    {"a cut sequence followed by ASCII", "\xC3" "A"},
    {"a 3-byte sequence with ASCII inside", "\xE2\x82" "A"},
    {"a 4-byte sequence interrupted by a lead byte", "\xF0\x9F\xC3\xA9"},
};

// The same bytes where the ASCII fast path (8 bytes at a time) starts, ends or runs into them,
// first and last byte of a chunk included.
std::vector<std::string> placements(const std::string& bytes) {
    return {bytes, "12345678" + bytes, bytes + "abcdefghij", "abc" + bytes + "defghijklmnop",
            "1234567" + bytes + "abcdefghijklmnop", std::string(64, 'x') + bytes + std::string(7, 'y')};
}

}  // namespace

TEST_CASE("is_valid_utf8 accepts well-formed UTF-8 wherever it stands") {
    for (const auto& sample : kValid) {
        for (const auto& text : placements(sample.bytes)) {
            INFO(sample.name << " in " << text.size() << " bytes");
            CHECK(is_valid_utf8(text));
        }
    }
}

TEST_CASE("is_valid_utf8 rejects ill-formed UTF-8 wherever it stands") {
    for (const auto& sample : kInvalid) {
        for (const auto& text : placements(sample.bytes)) {
            INFO(sample.name << " in " << text.size() << " bytes");
            CHECK_FALSE(is_valid_utf8(text));
        }
    }
}

TEST_CASE("is_valid_utf8 reads only the view it is given") {
    // The view ends inside a character that the bytes after it would complete.
    const std::string euro = "abc\xE2\x82\xAC";
    CHECK(is_valid_utf8(euro));
    CHECK_FALSE(is_valid_utf8(std::string_view(euro).substr(0, 5)));
}

TEST_CASE("a text message that is not UTF-8 fails with 1007 but the same bytes pass as binary") {
    for (const auto& sample : kInvalid) {
        INFO(sample.name);
        CHECK(read_all(Role::server, client_frame(Opcode::text, sample.bytes)) ==
              Events{failed_with(close_code::bad_payload)});
        CHECK(read_all(Role::client, server_frame(Opcode::text, "ok " + sample.bytes)) ==
              Events{failed_with(close_code::bad_payload)});
        CHECK(read_all(Role::server, client_frame(Opcode::binary, sample.bytes)) == Events{binary_message(sample.bytes)});
    }
    for (const auto& sample : kValid) {
        INFO(sample.name);
        CHECK(read_all(Role::server, client_frame(Opcode::text, sample.bytes)) == Events{text_message(sample.bytes)});
    }
}

TEST_CASE("UTF-8 is checked on the whole message, across its fragments") {
    auto in_two = [](std::string_view first, std::string_view second) {
        return raw_frame(first_byte_of(false, Opcode::text), first, true) +
               raw_frame(first_byte_of(true, Opcode::continuation), second, true);
    };
    // A character cut between fragments is fine once whole...
    CHECK(read_all(Role::server, in_two("caf\xC3", "\xA9")) == Events{text_message("caf\xC3\xA9")});
    CHECK(read_all(Role::server, in_two("\xF0\x9F", "\x98\x80")) == Events{text_message("\xF0\x9F\x98\x80")});
    // ...and an invalid sequence cut between fragments is still invalid.
    CHECK(read_all(Role::server, in_two("ok \xED\xA0", "\x80")) == Events{failed_with(close_code::bad_payload)});
    CHECK(read_all(Role::server, in_two("\xE0", "\x80\x80")) == Events{failed_with(close_code::bad_payload)});
    // A character never finished.
    CHECK(read_all(Role::server, in_two("ok", "\xF0\x9F\x98")) == Events{failed_with(close_code::bad_payload)});
}

TEST_CASE("after a 1007 the reader stops") {
    ReadLoop loop(Role::server, kRoomy);
    CHECK(loop.arrive(client_frame(Opcode::text, "\xFF")) == Events{failed_with(close_code::bad_payload)});
    CHECK(loop.reader().stopped());
    CHECK(loop.arrive(client_frame(Opcode::text, "fine")).empty());
}
