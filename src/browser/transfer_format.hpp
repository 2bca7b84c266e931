// Sizes, rates and durations as people read them ("12.3 MB", "4.1 MB/s", "2 min 5 s").
#pragma once

#include <cstdint>
#include <string>

namespace peerline::browser::transfer_format {

std::string size(std::uint64_t bytes);
std::string rate(double bytes_per_second);
std::string duration(int seconds);

}  // namespace peerline::browser::transfer_format
