// The recording level meter: how loud a frame of samples is, as 0..1 on a dB scale (-60 dBFS and
// below is 0, full scale is 1), so quiet speech still moves the meter visibly.
#pragma once

#include <cstddef>

namespace peerline::voice {

constexpr double kMeterFloorDb = -60.0;

double meter_level(const float* samples, std::size_t count);

}  // namespace peerline::voice
