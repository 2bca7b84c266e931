#include "transfer_format.hpp"

#include <cstdio>

namespace peerline::browser::transfer_format {

std::string size(std::uint64_t bytes) {
    // Decimal units, as file managers and download bars show them.
    const char* units[] = {"bytes", "kB", "MB", "GB", "TB"};
    double value = static_cast<double>(bytes);
    int unit = 0;
    while (value >= 1000 && unit < 4) {
        value /= 1000;
        ++unit;
    }
    char out[32];
    if (unit == 0) {
        std::snprintf(out, sizeof out, "%llu bytes", static_cast<unsigned long long>(bytes));
    } else {
        std::snprintf(out, sizeof out, value < 10 ? "%.1f %s" : "%.0f %s", value, units[unit]);
    }
    return out;
}

std::string rate(double bytes_per_second) {
    return size(static_cast<std::uint64_t>(bytes_per_second < 0 ? 0 : bytes_per_second)) + "/s";
}

std::string duration(int seconds) {
    if (seconds < 0) return "";
    if (seconds < 60) return std::to_string(seconds) + " s";
    if (seconds < 3600) return std::to_string(seconds / 60) + " min " + std::to_string(seconds % 60) + " s";
    return std::to_string(seconds / 3600) + " h " + std::to_string(seconds % 3600 / 60) + " min";
}

}  // namespace peerline::browser::transfer_format
