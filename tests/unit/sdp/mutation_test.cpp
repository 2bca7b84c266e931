// Real descriptions, damaged on purpose: every mutation ends in a value or a typed error
// whose message names the line, never in a crash.
#include <catch2/catch.hpp>

#include "corpus.hpp"
#include "sdp/limits.hpp"
#include "sdp/validate.hpp"

using namespace peerline::sdp;
using namespace peerline::sdp::test;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0, end;
    while ((end = text.find("\r\n", start)) != std::string::npos) {
        lines.push_back(text.substr(start, end - start));
        start = end + 2;
    }
    return lines;
}

std::string join(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += l + "\r\n";
    return out;
}

std::string replace_line(const std::string& text, const std::string& prefix, const std::string& replacement, std::size_t* line_number = nullptr) {
    auto lines = lines_of(text);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].rfind(prefix, 0) == 0) {
            lines[i] = replacement;
            if (line_number) *line_number = i + 1;
            return join(lines);
        }
    }
    FAIL("no line starts with " << prefix);
    return text;
}

}  // namespace

TEST_CASE("dropping any single line never crashes and round-trips when it parses") {
    for (const auto& name : fixture_names()) {
        const auto lines = lines_of(fixture_text(name));
        for (std::size_t drop = 0; drop < lines.size(); ++drop) {
            auto copy = lines;
            copy.erase(copy.begin() + static_cast<std::ptrdiff_t>(drop));
            const std::string text = join(copy);
            auto parsed = parse(text);
            if (parsed) {
                CHECK(serialize(parsed.value()) == text);
            } else {
                CHECK_THAT(parsed.error().message, Catch::StartsWith("line "));
            }
        }
    }
}

TEST_CASE("dropping required session lines is an error naming a line") {
    const std::string text = fixture_text("chrome-audio-video-offer");
    for (const char* prefix : {"v=", "o=", "s=", "t="}) {
        auto lines = lines_of(text);
        lines.erase(std::remove_if(lines.begin(), lines.end(), [&](const std::string& l) { return l.rfind(prefix, 0) == 0; }), lines.end());
        auto parsed = parse(join(lines));
        INFO(prefix);
        REQUIRE_FALSE(parsed.ok());
        CHECK(parsed.error().code == "sdp-syntax");
        CHECK_THAT(parsed.error().message, Catch::StartsWith("line "));
    }
}

TEST_CASE("bad numbers are refused with the line number") {
    const std::string text = fixture_text("chrome-audio-video-offer");
    const std::pair<const char*, const char*> cases[] = {
        {"a=rtpmap:111 ", "a=rtpmap:300 opus/48000/2"},
        {"a=rtpmap:111 ", "a=rtpmap:111 opus/fast/2"},
        {"a=rtpmap:111 ", "a=rtpmap:111 opus/48000/0"},
        {"a=fmtp:111 ", "a=fmtp:-1 minptime=10"},
        {"a=rtcp-fb:96 ", "a=rtcp-fb:x nack"},
        {"m=audio ", "m=audio 70000 UDP/TLS/RTP/SAVPF 111"},
        {"m=audio ", "m=audio 9 UDP/TLS/RTP/SAVPF 111 opus"},
        {"o=", "o=- 1 two IN IP4 127.0.0.1"},
        {"t=", "t=0"},
        {"a=ssrc:", "a=ssrc:99999999999 cname:x"},
        {"a=ssrc-group:", "a=ssrc-group:FID 1 x"},
        {"a=extmap:1 ", "a=extmap:0 urn:x"},
        {"a=setup:", "a=setup:maybe"},
        {"a=fingerprint:", "a=fingerprint:sha-256 ZZ:11"},
        {"a=candidate:", "a=candidate:1 1 udp 1 1.2.3.4 99999 typ host"},
        {"c=", "c=IN IP4"},
    };
    for (const auto& [prefix, replacement] : cases) {
        std::size_t line = 0;
        const std::string mutated = replace_line(text, prefix, replacement, &line);
        auto parsed = parse(mutated);
        INFO(replacement);
        REQUIRE_FALSE(parsed.ok());
        CHECK(parsed.error().code == "sdp-syntax");
        CHECK_THAT(parsed.error().message, Catch::StartsWith("line " + std::to_string(line) + ": "));
    }
}

TEST_CASE("huge counts hit the caps, not the allocator") {
    const std::string base = fixture_text("chrome-datachannel-offer");

    SECTION("oversized description") {
        std::string big = base;
        while (big.size() <= kMaxDescriptionBytes) big += "a=x-padding:" + std::string(1000, 'p') + "\r\n";
        auto parsed = parse(big);
        REQUIRE_FALSE(parsed.ok());
        CHECK(parsed.error().code == "sdp-oversized");
        auto validated = validate_remote(big, {});
        REQUIRE_FALSE(validated.ok());
        CHECK(validated.error().code == errors::kOversized);
    }
    SECTION("too many lines") {
        std::string many = base;
        for (std::size_t i = 0; i <= kMaxLines; ++i) many += "a=x\r\n";
        auto parsed = parse(many);
        REQUIRE_FALSE(parsed.ok());
        CHECK(parsed.error().code == "sdp-oversized");
    }
    SECTION("too many media sections") {
        std::string many = base;
        for (std::size_t i = 0; i <= kMaxMediaSections; ++i) many += "m=audio 0 UDP/TLS/RTP/SAVPF 0\r\n";
        auto parsed = parse(many);
        REQUIRE_FALSE(parsed.ok());
        CHECK(parsed.error().code == "sdp-oversized");
    }
    SECTION("too many formats on one m= line") {
        std::string formats;
        for (int i = 0; i < 200; ++i) formats += " " + std::to_string(i % 128);
        auto parsed = parse(base + "m=audio 9 UDP/TLS/RTP/SAVPF" + formats + "\r\n");
        REQUIRE_FALSE(parsed.ok());
        CHECK_THAT(parsed.error().message, Catch::Contains("128 formats"));
    }
    SECTION("one very long line") {
        auto parsed = parse(base + "a=x:" + std::string(kMaxLineBytes, 'x') + "\r\n");
        REQUIRE_FALSE(parsed.ok());
        CHECK_THAT(parsed.error().message, Catch::Contains("longer than"));
    }
}

TEST_CASE("garbage, empty lines and NUL bytes are syntax errors") {
    for (const std::string& text : {std::string(""), std::string("hello"), std::string("v=1\r\n"),
                                     std::string("v=0\r\n\r\no=- 1 1 IN IP4 0.0.0.0\r\n"), std::string("v=0\r\nX=1\r\n"),
                                     std::string("v=0\r\no=- 1 1 IN IP4 0.0.0.0\0\r\n", 30)}) {  // 30: all of it, NUL too
        auto parsed = parse(text);
        REQUIRE_FALSE(parsed.ok());
        CHECK(parsed.error().code == "sdp-syntax");
        CHECK_THAT(parsed.error().message, Catch::StartsWith("line "));
    }
}

TEST_CASE("truncating a description at every byte never crashes") {
    const std::string text = fixture_text("chrome-audio-video-data-offer");
    for (std::size_t n = 0; n <= text.size(); n += 7) {
        auto parsed = parse(text.substr(0, n));
        if (parsed) CHECK(serialize(parsed.value()) == text.substr(0, n));
    }
}
