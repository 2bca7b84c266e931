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
        signal::Refused{"c1", "a candidate needs a `mid` or an `mline`"},
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
        json{{"kind", "candidate"}, {"call", "c"}, {"candidate", "x"}},  // neither mid nor mline
        json{{"kind", "candidate"}, {"call", "c"}, {"candidate", "x"}, {"mid", nullptr}, {"mline", nullptr}},
        json{{"kind", "candidate"}, {"call", "c"}, {"candidate", "x"}, {"mid", std::string(65, 'm')}},
        json{{"kind", "candidate"}, {"call", "c"}, {"candidate", "x"}, {"mid", 0}},
        json{{"kind", std::string(33, 'k')}, {"call", "c"}},
        json{{"kind", "ringing"}, {"call", std::string(129, 'c')}},
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

TEST_CASE("candidates as the WebRTC API gives them: sdpMid or sdpMLineIndex may be null", "[signal]") {
    auto by_index = signal::parse(json{{"kind", "candidate"}, {"call", "c"}, {"candidate", "candidate:1 1 udp 1 127.0.0.1 9 typ host"},
                                       {"mid", nullptr}, {"mline", 0}});
    REQUIRE(by_index.ok());
    const auto& c = std::get<signal::Candidate>(by_index.value());
    CHECK(c.mid.empty());
    CHECK(c.mline_index == 0);

    auto by_mid = signal::parse(json{{"kind", "candidate"}, {"call", "c"}, {"candidate", "candidate:1 1 udp 1 127.0.0.1 9 typ host"},
                                     {"mid", std::string(64, 'm')}});
    REQUIRE(by_mid.ok());
    CHECK(std::get<signal::Candidate>(by_mid.value()).mline_index < 0);
    // Written back without an index, never as a made-up 0.
    CHECK_FALSE(signal::to_json(by_mid.value()).contains("mline"));

    // End of candidates needs neither.
    CHECK(signal::parse(json{{"kind", "candidate"}, {"call", "c"}, {"candidate", ""}}).ok());
}

TEST_CASE("a refusal is read even without a usable call id, its reason is bounded", "[signal]") {
    auto r = signal::parse(json{{"kind", "refused"}, {"reason", "no"}});
    REQUIRE(r.ok());
    CHECK(std::get<signal::Refused>(r.value()).call.empty());
    auto long_reason = signal::parse(json{{"kind", "refused"}, {"call", "c"}, {"reason", std::string(201, 'r')}});
    REQUIRE(long_reason.ok());
    CHECK(std::get<signal::Refused>(long_reason.value()).reason.empty());
    CHECK(signal::readable_call(json{{"kind", 3}, {"call", "c-9"}}) == "c-9");
    CHECK(signal::readable_call(json{{"call", std::string(129, 'c')}}).empty());
}
