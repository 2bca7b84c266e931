// ICE candidate lines (RFC 8839 §5.1, RFC 6544 §4.5) as browsers write them.
#include <catch2/catch.hpp>

#include "corpus.hpp"
#include "sdp/candidate.hpp"

using namespace peerline::sdp;

TEST_CASE("Chrome host UDP candidate with generation and network-id") {
    auto c = parse_candidate("candidate:1037404597 1 udp 2122194687 192.0.2.2 35689 typ host generation 0 network-id 1");
    REQUIRE(c.ok());
    CHECK(c.value().foundation == "1037404597");
    CHECK(c.value().component == 1);
    CHECK(c.value().is_udp());
    CHECK(c.value().priority == 2122194687u);
    CHECK(c.value().address == "192.0.2.2");
    CHECK(c.value().port == 35689);
    CHECK(c.value().type == CandidateType::host);
    REQUIRE(c.value().extension("network-id") != nullptr);
    CHECK(*c.value().extension("network-id") == "1");
    CHECK(c.value().extension("generation") != nullptr);
}

TEST_CASE("TCP active candidate, IPv6 address") {
    auto c = parse_candidate("a=candidate:1147668381 1 tcp 1518285567 fd00::2 9 typ host tcptype active generation 0 network-id 2");
    REQUIRE(c.ok());
    CHECK(c.value().is_tcp());
    CHECK(c.value().address == "fd00::2");
    CHECK(c.value().tcp_type == TcpType::active);
}

TEST_CASE("srflx and relay carry raddr/rport, Firefox writes UDP in capitals") {
    auto srflx = parse_candidate("candidate:1 1 UDP 1686052863 203.0.113.7 50100 typ srflx raddr 198.51.100.20 rport 50100");
    REQUIRE(srflx.ok());
    CHECK(srflx.value().is_udp());
    CHECK(srflx.value().type == CandidateType::srflx);
    CHECK(srflx.value().related_address == std::optional<std::string>("198.51.100.20"));
    CHECK(srflx.value().related_port == std::optional<std::uint16_t>(50100));

    auto relay = parse_candidate("candidate:3 1 udp 41885439 198.51.100.99 61000 typ relay raddr 203.0.113.7 rport 50100 generation 0 ufrag Abcd network-cost 50");
    REQUIRE(relay.ok());
    CHECK(relay.value().type == CandidateType::relay);
    CHECK(*relay.value().extension("ufrag") == "Abcd");
}

TEST_CASE("mDNS host candidate") {
    auto c = parse_candidate("candidate:2953574423 1 udp 2113937151 0b6d3a7c-5d0e-4f43-9bd8-0f4bd8b2d0c1.local 58226 typ host generation 0 network-cost 999");
    REQUIRE(c.ok());
    CHECK(c.value().address == "0b6d3a7c-5d0e-4f43-9bd8-0f4bd8b2d0c1.local");
}

TEST_CASE("to_string writes a candidate back in canonical order") {
    const std::string text = "candidate:1 1 UDP 1686052863 203.0.113.7 50100 typ srflx raddr 198.51.100.20 rport 50100 generation 0";
    auto c = parse_candidate(text);
    REQUIRE(c.ok());
    CHECK(to_string(c.value()) == text);
    const std::string printed = to_string(c.value());  // named: the parsed candidate views it
    auto again = parse_candidate(printed);
    REQUIRE(again.ok());
    CHECK(again.value().priority == c.value().priority);
}

TEST_CASE("every candidate in the corpus parses and is typed") {
    using namespace peerline::sdp::test;
    std::size_t total = 0;
    for (const auto& name : fixture_names()) {
        for (const auto& s : fixture(name).media) {
            for (const auto& c : s.candidates) {
                ++total;
                CHECK((c.is_udp() || c.is_tcp()));
                // RTP; Firefox's offers also gather RTCP (component 2) until rtcp-mux is agreed.
                CHECK((c.component == 1 || (c.component == 2 && name.rfind("firefox", 0) == 0)));
                if (c.type == CandidateType::srflx) CHECK(c.related_address.has_value());
            }
        }
    }
    CHECK(total > 20);
}

TEST_CASE("malformed candidates are refused with the field named") {
    const std::pair<const char*, const char*> cases[] = {
        {"", "candidate:"},
        {"candidate:1 1 udp 1 1.2.3.4 5 typ", "8 required"},
        {"candidate:1 0 udp 1 1.2.3.4 5 typ host", "component"},
        {"candidate:1 1 udp -5 1.2.3.4 5 typ host", "priority"},
        {"candidate:1 1 udp 99999999999 1.2.3.4 5 typ host", "priority"},
        {"candidate:1 1 udp 1 1.2.3.4 65536 typ host", "port"},
        {"candidate:1 1 udp 1 1.2.3.4 5 type host", "typ"},
        {"candidate:1 1 udp 1 1.2.3.4 5 typ bogus", "type"},
        {"candidate:1 1 udp 1 1.2.3.4 5 typ srflx raddr", "without a value"},
        {"candidate:1 1 udp 1 1.2.3.4 5 typ srflx rport x1", "rport"},
        {"candidate:1 1 tcp 1 1.2.3.4 5 typ host tcptype sideways", "tcptype"},
        {"candidate:1 1 udp 1 1.2.<3>.4 5 typ host", "address"},
        {"candidate:f\xC3\xB6\xC3\xB6 1 udp 1 1.2.3.4 5 typ host", "foundation"},
    };
    for (const auto& [text, reason] : cases) {
        INFO(text);
        auto c = parse_candidate(text);
        REQUIRE_FALSE(c.ok());
        CHECK(c.error().code == "sdp-bad-candidate");
        CHECK_THAT(c.error().message, Catch::Contains(reason));
    }
}

TEST_CASE("a candidate with too many extensions or bytes is refused") {
    std::string many = "candidate:1 1 udp 1 1.2.3.4 5 typ host";
    for (int i = 0; i < 40; ++i) many += " x" + std::to_string(i) + " 1";
    CHECK_FALSE(parse_candidate(many).ok());
    CHECK_FALSE(parse_candidate("candidate:1 1 udp 1 1.2.3.4 5 typ host" + std::string(2000, 'x')).ok());
}
