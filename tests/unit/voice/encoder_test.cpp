// The encoder's own contract: options are checked, output grows while recording, a message
// stops at the one-minute limit, and hostile samples (NaN, huge values) are harmless.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "signals.hpp"
#include "voice/decoder.hpp"
#include "voice/encoder.hpp"
#include "voice/level.hpp"

using namespace peerline::voice;

TEST_CASE("encoder options out of range are refused") {
    CHECK(Encoder::create({5000, 9}).error().code == "voice-encoder");
    CHECK(Encoder::create({40000, 9}).error().code == "voice-encoder");
    CHECK(Encoder::create({24000, 11}).error().code == "voice-encoder");
    CHECK(Encoder::create({24000, 0}).ok());
}

TEST_CASE("pages come out while recording, before finish") {
    auto created = Encoder::create();
    REQUIRE(created.ok());
    Encoder e = std::move(created).value();
    const auto second = test::speech_like(1.0);
    for (int i = 0; i < 4; ++i) REQUIRE(e.push(second.data(), second.size()).ok());
    const std::size_t while_recording = e.bytes().size();
    // Headers alone are ~100 bytes; libopusenc holds back up to ~2 s (its decision delay).
    CHECK(while_recording > 1000);
    auto file = e.finish();
    REQUIRE(file.ok());
    CHECK(file.value().size() > while_recording);
    CHECK(file.value().compare(0, while_recording, e.bytes().substr(0, while_recording)) == 0);
    CHECK(e.push(second.data(), 960).error().code == "voice-encoder");
    CHECK(e.finish().ok());  // finishing twice returns the same file
}

TEST_CASE("a recording stops at 60 s: later samples are dropped") {
    auto created = Encoder::create();
    REQUIRE(created.ok());
    Encoder e = std::move(created).value();
    const std::vector<float> silence(48000, 0.0f);
    for (int i = 0; i < 61; ++i) {
        CHECK(e.full() == (i == 60));
        auto seconds = e.push(silence.data(), silence.size());
        REQUIRE(seconds.ok());
        CHECK(seconds.value() == Approx(std::min(i + 1, 60)));
    }
    CHECK(e.full());
    auto file = e.finish();
    REQUIRE(file.ok());
    auto decoded = decode_ogg_opus(file.value());
    REQUIRE(decoded.ok());
    CHECK(decoded.value().pcm.size() == 60u * 48000u);
}

TEST_CASE("NaN, infinite and out-of-range samples encode as clipped audio, not as a crash") {
    std::vector<float> hostile = test::tones(0.5, {{440, 3.0f}});
    for (std::size_t i = 0; i < hostile.size(); i += 7) hostile[i] = std::numeric_limits<float>::quiet_NaN();
    for (std::size_t i = 3; i < hostile.size(); i += 11) hostile[i] = -std::numeric_limits<float>::infinity();
    auto decoded = decode_ogg_opus(test::encode_in_frames(hostile));
    REQUIRE(decoded.ok());
    CHECK(decoded.value().pcm.size() == hostile.size());
    for (float x : decoded.value().pcm) REQUIRE(std::isfinite(x));
}

TEST_CASE("the level meter maps loudness to 0..1 on a 60 dB scale") {
    const std::vector<float> silence(960, 0.0f);
    CHECK(meter_level(silence.data(), silence.size()) == 0.0);
    CHECK(meter_level(nullptr, 0) == 0.0);
    const std::vector<float> full(960, 1.0f);
    CHECK(meter_level(full.data(), full.size()) == Approx(1.0));
    const std::vector<float> minus_20_db(960, 0.1f);  // RMS 0.1 = -20 dBFS
    CHECK(meter_level(minus_20_db.data(), minus_20_db.size()) == Approx(2.0 / 3.0));
    const std::vector<float> very_quiet(960, 0.0001f);  // -80 dBFS, below the floor
    CHECK(meter_level(very_quiet.data(), very_quiet.size()) == 0.0);
    std::vector<float> with_nan = minus_20_db;
    with_nan[5] = std::numeric_limits<float>::quiet_NaN();
    CHECK(meter_level(with_nan.data(), with_nan.size()) == Approx(2.0 / 3.0));
}

TEST_CASE("a full minute of harmonic-rich sound stays under the byte limit") {
    const std::string file = test::encode_in_frames(test::speech_like(kMaxSeconds));
    CHECK(file.size() < kMaxBytes);
    CHECK(file.size() * 8.0 / kMaxSeconds < 26000);  // constrained VBR holds ~24 kbps
    CHECK(decode_ogg_opus(file).ok());
}
