#include <catch2/catch.hpp>

#include "protocol.hpp"

using namespace peerline;
using namespace peerline::protocol;

TEST_CASE("hello parses with sanitized name and device", "[protocol]") {
    auto m = parse_client_message(R"({"type":"hello","name":"  Ada\u0007 L ","device":"toaster"})");
    REQUIRE(m.ok());
    const auto& hello = std::get<Hello>(m.value());
    CHECK(hello.name == "Ada L");
    CHECK(hello.device == "unknown");
}

TEST_CASE("signal keeps its data object and target", "[protocol]") {
    auto m = parse_client_message(R"({"type":"signal","to":"abc","data":{"kind":"offer","x":[1,2]}})");
    REQUIRE(m.ok());
    const auto& s = std::get<SignalTo>(m.value());
    CHECK(s.to == "abc");
    CHECK(s.data["x"][1] == 2);
}

TEST_CASE("bad client input gets a typed error, never an exception", "[protocol]") {
    struct Case {
        const char* text;
        const char* code;
    };
    const Case cases[] = {
        {"", code::kBadJson},
        {"{", code::kBadJson},
        {"[1,2]", code::kBadJson},
        {"\"hello\"", code::kBadJson},
        {R"({"name":"x"})", code::kBadMessage},
        {R"({"type":7})", code::kBadMessage},
        {R"({"type":"dance"})", code::kUnknownType},
        {R"({"type":"hello"})", code::kBadMessage},
        {R"({"type":"signal","to":"a"})", code::kBadMessage},
        {R"({"type":"signal","to":"a","data":"text"})", code::kBadMessage},
        {R"({"type":"signal","data":{}})", code::kBadMessage},
        {"{\"type\":\"hello\",\"name\":\"\xff\xfe\"}", code::kBadJson},  // invalid UTF-8
    };
    for (const auto& c : cases) {
        INFO(c.text);
        auto m = parse_client_message(c.text);
        REQUIRE_FALSE(m.ok());
        CHECK(m.error().code == c.code);
        CHECK_FALSE(m.error().message.empty());
    }
}

TEST_CASE("frames over the limit are refused before parsing", "[protocol]") {
    std::string big = R"({"type":"hello","name":")" + std::string(kMaxTextFrameBytes, 'a') + "\"}";
    auto m = parse_client_message(big);
    REQUIRE_FALSE(m.ok());
    CHECK(m.error().code == code::kTooLarge);
}

TEST_CASE("server messages round-trip through text", "[protocol]") {
    Welcome welcome{"id1", {{"id2", "Bob", "mobile"}}, nlohmann::json::array({{{"urls", "stun:x"}}})};
    auto back = parse_server_message(serialize(ServerMessage{welcome}));
    REQUIRE(back.ok());
    const auto& w = std::get<Welcome>(back.value());
    CHECK(w.id == "id1");
    REQUIRE(w.peers.size() == 1);
    CHECK(w.peers[0].name == "Bob");
    CHECK(w.peers[0].device == "mobile");
    CHECK(w.ice_servers[0]["urls"] == "stun:x");

    auto err = parse_server_message(serialize(ServerMessage{ErrorMessage{"unknown-peer", "gone", "signal"}}));
    REQUIRE(err.ok());
    CHECK(std::get<ErrorMessage>(err.value()).ref == "signal");

    auto left = parse_server_message(serialize(ServerMessage{PeerLeft{"id9"}}));
    REQUIRE(left.ok());
    CHECK(std::get<PeerLeft>(left.value()).id == "id9");
}

TEST_CASE("names are capped on a UTF-8 boundary and never empty", "[protocol]") {
    CHECK(sanitize_name("   ") == "Anonymous");
    std::string euros;
    for (int i = 0; i < 40; ++i) euros += "\xE2\x82\xAC";  // 3-byte characters, 120 bytes
    auto capped = sanitize_name(euros);
    CHECK(capped.size() <= kMaxNameBytes);
    CHECK(capped.size() % 3 == 0);
}

TEST_CASE("serializing invalid UTF-8 replaces instead of throwing", "[protocol]") {
    nlohmann::json j = std::string("\xff");
    CHECK_NOTHROW(dump_json(j));
}

TEST_CASE("hello carries an optional invite room and resume token", "[protocol]") {
    auto m = parse_client_message(
        R"({"type":"hello","name":"Ada","room":"0123456789abcdef0123456789abcdef","resume":"tok"})");
    REQUIRE(m.ok());
    const auto& hello = std::get<Hello>(m.value());
    CHECK(hello.room == "0123456789abcdef0123456789abcdef");
    CHECK(hello.resume == "tok");

    auto plain = parse_client_message(R"({"type":"hello","name":"Ada","room":null})");
    REQUIRE(plain.ok());
    CHECK(std::get<Hello>(plain.value()).room.empty());

    for (const char* bad : {R"({"type":"hello","name":"A","room":"short"})",
                            R"({"type":"hello","name":"A","room":"0123456789abcdef0123456789abcde"})",
                            R"({"type":"hello","name":"A","room":"has spaces in it and is long enough"})",
                            R"({"type":"hello","name":"A","room":7})"}) {
        INFO(bad);
        auto r = parse_client_message(bad);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == code::kBadRoom);
    }
    auto bad_resume = parse_client_message(R"({"type":"hello","name":"A","resume":5})");
    REQUIRE_FALSE(bad_resume.ok());
    CHECK(bad_resume.error().code == code::kBadMessage);
}

TEST_CASE("invite room ids need at least 128 random bits", "[protocol]") {
    CHECK(is_valid_room("0123456789abcdef0123456789abcdef"));  // 32 hex = 128 bits
    CHECK(is_valid_room("Zm9vYmFyYmF6cXV4MTIzNA"));            // 22 base64url = 132 bits
    CHECK(is_valid_room("aZ-_aZ-_aZ-_aZ-_aZ-_aZ"));
    CHECK_FALSE(is_valid_room("0123456789abcdef012345"));      // 22 hex = 88 bits
    CHECK_FALSE(is_valid_room("Zm9vYmFyYmF6cXV4MTIzN"));       // 21 characters
    CHECK_FALSE(is_valid_room(std::string(65, 'a')));
    CHECK_FALSE(is_valid_room("Zm9vYmFyYmF6cXV4MTIzNA=="));    // padding is not base64url
}

TEST_CASE("rename parses with a sanitized name", "[protocol]") {
    auto m = parse_client_message(R"({"type":"rename","name":"  Bob\u0001 "})");
    REQUIRE(m.ok());
    CHECK(std::get<Rename>(m.value()).name == "Bob");
    CHECK(parse_client_message(R"({"type":"rename"})").error().code == code::kBadMessage);
    auto back = parse_client_message(serialize(ClientMessage{Rename{"Cy"}}));
    REQUIRE(back.ok());
    CHECK(std::get<Rename>(back.value()).name == "Cy");
}

TEST_CASE("welcome round-trips resume, limits and the rooms a peer is seen through", "[protocol]") {
    Welcome welcome{"id1", {{"id2", "Bob", "mobile", {via::kNetwork, via::kInvite}}},
                    nlohmann::json::array(), "id1.abc", nlohmann::json{{"maxTextBytes", 65536}}};
    auto text = serialize(ServerMessage{welcome});
    auto back = parse_server_message(text);
    REQUIRE(back.ok());
    const auto& w = std::get<Welcome>(back.value());
    CHECK(w.resume == "id1.abc");
    CHECK(w.limits["maxTextBytes"] == 65536);
    REQUIRE(w.peers.size() == 1);
    CHECK(w.peers[0].via == std::vector<std::string>{"network", "invite"});

    // A v1 welcome without the new fields still parses (older servers).
    auto old = parse_server_message(R"({"type":"welcome","id":"a","peers":[{"id":"b","name":"B","device":"x"}]})");
    REQUIRE(old.ok());
    CHECK(std::get<Welcome>(old.value()).peers[0].via.empty());
}

TEST_CASE("peer-updated parses as PeerJoined with updated set", "[protocol]") {
    auto text = serialize(ServerMessage{PeerJoined{{"id2", "Bobby", "mobile", {"invite"}}, true}});
    CHECK(nlohmann::json::parse(text)["type"] == "peer-updated");
    auto back = parse_server_message(text);
    REQUIRE(back.ok());
    const auto& p = std::get<PeerJoined>(back.value());
    CHECK(p.updated);
    CHECK(p.peer.name == "Bobby");
    auto joined = parse_server_message(serialize(ServerMessage{PeerJoined{{"id3", "C", "desktop", {}}}}));
    REQUIRE(joined.ok());
    CHECK_FALSE(std::get<PeerJoined>(joined.value()).updated);
}

TEST_CASE("binary frames carry a length-prefixed JSON header", "[protocol]") {
    const std::string payload("\x00\x01\xff voice", 9);
    auto frame = make_binary_frame(nlohmann::json{{"to", "abc"}, {"kind", "voice"}}, payload);
    auto parsed = parse_binary_frame(frame);
    REQUIRE(parsed.ok());
    CHECK(parsed.value().header["to"] == "abc");
    CHECK(parsed.value().header["kind"] == "voice");
    CHECK(parsed.value().payload == payload);

    const std::string bad[] = {
        std::string(""), std::string("\x00", 1), std::string("\x00\x00", 2),  // empty header
        std::string("\x00\x05{}", 4),                                        // longer than frame
        std::string("\x00\x02[]", 4), std::string("\x00\x03{x}", 5),         // not an object
        std::string("\x04\x01", 2) + std::string(1025, ' '),                 // header over 1 KiB
    };
    for (const auto& b : bad) {
        auto r = parse_binary_frame(b);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == code::kBadFrame);
    }
}

// ---- the relay's fast path (peek_signal / signal_frame) --------------------------------------

namespace {

// The fast path's promise: whatever it accepts, the full parser accepts as the same signal.
void check_agrees_with_full_parser(const std::string& text) {
    INFO(text);
    const auto fast = peek_signal(text);
    if (!fast) return;
    auto full = parse_client_message(text);
    REQUIRE(full.ok());
    const auto* signal = std::get_if<SignalTo>(&full.value());
    REQUIRE(signal != nullptr);
    CHECK(signal->to == fast->to);
    CHECK(nlohmann::json::parse(fast->data) == signal->data);
}

}  // namespace

TEST_CASE("peek_signal finds `to` and the exact bytes of `data`", "[protocol]") {
    const std::string data = "{ \"b\" : [1, 2.50, -0e+3],\n \"a\":\"caf\\u00e9 \\/ \xc3\xa9\", \"n\":null }";
    const std::string text = R"({"type":"signal", "to":"abc" ,"v":1,"data":)" + data + " }";
    const auto signal = peek_signal(text);
    REQUIRE(signal);
    CHECK(signal->to == "abc");
    CHECK(signal->data == data);  // formatting, key order and escapes kept
    check_agrees_with_full_parser(text);
}

TEST_CASE("signal_frame splices data unchanged and stamps from", "[protocol]") {
    const std::string data = R"({"kind":"candidate","z":1,"a":"\u00e9"})";
    const std::string frame = signal_frame("id1", data);
    CHECK(frame == R"({"type":"signal","from":"id1","data":)" + data + "}");
    auto back = parse_server_message(frame);
    REQUIRE(back.ok());
    const auto& s = std::get<SignalFrom>(back.value());
    CHECK(s.from == "id1");
    CHECK(s.data == nlohmann::json::parse(data));
    // An id that needs quoting still makes valid JSON.
    auto odd = parse_server_message(signal_frame("a\"b\\c", "{}"));
    REQUIRE(odd.ok());
    CHECK(std::get<SignalFrom>(odd.value()).from == "a\"b\\c");
}

TEST_CASE("peek_signal declines what it leaves to the full parser", "[protocol]") {
    const char* declined[] = {
        R"({"type":"hello","name":"x"})",                       // another type
        R"({"type":"rename","name":"x"})",
        R"({"type":"sig\u006eal","to":"a","data":{}})",         // escaped value of `type`
        R"({"t\u0079pe":"signal","to":"a","data":{}})",         // escaped key
        R"({"type":"signal","to":"a\u0062","data":{}})",        // escaped `to`
        R"({"type":"signal","to":"a","to":"b","data":{}})",     // repeated key
        R"({"type":"signal","to":"a","data":{},"data":{}})",
        R"({"type":"signal","to":7,"data":{}})",                // wrong types
        R"({"type":"signal","to":"a","data":[]})",
        R"({"type":"signal","to":"a","data":"x"})",
        R"({"type":"signal","to":"a"})",
        R"({"type":"signal","data":{}})",
        "\xef\xbb\xbf{\"type\":\"signal\",\"to\":\"a\",\"data\":{}}",  // byte-order mark
        R"({"type":"signal","to":"a","data":{},"1":0,"2":0,"3":0,"4":0,"5":0,"6":0})",  // > 8 members
    };
    for (const char* text : declined) {
        INFO(text);
        CHECK_FALSE(peek_signal(text));
    }
}

TEST_CASE("peek_signal never accepts malformed JSON inside data", "[protocol]") {
    const std::string head = R"({"type":"signal","to":"a","data":)";
    const std::string bad_data[] = {
        "{",                      "{\"a\":}",               "{\"a\":01}",
        "{\"a\":1.}",             "{\"a\":.5}",             "{\"a\":-}",
        "{\"a\":1e}",             "{\"a\":1e400}",          "{\"a\":-1E+999}",
        "{\"a\":tru}",            "{\"a\":nul}",            "{\"a\":NaN}",
        "{\"a\":1,}",             "{\"a\":[1,]}",           "{,}",
        "{\"a\" 1}",              "{'a':1}",                "{\"a\":\"\\x\"}",
        "{\"a\":\"\\u12\"}",      "{\"a\":\"\\uD800\"}",    "{\"a\":\"\\uDC00\"}",
        "{\"a\":\"\\uD800\\u0041\"}",
        std::string("{\"a\":\"\x01\"}"),        // raw control character
        std::string("{\"a\":\"\xff\"}"),        // invalid UTF-8 byte
        std::string("{\"a\":\"\xc0\xaf\"}"),    // overlong
        std::string("{\"a\":\"\xed\xa0\x80\"}"),  // UTF-8-encoded surrogate
        std::string("{\"a\":\"\xf4\x90\x80\x80\"}"),  // above U+10FFFF
        std::string("{\"a\":\"\xe2\x82\"}"),    // truncated sequence
        std::string("{\"a\":\"x\0\"}", 10),     // NUL byte
        std::string(40, '[') + std::string(40, ']'),
    };
    for (const auto& data : bad_data) {
        const std::string text = head + data + "}";
        INFO(text);
        CHECK_FALSE(peek_signal(text));
        CHECK_FALSE(parse_client_message(text).ok());  // the full parser refuses them too
    }
    // Trailing bytes after the object, or nothing around it.
    for (const std::string& text : {head + "{}} x", head + "{}}}", head + "{}", std::string("{}"), std::string("")}) {
        INFO(text);
        CHECK_FALSE(peek_signal(text));
    }
}

TEST_CASE("peek_signal agrees with the full parser on edge cases it accepts", "[protocol]") {
    const std::string head = R"({"type":"signal","to":"a","data":)";
    const std::string good_data[] = {
        "{}",
        " { } ",
        "{\"a\":\"\\uD83D\\uDE00 \\u0000 \\\" \\\\ \\b\\f\\n\\r\\t\"}",
        "{\"n\":[0,-0,1.5e-400,123456789012345678901234567890,-9223372036854775808,1E+2]}",
        std::string("{\"u\":\"\xf0\x9f\x98\x80 \xe2\x82\xac \xc3\xa9 \xed\x9f\xbf \xf4\x8f\xbf\xbf\"}"),
        "{\"deep\":" + std::string(30, '[') + std::string(30, ']') + "}",  // 32 levels in all
        "{\"t\":true,\"f\":false,\"z\":null,\"o\":{\"type\":\"signal\",\"to\":\"x\"}}",
    };
    for (const auto& data : good_data) {
        const std::string text = head + data + "}";
        INFO(text);
        const auto signal = peek_signal(text);
        REQUIRE(signal);
        CHECK(signal->data == std::string_view(data).substr(data.find('{'), data.rfind('}') - data.find('{') + 1));
        check_agrees_with_full_parser(text);
    }
    // One level deeper than the parser allows: declined (the full parser says bad-message).
    const std::string too_deep = head + "{\"deep\":" + std::string(31, '[') + std::string(31, ']') + "}}";
    CHECK_FALSE(peek_signal(too_deep));
    CHECK(parse_client_message(too_deep).error().code == code::kBadMessage);
}
