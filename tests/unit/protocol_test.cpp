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
