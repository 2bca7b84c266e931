// A malformed signal from a peer is answered with a typed `refused` signal and shown on both
// pages (docs/protocol.md "The signal.data payload"); it changes no call or link.
#include <catch2/catch.hpp>

#include "call_helpers.hpp"

using namespace peerline;
using namespace peerline::testing;

TEST_CASE("a malformed signal is refused back to its sender, and both pages say so", "[signal]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    // A candidate naming no section: neither mid nor mline.
    w.server_says(bob, signal_from(w, ada, {{"kind", "candidate"}, {"call", "ada-7"}, {"candidate", "candidate:1"}}));

    const auto sent = w.actions<SendToServer>(bob);
    REQUIRE_FALSE(sent.empty());
    auto message = nlohmann::json::parse(sent.back().text);
    CHECK(message["type"] == "signal");
    CHECK(message["to"] == w.id(ada));
    CHECK(message["data"]["kind"] == "refused");
    CHECK(message["data"]["call"] == "ada-7");
    CHECK_THAT(message["data"]["reason"].get<std::string>(), Catch::Contains("`mid` or an `mline`"));
    CHECK_THAT(w.view(bob).notice, Catch::StartsWith("A message from Ada could not be used: "));
    CHECK_THAT(w.view(ada).notice, Catch::StartsWith("Bob's page could not use a message from this page: "));
    // A refusal is never answered: Ada sent nothing back.
    for (const auto& a : w.actions<SendToServer>(ada)) CHECK(a.text.find("refused") == std::string::npos);
    CHECK(phase(w, ada) == CallPhase::idle);
    CHECK(phase(w, bob) == CallPhase::idle);
}

TEST_CASE("a malformed signal during a call leaves the call as it was", "[signal]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    connect(w, ada, bob, true);
    REQUIRE(phase(w, ada) == CallPhase::connected);
    std::string call_id;  // from Ada's offer
    for (const auto& a : w.actions<SendToServer>(ada)) {
        auto m = nlohmann::json::parse(a.text);
        if (m.value("type", "") == "signal" && m["data"].value("kind", "") == "offer") call_id = m["data"]["call"].get<std::string>();
    }
    REQUIRE_FALSE(call_id.empty());
    w.server_says(ada, signal_from(w, bob, {{"kind", "offer"}, {"call", call_id}, {"sdp", ""}}));
    CHECK(phase(w, ada) == CallPhase::connected);
    CHECK(phase(w, bob) == CallPhase::connected);
    CHECK_THAT(w.view(bob).notice, Catch::Contains("needs an `sdp`"));
}

TEST_CASE("a flood of malformed signals gets a bounded number of refusals", "[signal]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    const auto refusals = [&] {
        std::size_t n = 0;
        for (const auto& a : w.actions<SendToServer>(bob)) n += a.text.find(R"("kind":"refused")") != std::string::npos;
        return n;
    };
    for (int i = 0; i < 20; ++i) w.server_says(bob, signal_from(w, ada, {{"kind", "teleport"}, {"call", "x"}}));
    // Each still shows; only the answers stop, so Bob's own rate limit is not spent on them.
    CHECK(refusals() == 8);
    CHECK_THAT(w.view(bob).notice, Catch::Contains("unknown signal kind"));
}
