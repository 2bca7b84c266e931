// Every real description in the corpus parses, round-trips byte for byte, and has the typed
// fields its browser is known to write.
#include <algorithm>

#include <catch2/catch.hpp>

#include "corpus.hpp"
#include "sdp/data_channel.hpp"

using namespace peerline::sdp;
using namespace peerline::sdp::test;

TEST_CASE("the corpus has Chrome, Firefox and Safari descriptions") {
    const auto names = fixture_names();
    auto count = [&](const std::string& prefix) {
        return std::count_if(names.begin(), names.end(), [&](const std::string& n) { return n.rfind(prefix, 0) == 0; });
    };
    CHECK(count("chrome-") >= 6);
    CHECK(count("firefox-") >= 2);
    CHECK(count("safari-") >= 2);
}

TEST_CASE("every fixture round-trips byte for byte") {
    for (const auto& name : fixture_names()) {
        INFO(name);
        const std::string text = fixture_text(name);
        auto parsed = parse(text);
        REQUIRE(parsed.ok());
        CHECK(serialize(parsed.value()) == text);
    }
}

TEST_CASE("every fixture's sections have what WebRTC requires") {
    for (const auto& name : fixture_names()) {
        INFO(name);
        const Description d = fixture(name);
        REQUIRE(!d.media.empty());
        REQUIRE(d.bundle() != nullptr);
        for (const auto& s : d.media) {
            INFO("mid " << s.mid);
            CHECK(!s.mid.empty());
            CHECK(d.fingerprint_of(s) != nullptr);
            CHECK(d.ice_ufrag_of(s).size() >= 4);
            CHECK(d.ice_pwd_of(s).size() >= 22);
            CHECK(d.setup_of(s).has_value());
            if (s.is_rtp()) {
                CHECK(s.rtcp_mux);
                CHECK(s.codecs.size() == s.formats.size());
                for (const auto& c : s.codecs) CHECK(!c.name.empty());
            }
        }
    }
}

TEST_CASE("Chrome audio+video offer: typed view of the session and both sections") {
    const Description d = fixture("chrome-audio-video-offer");
    CHECK(d.origin.username == "-");
    CHECK(d.origin.session_version == 2);
    CHECK(d.extmap_allow_mixed);
    REQUIRE(d.bundle()->mids == std::vector<std::string_view>{"0", "1"});
    REQUIRE(d.media.size() == 2);

    const MediaSection& audio = d.media[0];
    CHECK(audio.kind == MediaKind::audio);
    CHECK(audio.protocol == "UDP/TLS/RTP/SAVPF");
    CHECK(audio.direction == Direction::sendrecv);
    CHECK(audio.setup == SetupRole::actpass);
    CHECK(audio.rtcp_mux);
    CHECK(audio.rtcp_rsize);
    CHECK(audio.fingerprint->algorithm == "sha-256");
    REQUIRE(audio.codecs.front().name == "opus");
    CHECK(audio.codecs.front().clock_rate == 48000);
    CHECK(audio.codecs.front().channels == 2);
    CHECK(audio.codecs.front().parameter("useinbandfec") == std::optional<std::string>("1"));
    CHECK(audio.codecs.front().feedback == std::vector<std::string_view>{"transport-cc"});
    CHECK(!audio.extmaps.empty());
    CHECK(audio.msids.size() == 1);
    CHECK(!audio.sources.empty());
    CHECK(!audio.candidates.empty());

    const MediaSection& video = d.media[1];
    CHECK(video.kind == MediaKind::video);
    CHECK(video.source_groups.size() == 1);
    CHECK(video.source_groups[0].semantics == "FID");
    const Codec* rtx = video.codec(97);
    REQUIRE(rtx != nullptr);
    CHECK(rtx->name == "rtx");
    CHECK(rtx->associated_payload_type() == std::optional<std::uint8_t>(96));
}

TEST_CASE("Chrome simulcast offer exposes rids and the simulcast line") {
    const Description d = fixture("chrome-simulcast-offer");
    const MediaSection& video = d.media.at(0);
    REQUIRE(video.rids.size() == 3);
    CHECK(video.rids[0].id == "q");
    CHECK(video.rids[0].direction == "send");
    REQUIRE(video.simulcast.has_value());
    CHECK(video.simulcast->send == "q;h;f");
    CHECK(video.direction == Direction::sendonly);
}

TEST_CASE("an ICE restart offer changes the credentials and keeps the fingerprint") {
    const Description before = fixture("chrome-audio-video-offer");
    const Description after = fixture("chrome-ice-restart-offer");
    CHECK(after.origin.session_id == before.origin.session_id);
    CHECK(after.origin.session_version > before.origin.session_version);
    CHECK(after.media[0].ice_ufrag != before.media[0].ice_ufrag);
    CHECK(after.media[0].ice_pwd != before.media[0].ice_pwd);
    CHECK(after.media[0].fingerprint->value == before.media[0].fingerprint->value);
}

TEST_CASE("data sections expose sctp-port and max-message-size for file transfer") {
    const auto chrome = data_channel_transport(fixture("chrome-datachannel-offer"));
    REQUIRE(chrome);
    CHECK(chrome->sctp_port == 5000);
    CHECK(chrome->max_message_size == 262144);
    CHECK(chrome->max_message_size_given);

    const auto firefox = data_channel_transport(fixture("firefox-datachannel-answer"));
    REQUIRE(firefox);
    CHECK(firefox->max_message_size == 1073741823);

    CHECK_FALSE(data_channel_transport(fixture("chrome-audio-video-offer")));
    const auto combined = data_channel_transport(fixture("chrome-audio-video-data-offer"));
    REQUIRE(combined);
    CHECK(combined->mid == "2");
}

TEST_CASE("Firefox writes the fingerprint at session level and end-of-candidates per section") {
    const Description d = fixture("firefox-audio-video-data-offer");
    REQUIRE(d.fingerprint.has_value());
    CHECK(!d.media[0].fingerprint.has_value());
    CHECK(d.fingerprint_of(d.media[0]) == &*d.fingerprint);
    CHECK(d.media[0].end_of_candidates);
    CHECK(d.msid_semantic == std::optional<std::string>("WMS *"));
    CHECK(d.media[0].extmaps[1].direction == Direction::recvonly);
    CHECK(d.media[0].codec(9)->channels == 1);  // "G722/8000/1"
}

TEST_CASE("a description without trailing newline or with LF endings still round-trips") {
    std::string text = fixture_text("chrome-datachannel-answer");
    std::string lf;
    for (char c : text) if (c != '\r') lf += c;
    for (const std::string& variant : {lf, text.substr(0, text.size() - 2), lf.substr(0, lf.size() - 1)}) {
        auto parsed = parse(variant);
        REQUIRE(parsed.ok());
        CHECK(serialize(parsed.value()) == variant);
    }
}

TEST_CASE("unknown lines and attributes survive in order") {
    std::string text = fixture_text("chrome-datachannel-offer");
    const std::string extra = "a=x-peerline-experiment:42\r\nz=unknown-line-type\r\na=flag-only\r\n";
    text += extra;
    auto parsed = parse(text);
    REQUIRE(parsed.ok());
    CHECK(serialize(parsed.value()) == text);
    const auto& lines = parsed.value().media.back().lines;
    CHECK(lines[lines.size() - 3].value == "x-peerline-experiment:42");
    CHECK(lines[lines.size() - 2].type == 'z');
}
