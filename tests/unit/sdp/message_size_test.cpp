// The rule that sizes every data-channel message we send (issue 16): never past the smaller of
// our own stack's limit and the peer's, from real Chromium and Firefox descriptions.
#include <catch2/catch.hpp>

#include "corpus.hpp"
#include "sdp/data_channel.hpp"

using namespace peerline::sdp;
using namespace peerline::sdp::test;

namespace {
constexpr std::uint64_t kCeiling = 262165;  // a full chunk frame: 256 KiB + 21 bytes of header
constexpr std::uint64_t kChromium = 262144;
constexpr std::uint64_t kFirefox = 1073741823;

DataChannelTransport transport_of(const char* name) {
    auto t = data_channel_transport(fixture(name));
    REQUIRE(t);
    return *t;
}
}  // namespace

TEST_CASE("Chromium to Firefox: Chromium's own 262144 bounds the message, not Firefox's advertised limit") {
    const auto chromium = transport_of("chrome-datachannel-offer");
    const auto firefox = transport_of("firefox-datachannel-answer");
    REQUIRE(chromium.max_message_size == kChromium);
    REQUIRE(firefox.max_message_size == kFirefox);
    // The defect: sized from the remote alone, Chromium sent 262165-byte frames and send() threw.
    CHECK(largest_sendable_message({firefox, kChromium, 0}, kCeiling) == kChromium);
    // Firefox to Chromium: the peer's limit is the smaller one.
    CHECK(largest_sendable_message({chromium, kFirefox, 0}, kCeiling) == kChromium);
    // Both Firefox: our own chunk size is the bound.
    CHECK(largest_sendable_message({firefox, kFirefox, 0}, kCeiling) == kCeiling);
}

TEST_CASE("RTCSctpTransport.maxMessageSize, where the browser has it, decides") {
    const auto firefox = transport_of("firefox-datachannel-answer");
    CHECK(largest_sendable_message({firefox, 0, kChromium}, kCeiling) == kChromium);
    CHECK(largest_sendable_message({firefox, kChromium, 70000}, kCeiling) == 70000);
    CHECK(largest_sendable_message({std::nullopt, 0, kFirefox}, kCeiling) == kCeiling);
}

TEST_CASE("absent and zero limits follow RFC 8841 §6") {
    DataChannelTransport silent;  // a data section without a=max-message-size
    CHECK(largest_sendable_message({silent, 0, 0}, kCeiling) == 65536);
    DataChannelTransport unlimited;
    unlimited.max_message_size = 0;  // 0: any size
    unlimited.max_message_size_given = true;
    CHECK(largest_sendable_message({unlimited, 0, 0}, kCeiling) == kCeiling);
    CHECK(largest_sendable_message({unlimited, kChromium, 0}, kCeiling) == kChromium);
    // No remote description yet: the peer is assumed to take 64 KiB.
    CHECK(largest_sendable_message({std::nullopt, kChromium, 0}, kCeiling) == 65536);
    // A smaller ceiling always wins.
    CHECK(largest_sendable_message({unlimited, 0, 0}, 16384) == 16384);
}
