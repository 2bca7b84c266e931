// Control messages: round trips and typed errors for every malformed shape.
#include <catch2/catch.hpp>

#include "transfer/limits.hpp"
#include "transfer/messages.hpp"

using namespace peerline::transfer;
using nlohmann::json;

namespace {
json parse_json(const std::string& text) {
    json j = json::parse(text, nullptr, false);
    REQUIRE_FALSE(j.is_discarded());
    return j;
}
std::string error_code(const std::string& text) {
    auto parsed = parse_message(parse_json(text));
    REQUIRE_FALSE(parsed.ok());
    return parsed.error().code;
}
}  // namespace

TEST_CASE("every control message survives serialize → parse") {
    const std::vector<Message> all = {
        OfferMessage{"t1", {{"a.txt", 3, "text/plain"}, {"caf\xC3\xA9.bin", 0, ""}}},
        AcceptMessage{"t2"},
        DeclineMessage{"t3", ""},
        DeclineMessage{"t3", "too large"},
        CancelMessage{"t4", Role::receiver},
        FailedMessage{"t5", Role::sender, 2, "disk"},
        FailedMessage{"t5", Role::receiver, -1, "x"},
        VerifiedMessage{"t999999999", 7, std::string(32, 'a')},
    };
    for (const auto& m : all) {
        const std::string text = serialize(m);
        auto parsed = parse_message(parse_json(text));
        REQUIRE(parsed.ok());
        CHECK(serialize(parsed.value()) == text);
        CHECK(parsed.value().index() == m.index());
    }
    const auto offer = std::get<OfferMessage>(parse_message(parse_json(serialize(all[0]))).value());
    CHECK(offer.files[1].name == "caf\xC3\xA9.bin");
    CHECK(offer.files[0].size == 3);
}

TEST_CASE("only \"transfer-\" messages are ours") {
    CHECK(is_transfer_message(parse_json(R"({"type":"transfer-accept","transfer":"t1"})")));
    CHECK_FALSE(is_transfer_message(parse_json(R"({"type":"chat","text":"hi"})")));
    CHECK_FALSE(is_transfer_message(parse_json(R"({"type":7})")));
    CHECK_FALSE(is_transfer_message(parse_json(R"(["transfer-offer"])")));
    CHECK(error_code(R"({"type":"chat"})") == message_error::kNotTransfer);
}

TEST_CASE("transfer ids are t1 .. t999999999") {
    std::uint32_t n = 0;
    CHECK(parse_transfer_id("t1", n));
    CHECK(n == 1);
    CHECK(parse_transfer_id("t999999999", n));
    CHECK(n == 999999999);
    for (const char* bad : {"", "t", "t0", "t01", "x1", "t1a", "t-1", "t1000000000", "T1", "in-t1"}) {
        CHECK_FALSE(parse_transfer_id(bad, n));
    }
    CHECK(error_code(R"({"type":"transfer-accept","transfer":"../t1"})") == message_error::kBadField);
    CHECK(error_code(R"({"type":"transfer-accept","transfer":1})") == message_error::kBadField);
    CHECK(error_code(R"({"type":"transfer-accept"})") == message_error::kBadField);
}

TEST_CASE("malformed offers are typed errors") {
    CHECK(error_code(R"({"type":"transfer-offer","transfer":"t1"})") == message_error::kBadField);
    CHECK(error_code(R"({"type":"transfer-offer","transfer":"t1","files":[]})") == message_error::kBadField);
    CHECK(error_code(R"({"type":"transfer-offer","transfer":"t1","files":[1]})") == message_error::kBadField);
    CHECK(error_code(R"({"type":"transfer-offer","transfer":"t1","files":[{"size":1}]})") == message_error::kBadField);
    CHECK(error_code(R"({"type":"transfer-offer","transfer":"t1","files":[{"name":"a","size":-1}]})") == message_error::kBadField);
    CHECK(error_code(R"({"type":"transfer-offer","transfer":"t1","files":[{"name":"a","size":1.5}]})") == message_error::kBadField);
    CHECK(error_code(R"({"type":"transfer-offer","transfer":"t1","files":[{"name":"a","size":"1"}]})") == message_error::kBadField);
    CHECK(error_code(R"({"type":"transfer-offer","transfer":"t1","files":[{"name":"a","size":1e30}]})") == message_error::kBadField);
    json many = parse_json(R"({"type":"transfer-offer","transfer":"t1","files":[]})");
    for (std::size_t i = 0; i <= kMaxFilesPerOffer; ++i) many["files"].push_back(json{{"name", "f"}, {"size", 1}});
    auto parsed = parse_message(many);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().code == message_error::kTooMany);
}

TEST_CASE("other malformed messages are typed errors") {
    CHECK(error_code(R"({"type":"transfer-nonsense","transfer":"t1"})") == message_error::kUnknownType);
    CHECK(error_code(R"({"type":"transfer-cancel","transfer":"t1"})") == message_error::kBadField);
    CHECK(error_code(R"({"type":"transfer-cancel","transfer":"t1","from":"me"})") == message_error::kBadField);
    CHECK(error_code(R"({"type":"transfer-verified","transfer":"t1","file":0,"xxh3":"abc"})") == message_error::kBadField);
    CHECK(error_code(R"({"type":"transfer-verified","transfer":"t1","file":100000,"xxh3":"00000000000000000000000000000000"})") == message_error::kBadField);
    CHECK(error_code(R"({"type":"transfer-failed","transfer":"t1","from":"sender","file":100000})") == message_error::kBadField);
}

TEST_CASE("sizes built in C++ as signed integers count when they are not negative") {
    json offer{{"type", "transfer-offer"}, {"transfer", "t1"}, {"files", json::array({json{{"name", "a"}, {"size", 5}}})}};
    auto parsed = parse_message(offer);
    REQUIRE(parsed.ok());
    CHECK(std::get<OfferMessage>(parsed.value()).files[0].size == 5);
    offer["files"][0]["size"] = -5;
    CHECK_FALSE(parse_message(offer).ok());
}
