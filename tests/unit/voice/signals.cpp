#include "signals.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace peerline::voice::test {

constexpr double kPi = 3.14159265358979323846;
constexpr double kRate = 48000;

std::vector<float> tones(double seconds, std::vector<std::pair<double, float>> partials) {
    std::vector<float> out(static_cast<std::size_t>(seconds * kRate));
    for (std::size_t i = 0; i < out.size(); ++i) {
        double x = 0;
        for (auto [hz, amplitude] : partials) x += amplitude * std::sin(2 * kPi * hz * i / kRate);
        out[i] = static_cast<float>(x);
    }
    return out;
}

std::vector<float> speech_like(double seconds) {
    std::vector<float> out(static_cast<std::size_t>(seconds * kRate));
    for (std::size_t i = 0; i < out.size(); ++i) {
        const double t = i / kRate;
        double x = 0;
        for (int h = 1; h <= 12; ++h) x += std::sin(2 * kPi * 140 * h * t) / h;
        const double envelope = 0.5 + 0.5 * std::sin(2 * kPi * 4 * t);
        out[i] = static_cast<float>(0.15 * envelope * x);
    }
    return out;
}

double snr_db(const std::vector<float>& reference, const std::vector<float>& decoded, int max_lag) {
    const auto n = static_cast<long>(std::min(reference.size(), decoded.size()));
    auto overlap = [&](int lag, auto&& body) {
        for (long i = std::max(0L, static_cast<long>(-lag)); i < n && i + lag < n; ++i)
            body(reference[static_cast<std::size_t>(i)], decoded[static_cast<std::size_t>(i + lag)]);
    };
    int best_lag = 0;
    double best = -1e300;
    for (int lag = -max_lag; lag <= max_lag; ++lag) {
        double c = 0;
        overlap(lag, [&](float r, float d) { c += double(r) * d; });
        if (c > best) best = c, best_lag = lag;
    }
    double signal = 0, noise = 0;
    overlap(best_lag, [&](float r, float d) {
        signal += double(r) * r;
        noise += (double(r) - d) * (double(r) - d);
    });
    return 10 * std::log10(signal / std::max(noise, 1e-20));
}

std::string encode_in_frames(const std::vector<float>& pcm, const EncoderOptions& options) {
    auto created = Encoder::create(options);
    if (!created) throw std::runtime_error(created.error().message);
    Encoder encoder = std::move(created).value();
    for (std::size_t at = 0; at < pcm.size(); at += kFrameSamples) {
        auto pushed = encoder.push(pcm.data() + at, std::min<std::size_t>(kFrameSamples, pcm.size() - at));
        if (!pushed) throw std::runtime_error(pushed.error().message);
    }
    auto file = encoder.finish();
    if (!file) throw std::runtime_error(file.error().message);
    return std::move(file).value();
}

}  // namespace peerline::voice::test
