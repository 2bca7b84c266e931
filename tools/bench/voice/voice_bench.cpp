// Voice-message codec benchmark (issue 8): encodes 60 s of 48 kHz mono speech with voice::Encoder
// (24 kbps VOIP, 20 ms frames, as the page does) and decodes the file with
// voice::decode_ogg_opus. The same source runs natively and as Wasm under Node (run.sh).
//   voice_bench <speech.wav> [complexity=9] [rounds=3]
// Prints "key value" lines: encode_x_realtime, decode_x_realtime (best round), bytes.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "voice/decoder.hpp"
#include "voice/encoder.hpp"

using namespace peerline::voice;

namespace {

// 16-bit PCM mono WAV (espeak-ng writes 22050 Hz), linearly resampled to 48 kHz and repeated to
// fill `seconds`. Linear interpolation is crude, but the codec's speed does not depend on it.
std::vector<float> load_speech(const char* path, int seconds) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    const std::string wav = text.str();
    auto u32 = [&](std::size_t at) {
        return static_cast<unsigned char>(wav[at]) | static_cast<unsigned char>(wav[at + 1]) << 8 |
               static_cast<unsigned char>(wav[at + 2]) << 16 | static_cast<std::uint32_t>(static_cast<unsigned char>(wav[at + 3])) << 24;
    };
    if (wav.size() < 44 || wav.compare(0, 4, "RIFF") != 0) {
        std::fprintf(stderr, "not a WAV file: %s\n", path);
        std::exit(1);
    }
    const double rate = u32(24);
    const std::size_t data = wav.find("data") + 8;
    std::vector<float> source;
    for (std::size_t at = data; at + 1 < wav.size(); at += 2)
        source.push_back(static_cast<std::int16_t>(static_cast<unsigned char>(wav[at]) | wav[at + 1] << 8) / 32768.0f);
    std::vector<float> out(static_cast<std::size_t>(seconds) * kSampleRate);
    const double step = rate / kSampleRate;
    for (std::size_t i = 0; i < out.size(); ++i) {
        const double position = std::fmod(i * step, static_cast<double>(source.size() - 1));
        const auto k = static_cast<std::size_t>(position);
        const double f = position - k;
        out[i] = static_cast<float>(source[k] * (1 - f) + source[k + 1] * f);
    }
    return out;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: voice_bench <speech.wav> [complexity] [rounds]\n");
        return 2;
    }
    const int complexity = argc > 2 ? std::atoi(argv[2]) : 9;
    const int rounds = argc > 3 ? std::max(1, std::atoi(argv[3])) : 3;
    const std::vector<float> speech = load_speech(argv[1], kMaxSeconds);
    const double audio_seconds = static_cast<double>(speech.size()) / kSampleRate;

    std::string file;
    double best_encode = 1e9;
    for (int round = 0; round < rounds; ++round) {
        const auto start = std::chrono::steady_clock::now();
        auto created = Encoder::create({kDefaultBitrate, complexity});
        if (!created) return std::fprintf(stderr, "%s\n", created.error().message.c_str()), 1;
        Encoder encoder = std::move(created).value();
        for (std::size_t at = 0; at < speech.size(); at += kFrameSamples)
            if (!encoder.push(speech.data() + at, kFrameSamples)) return 1;
        auto finished = encoder.finish();
        if (!finished) return std::fprintf(stderr, "%s\n", finished.error().message.c_str()), 1;
        best_encode = std::min(best_encode, seconds_since(start));
        file = std::move(finished).value();
    }

    double best_decode = 1e9;
    for (int round = 0; round < rounds; ++round) {
        const auto start = std::chrono::steady_clock::now();
        auto decoded = decode_ogg_opus(file);
        if (!decoded) return std::fprintf(stderr, "%s\n", decoded.error().message.c_str()), 1;
        best_decode = std::min(best_decode, seconds_since(start));
    }

    std::printf("audio_seconds %.1f\n", audio_seconds);
    std::printf("bytes %zu\n", file.size());
    std::printf("encode_seconds %.4f\n", best_encode);
    std::printf("decode_seconds %.4f\n", best_decode);
    std::printf("encode_x_realtime %.1f\n", audio_seconds / best_encode);
    std::printf("decode_x_realtime %.1f\n", audio_seconds / best_decode);
    return 0;
}
