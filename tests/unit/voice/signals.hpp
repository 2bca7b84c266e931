// Test signals and the measures the voice tests hold the codec to.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "voice/encoder.hpp"

namespace peerline::voice::test {

// A sum of sines (Hz, amplitude), 48 kHz.
std::vector<float> tones(double seconds, std::vector<std::pair<double, float>> partials);
// A rough speech stand-in: a 140 Hz buzz with harmonics, amplitude-modulated at a syllable rate.
std::vector<float> speech_like(double seconds);

// Signal-to-noise ratio in dB of `decoded` against `reference`, after aligning them on the lag
// (within ±max_lag samples) that correlates best, so codec delay does not count as noise.
double snr_db(const std::vector<float>& reference, const std::vector<float>& decoded, int max_lag = 480);

// The whole signal through voice::Encoder in 20 ms frames, as the recorder pushes it; the file.
std::string encode_in_frames(const std::vector<float>& pcm, const EncoderOptions& options = {});

}  // namespace peerline::voice::test
