// Edits touch exactly the lines they name.
#include <catch2/catch.hpp>

#include "corpus.hpp"
#include "sdp/edit.hpp"

using namespace peerline::sdp;
using namespace peerline::sdp::test;

TEST_CASE("set_format_order rewrites only the m= line") {
    Description d = fixture("chrome-audio-video-offer");
    const std::string before = serialize(d);
    REQUIRE(set_format_order(d.media[0], {"9", "111", "0"}).ok());
    CHECK(d.media[0].formats == std::vector<std::string_view>{"9", "111", "0"});
    CHECK(d.media[0].codecs.size() == 3);
    CHECK(d.media[0].codecs[1].name == "opus");
    const std::string after = serialize(d);
    CHECK(after.find("m=audio 35689 UDP/TLS/RTP/SAVPF 9 111 0\r\n") != std::string::npos);
    CHECK(before.size() - after.size() == std::string(" 63 8 13 110 126").size());
}

TEST_CASE("set_format_order refuses unknown or repeated formats") {
    Description d = fixture("chrome-audio-video-offer");
    CHECK_FALSE(set_format_order(d.media[0], {"111", "111"}).ok());
    CHECK_FALSE(set_format_order(d.media[0], {"42"}).ok());
    CHECK_FALSE(set_format_order(d.media[0], {}).ok());
}

TEST_CASE("set_format_parameters replaces in place and adds new fmtp after rtpmap") {
    Description d = fixture("chrome-audio-video-offer");
    REQUIRE(set_format_parameters(d.media[0], 111, {{"useinbandfec", "0"}, {"stereo", "1"}}).ok());
    CHECK(d.media[0].codec(111)->fmtp == "minptime=10;useinbandfec=0;stereo=1");
    REQUIRE(set_format_parameters(d.media[0], 9, {{"x", "1"}}).ok());
    CHECK(d.media[0].codec(9)->fmtp == "x=1");
    const std::string text = serialize(d);
    CHECK(text.find("a=rtpmap:9 G722/8000\r\na=fmtp:9 x=1\r\n") != std::string::npos);
    CHECK_FALSE(set_format_parameters(d.media[0], 77, {{"x", "1"}}).ok());
}

TEST_CASE("edits on an unterminated last line keep the text well-formed") {
    std::string text = fixture_text("chrome-datachannel-answer");
    text.resize(text.size() - 2);
    auto parsed = parse(text);
    REQUIRE(parsed.ok());
    Description d = std::move(parsed).value();
    REQUIRE(set_attribute(d.media[0], "x-test", "1").ok());
    const std::string out = serialize(d);
    CHECK(out.substr(out.size() - 10) == "a=x-test:1");
    CHECK(out.find("a=max-message-size:262144\r\na=x-test:1") != std::string::npos);
}
