// Remote descriptions that cannot work are refused with a stable code and a readable reason.
#include <catch2/catch.hpp>

#include "corpus.hpp"
#include "sdp/validate.hpp"

using namespace peerline::sdp;
using namespace peerline::sdp::test;

namespace {

std::string without_lines(std::string text, const std::string& prefix) {
    std::string out;
    std::size_t start = 0, end;
    while ((end = text.find("\r\n", start)) != std::string::npos) {
        const std::string line = text.substr(start, end - start);
        if (line.rfind(prefix, 0) != 0) out += line + "\r\n";
        start = end + 2;
    }
    return out;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) text.replace(at, from.size(), to);
    return text;
}

const Capabilities& chrome_capabilities() {
    static const Capabilities caps = capabilities_of(fixture("chrome-audio-video-data-offer"));
    return caps;
}

}  // namespace

TEST_CASE("every fixture is accepted by Chrome's capabilities") {
    for (const auto& name : fixture_names()) {
        INFO(name);
        auto checked = validate_remote(fixture_text(name), chrome_capabilities());
        INFO((checked ? "" : checked.error().message));
        CHECK(checked.ok());
    }
}

TEST_CASE("missing fingerprint") {
    for (const char* name : {"chrome-audio-video-offer", "firefox-audio-video-data-offer"}) {
        auto checked = validate_remote(without_lines(fixture_text(name), "a=fingerprint:"), chrome_capabilities());
        REQUIRE_FALSE(checked.ok());
        CHECK(checked.error().code == errors::kMissingFingerprint);
        CHECK_THAT(checked.error().message, Catch::Contains("no DTLS fingerprint"));
    }
}

TEST_CASE("missing or malformed ICE credentials") {
    auto no_pwd = validate_remote(without_lines(fixture_text("safari-datachannel-answer"), "a=ice-pwd:"), chrome_capabilities());
    REQUIRE_FALSE(no_pwd.ok());
    CHECK(no_pwd.error().code == errors::kMissingIceCredentials);

    const Description d = fixture("chrome-datachannel-answer");
    const std::string short_pwd = replaced(fixture_text("chrome-datachannel-answer"), "a=ice-pwd:" + std::string(d.media[0].ice_pwd), "a=ice-pwd:short");
    auto bad = validate_remote(short_pwd, chrome_capabilities());
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == errors::kMissingIceCredentials);
    CHECK_THAT(bad.error().message, Catch::Contains("22-256"));
}

TEST_CASE("unsupported protocol") {
    const std::string plain = replaced(fixture_text("chrome-audio-video-offer"), "UDP/TLS/RTP/SAVPF", "RTP/AVP");
    auto checked = validate_remote(plain, chrome_capabilities());
    REQUIRE_FALSE(checked.ok());
    CHECK(checked.error().code == errors::kUnsupportedProtocol);
    CHECK_THAT(checked.error().message, Catch::Contains("RTP/AVP"));
    CHECK_THAT(checked.error().message, Catch::Contains("media section 1 (audio, mid 0)"));
}

TEST_CASE("no common audio codec") {
    // The AMR section joins the BUNDLE group and so shares the data section's transport.
    std::string text = replaced(fixture_text("chrome-datachannel-answer"), "a=group:BUNDLE 0", "a=group:BUNDLE 0 1");
    const std::string amr = "m=audio 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:1\r\na=rtcp-mux\r\na=rtpmap:96 AMR-WB/16000\r\n";
    auto checked = validate_remote(text + amr, chrome_capabilities());
    REQUIRE_FALSE(checked.ok());
    CHECK(checked.error().code == errors::kNoCommonAudioCodec);
    CHECK_THAT(checked.error().message, Catch::Contains("AMR-WB"));
    CHECK_THAT(checked.error().message, Catch::Contains("opus"));
}

TEST_CASE("rejected sections are not checked, and all rejected means no media") {
    const std::string text = fixture_text("chrome-datachannel-answer");
    const Description d = fixture("chrome-datachannel-answer");
    const std::string rejected = replaced(text, "m=application " + std::to_string(d.media[0].port), "m=application 0");
    auto checked = validate_remote(rejected, chrome_capabilities());
    REQUIRE_FALSE(checked.ok());
    CHECK(checked.error().code == errors::kNoMedia);
}

TEST_CASE("syntax errors pass through with their line") {
    auto checked = validate_remote("v=0\r\no=broken\r\n", chrome_capabilities());
    REQUIRE_FALSE(checked.ok());
    CHECK(checked.error().code == errors::kSyntax);
    CHECK_THAT(checked.error().message, Catch::StartsWith("line 2: "));
}

TEST_CASE("views stay valid in copied sections and in capabilities after the description is gone") {
    // The model's text fields view the description's shared buffer (docs/sdp.md): copies and
    // Capabilities keep it alive, which the call relies on for its last local capabilities.
    MediaSection video;
    Capabilities caps;
    {
        const Description d = fixture("chrome-audio-video-offer");
        video = d.media[1];
        caps = capabilities_of(d);
    }
    CHECK(video.mid == "1");
    CHECK(video.codecs.front().name == "VP8");
    CHECK(video.lines.front().value.substr(0, 11) == "video 53898");
    REQUIRE(!caps.audio.empty());
    CHECK(caps.audio.front().name == "opus");
    CHECK(caps.audio.front().fmtp == "minptime=10;useinbandfec=1");
}
