#include "voice/level.hpp"

#include <algorithm>
#include <cmath>

namespace peerline::voice {

double meter_level(const float* samples, std::size_t count) {
    double energy = 0;
    std::size_t counted = 0;
    for (std::size_t i = 0; i < count; ++i) {
        if (!std::isfinite(samples[i])) continue;
        energy += double(samples[i]) * samples[i];
        ++counted;
    }
    if (counted == 0 || energy <= 0) return 0;
    const double rms_db = 10 * std::log10(energy / counted);
    return std::clamp(1.0 - rms_db / kMeterFloorDb, 0.0, 1.0);
}

}  // namespace peerline::voice
