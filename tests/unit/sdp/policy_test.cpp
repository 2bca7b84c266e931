// Codec negotiation across browser pairs, and the policy's rewrite of a local description.
#include <catch2/catch.hpp>

#include "corpus.hpp"
#include "sdp/policy.hpp"
#include "sdp/text.hpp"

using namespace peerline::sdp;
using namespace peerline::sdp::test;

namespace {

const MediaSection& section(const Description& d, MediaKind kind) {
    for (const auto& s : d.media) {
        if (s.kind == kind) return s;
    }
    FAIL("no " << to_string(kind) << " section");
    return d.media.front();
}

std::string chosen_name(const std::string& local, const std::string& remote, MediaKind kind, const MediaPolicy& policy = {}) {
    const Description l = fixture(local), r = fixture(remote);
    const auto c = chosen_codec(section(l, kind), section(r, kind), policy);
    return c ? std::string(c->name) : "none";  // copied: c views l, which dies here
}

}  // namespace

TEST_CASE("Opus settings by call mode") {
    const auto voice = opus_settings(CallMode::voice);
    CHECK(voice.inband_fec);
    CHECK(voice.dtx);
    CHECK_FALSE(voice.stereo);
    CHECK(voice.max_average_bitrate == 32000);
    const auto music = opus_settings(CallMode::music);
    CHECK_FALSE(music.dtx);
    CHECK(music.stereo);
    CHECK(music.max_average_bitrate == 128000);
    CHECK(parse_call_mode("music") == CallMode::music);
    CHECK_FALSE(parse_call_mode("loud"));
}

TEST_CASE("negotiation across browser pairs: audio is Opus everywhere") {
    const char* pairs[][2] = {
        {"chrome-audio-video-offer", "firefox-audio-video-answer"},
        {"chrome-audio-video-offer", "firefox-audio-video-data-offer"},
        {"chrome-audio-video-offer", "safari-audio-video-offer"},
        {"firefox-audio-video-data-offer", "chrome-audio-video-answer"},
        {"firefox-audio-video-data-offer", "safari-audio-video-offer"},
        {"safari-audio-video-offer", "chrome-audio-video-offer"},
        {"safari-audio-video-offer", "firefox-audio-video-answer"},
    };
    for (const auto& pair : pairs) {
        INFO(pair[0] << " x " << pair[1]);
        CHECK(text::iequals(chosen_name(pair[0], pair[1], MediaKind::audio), "opus"));
    }
}

TEST_CASE("negotiation across browser pairs: video follows VP9 > VP8 > H264 > AV1 by what both have") {
    // Chrome x Firefox answer: the answer has VP8, VP9 and H264; VP9 wins.
    CHECK(chosen_name("chrome-audio-video-offer", "firefox-audio-video-answer", MediaKind::video) == "VP9");
    // Safari offers H264, H265, VP8, VP9: VP9 again when both support it.
    CHECK(chosen_name("chrome-audio-video-offer", "safari-audio-video-offer", MediaKind::video) == "VP9");
    CHECK(chosen_name("firefox-audio-video-data-offer", "chrome-audio-video-answer", MediaKind::video) == "VP9");

    MediaPolicy h264_first;
    h264_first.video_preference = {"H264", "VP8"};
    const Description chrome = fixture("chrome-audio-video-offer"), safari = fixture("safari-audio-video-offer");
    const auto codecs = negotiated_codecs(section(chrome, MediaKind::video), section(safari, MediaKind::video), h264_first);
    REQUIRE(!codecs.empty());
    CHECK(codecs[0].name == "H264");
    // Only H264 profiles Safari also has (42e01f constrained baseline, pm 1); Chrome's 4d001f
    // (main) and 42001f (baseline) must not be picked as the same format.
    for (const auto& c : codecs) {
        if (c.name != "H264") continue;
        CHECK(c.parameter("profile-level-id")->substr(0, 4) != "4d00");
    }
    // Each rtx follows its primary.
    CHECK(codecs[1].name == "rtx");
    CHECK(codecs[1].associated_payload_type() == codecs[0].payload_type);
}

TEST_CASE("when the other side has only VP8, VP8 is chosen") {
    const Description chrome = fixture("chrome-audio-video-offer");
    Description vp8_only = fixture("chrome-audio-video-answer");
    for (auto& s : vp8_only.media) {
        if (s.kind != MediaKind::video) continue;
        std::vector<Codec> kept;
        for (const auto& c : s.codecs) if (c.name == "VP8" || c.payload_type == 97) kept.push_back(c);
        s.codecs = kept;
    }
    const auto chosen = chosen_codec(section(chrome, MediaKind::video), section(vp8_only, MediaKind::video), {});
    REQUIRE(chosen);
    CHECK(chosen->name == "VP8");
}

TEST_CASE("preferred order puts Opus first and keeps rtx after its primary") {
    Description d = fixture("safari-audio-video-offer");
    const auto video = preferred_format_order(section(d, MediaKind::video), {});
    REQUIRE(video.size() == section(d, MediaKind::video).formats.size());
    CHECK(video[0] == "104");  // VP9 profile 0
    CHECK(video[1] == "105");  // its rtx
    CHECK(video[2] == "106");  // VP9 profile 2
    CHECK(video.back() == "109");  // ulpfec last

    d.media[0].codecs = {d.media[0].codecs[2], d.media[0].codecs[0]};  // G722, opus
    const auto audio = preferred_format_order(d.media[0], {});
    CHECK(audio[0] == "111");
}

TEST_CASE("apply_policy in voice mode writes Opus fmtp and ptime, changes nothing else") {
    Description d = fixture("chrome-audio-video-offer");
    const std::string before = serialize(d);
    REQUIRE(apply_policy(d, {}).ok());
    const Codec& opus = d.media[0].codecs.front();
    CHECK(opus.name == "opus");
    CHECK(opus.fmtp == "minptime=10;useinbandfec=1;usedtx=1;stereo=0;sprop-stereo=0;maxaveragebitrate=32000");
    const std::string after = serialize(d);
    CHECK(after.find("a=ptime:20\r\n") != std::string::npos);
    CHECK(after.find("m=video 53898 UDP/TLS/RTP/SAVPF 98 99 100 101 96 97 ") != std::string::npos);
    CHECK(after.size() > before.size());
    // Still a valid description that parses to the same sections.
    auto reparsed = parse(after);
    REQUIRE(reparsed.ok());
    CHECK(reparsed.value().media.size() == 2);
    CHECK(reparsed.value().media[0].codecs.front().fmtp == opus.fmtp);
}

TEST_CASE("apply_policy in music mode with a bitrate cap writes stereo and b= lines") {
    Description d = fixture("firefox-audio-video-data-offer");
    MediaPolicy policy;
    policy.mode = CallMode::music;
    policy.max_video_bitrate = 1500000;
    REQUIRE(apply_policy(d, policy).ok());
    const Codec& opus = d.media[0].codecs.front();
    CHECK(opus.parameter("stereo") == std::optional<std::string>("1"));
    CHECK(opus.parameter("usedtx") == std::optional<std::string>("0"));
    CHECK(opus.parameter("maxaveragebitrate") == std::optional<std::string>("128000"));
    CHECK(opus.parameter("maxplaybackrate") == std::optional<std::string>("48000"));  // kept
    const MediaSection& video = d.media[1];
    REQUIRE(video.bandwidths.size() == 2);
    CHECK(video.bandwidths[0].type == "AS");
    CHECK(video.bandwidths[0].value == 1500);
    CHECK(video.bandwidths[1].type == "TIAS");
    CHECK(video.bandwidths[1].value == 1500000);
    CHECK(video.lines[1].type == 'c');
    CHECK(video.lines[2].type == 'b');
    CHECK(d.media[2].bandwidths.empty());  // data section untouched

    REQUIRE(apply_policy(d, policy).ok());  // idempotent
    CHECK(d.media[1].bandwidths.size() == 2);
    const auto limits = sender_limits(policy);
    CHECK(limits.audio_max_bitrate == 128000);
    CHECK(limits.video_max_bitrate == std::optional<std::uint32_t>(1500000));
}

TEST_CASE("apply_policy asks the peer to start its video at the policy's bitrate, never above the cap") {
    const auto start_of = [](const MediaSection& video) {
        std::vector<std::string> seen;  // "<name>=<kbit/s or none>" per format, in m= order
        for (const auto& c : video.codecs) {
            seen.push_back(std::string(c.name) + "=" + std::string(c.parameter("x-google-start-bitrate").value_or("none")));
        }
        return seen;
    };
    const auto only = [](const std::vector<std::string>& seen, const std::string& name) {
        std::vector<std::string> out;
        for (const auto& s : seen) {
            if (s.rfind(name + "=", 0) == 0) out.push_back(s.substr(name.size() + 1));
        }
        return out;
    };

    Description d = fixture("chrome-audio-video-offer");
    REQUIRE(apply_policy(d, {}).ok());
    auto seen = start_of(section(d, MediaKind::video));
    CHECK(only(seen, "VP8") == std::vector<std::string>{"800"});  // Chrome's VP8 has no fmtp line: one is added
    CHECK(only(seen, "AV1") == std::vector<std::string>{"800"});
    CHECK(only(seen, "VP9") == std::vector<std::string>(2, "800"));   // profiles 0 and 2
    CHECK(only(seen, "H264") == std::vector<std::string>(6, "800"));  // every profile / packetization mode
    // Repair formats carry no media of their own.
    for (const char* repair : {"rtx", "red", "ulpfec"}) {
        CHECK_FALSE(only(seen, repair).empty());
        for (const auto& v : only(seen, repair)) CHECK(v == "none");
    }
    // H264's own parameters stay, in order, with the start bitrate after them.
    const auto* h264 = section(d, MediaKind::video).codec(102);
    REQUIRE(h264 != nullptr);
    CHECK(h264->fmtp == "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f;x-google-start-bitrate=800");
    CHECK(section(d, MediaKind::audio).codecs.front().parameter("x-google-start-bitrate") == std::nullopt);

    const std::string once = serialize(d);
    REQUIRE(apply_policy(d, {}).ok());
    CHECK(serialize(d) == once);  // replaced, not repeated

    Description capped = fixture("chrome-audio-video-offer");
    MediaPolicy low;
    low.max_video_bitrate = 500000;
    REQUIRE(apply_policy(capped, low).ok());
    CHECK(only(start_of(section(capped, MediaKind::video)), "VP8") == std::vector<std::string>{"500"});

    Description tiny = fixture("chrome-audio-video-offer");
    MediaPolicy under_one_kbit;
    under_one_kbit.max_video_bitrate = 999;  // 0 kbit/s would mean "the default" to libwebrtc
    REQUIRE(apply_policy(tiny, under_one_kbit).ok());
    CHECK(only(start_of(section(tiny, MediaKind::video)), "VP8") == std::vector<std::string>{"none"});

    // A dynamic payload type listed without a=rtpmap has no name: it is left as it is, and the
    // rest of the description is still edited.
    std::string text = fixture_text("chrome-audio-video-offer");
    const std::string m_line = "SAVPF 96 97 102";
    text.replace(text.find(m_line), m_line.size(), "SAVPF 96 97 126 102");
    auto unnamed = parse(text);
    REQUIRE(unnamed.ok());
    Description with_unnamed = std::move(unnamed).value();
    REQUIRE(apply_policy(with_unnamed, {}).ok());
    const auto* nameless = section(with_unnamed, MediaKind::video).codec(126);
    REQUIRE(nameless != nullptr);
    CHECK(nameless->fmtp.empty());
    CHECK(only(start_of(section(with_unnamed, MediaKind::video)), "VP8") == std::vector<std::string>{"800"});

    Description plain = fixture("chrome-audio-video-offer");
    MediaPolicy browser_default;
    browser_default.start_video_bitrate = std::nullopt;
    REQUIRE(apply_policy(plain, browser_default).ok());
    for (const auto& v : start_of(section(plain, MediaKind::video))) CHECK(v.substr(v.find('=')) == "=none");
}

TEST_CASE("apply_policy leaves data-only descriptions byte-identical") {
    Description d = fixture("chrome-datachannel-offer");
    REQUIRE(apply_policy(d, {}).ok());
    CHECK(serialize(d) == fixture_text("chrome-datachannel-offer"));
}

// Found by the fuzzer: the last line of a description may end without "\n" ("\r" or nothing),
// which round-trips byte for byte; a policy edit that appends a line after it must not glue the
// two together ("...tran\ra=ptime:20").
TEST_CASE("a line appended after an unterminated last line gets its own line break") {
    const std::string text = fixture_text("chrome-audio-video-offer");
    // Audio only, ending in a payload attribute: ptime goes right after the last of those.
    const std::string audio_only = text.substr(0, text.find("m=video")) + "a=rtcp-fb:111 nack";
    for (const std::string ending : {"\r", ""}) {
        const std::string input = audio_only + ending;
        auto parsed = parse(input);
        REQUIRE(parsed.ok());
        Description d = std::move(parsed).value();
        CHECK(serialize(d) == input);  // unmodified: exact
        REQUIRE(apply_policy(d, {}).ok());
        const std::string edited = serialize(d);
        auto again = parse(edited);
        INFO(edited.substr(edited.size() - 80));
        REQUIRE(again.ok());
        CHECK(edited.find("a=ptime:20") != std::string::npos);
    }
}
