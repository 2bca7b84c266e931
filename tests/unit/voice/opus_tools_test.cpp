// Our files against Debian's opus-tools: opusinfo (a strict RFC 7845 checker) must accept what we
// write, and what opusenc writes must decode here.
#include <catch2/catch.hpp>

#include "signals.hpp"
#include "tools.hpp"
#include "voice/decoder.hpp"
#include "voice/inspect.hpp"

using namespace peerline::voice;
using namespace peerline::voice::test;

TEST_CASE("opusinfo accepts our Ogg Opus output without a warning") {
    TempDir dir;
    write_file(dir / "ours.opus", encode_in_frames(speech_like(3.0)));
    const auto info = run(std::string(PEERLINE_OPUSINFO) + " " + quoted(dir / "ours.opus"));
    INFO(info.text);
    CHECK(info.status == 0);
    CHECK(info.text.find("WARNING") == std::string::npos);
    CHECK(info.text.find("type opus") != std::string::npos);
    CHECK(info.text.find("Channels: 1") != std::string::npos);
    CHECK(info.text.find("Packet duration:   20.0ms (max),   20.0ms (avg),   20.0ms (min)") != std::string::npos);
    CHECK(info.text.find("Playback length: 0m:03.000s") != std::string::npos);
    CHECK(info.text.find("Logical stream 1 ended") != std::string::npos);
}

TEST_CASE("files made by opusenc decode: mono and stereo (mixed down), with their exact length") {
    TempDir dir;
    const auto tone = tones(2.5, {{440, 0.4f}, {1250, 0.2f}});
    std::vector<float> stereo;
    for (float x : tone) stereo.insert(stereo.end(), {x, x});
    write_wav(dir / "mono.wav", tone, 1);
    write_wav(dir / "stereo.wav", stereo, 2);
    for (const char* name : {"mono", "stereo"}) {
        const auto wav = dir / (std::string(name) + ".wav");
        const auto opus = dir / (std::string(name) + ".opus");
        const auto made = run(std::string(PEERLINE_OPUSENC) + " --quiet --bitrate 32 " + quoted(wav) + " " + quoted(opus));
        INFO(name << ": " << made.text);
        REQUIRE(made.status == 0);
        const std::string file = read_file(opus);
        auto info = inspect(file);
        REQUIRE(info.ok());
        CHECK(info.value().channels == (std::string(name) == "mono" ? 1 : 2));
        auto decoded = decode_ogg_opus(file);
        REQUIRE(decoded.ok());
        CHECK(decoded.value().pcm.size() == tone.size());
        CHECK(snr_db(tone, decoded.value().pcm) > 20.0);  // measured ~38 dB at 32 kbps
    }
}

TEST_CASE("an opusenc file longer than a minute is refused as too long") {
    TempDir dir;
    write_wav(dir / "long.wav", std::vector<float>(61 * 48000, 0.0f), 1);
    const auto made = run(std::string(PEERLINE_OPUSENC) + " --quiet --bitrate 6 --comp 0 " + quoted(dir / "long.wav") + " " +
                          quoted(dir / "long.opus"));
    REQUIRE(made.status == 0);
    const std::string file = read_file(dir / "long.opus");
    REQUIRE(file.size() < kMaxBytes);  // small enough: only the length refuses it
    CHECK(inspect(file).error().code == "voice-too-long");
    CHECK(decode_ogg_opus(file).error().code == "voice-too-long");
}
