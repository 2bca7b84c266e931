#include <catch2/catch.hpp>

#include "signal.hpp"

using namespace peerline;
using nlohmann::json;

TEST_CASE("every payload kind round-trips", "[signal]") {
    const signal::Payload payloads[] = {
        signal::Offer{"c1", "v=0\r\n"},
        signal::Answer{"c1", "v=0\r\n"},
        signal::Candidate{"c1", "candidate:1 1 udp 1 127.0.0.1 9 typ host", "0", 0},
        signal::Ringing{"c1"},
        signal::Accepted{"c1"},
        signal::MediaState{"c1", true, false},
        signal::Hangup{"c1", "busy"},
        signal::LinkRequest{"c1"},
    };
    for (const auto& p : payloads) {
        auto back = signal::parse(signal::to_json(p));
        REQUIRE(back.ok());
        CHECK(back.value().index() == p.index());
        CHECK(signal::call_id(back.value()) == "c1");
    }
}

TEST_CASE("malformed signal payloads are refused with a reason", "[signal]") {
    const json bad[] = {
        json::array(),
        json{{"kind", "offer"}},
        json{{"kind", "offer"}, {"call", "c"}},
        json{{"kind", "offer"}, {"call", "c"}, {"sdp", ""}},
        json{{"kind", "offer"}, {"call", "c"}, {"sdp", std::string(signal::kMaxSdpBytes + 1, 'x')}},
        json{{"kind", "candidate"}, {"call", "c"}, {"candidate", "x"}, {"mid", "0"}, {"mline", -1}},
        json{{"kind", "candidate"}, {"call", "c"}, {"candidate", "x"}, {"mid", "0"}},
        json{{"kind", "teleport"}, {"call", "c"}},
        json{{"kind", "hangup"}, {"call", ""}},
    };
    for (const auto& j : bad) {
        INFO(j.dump());
        auto r = signal::parse(j);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == "bad-signal");
    }
}
