// Grading a call's connection and formatting its duration (call_quality.hpp).
#include "call_quality.hpp"

#include <cmath>
#include <cstdio>

namespace peerline {

const char* to_string(CallQuality quality) {
    switch (quality) {
        case CallQuality::unknown: return "unknown";
        case CallQuality::good: return "good";
        case CallQuality::fair: return "fair";
        case CallQuality::poor: return "poor";
    }
    return "unknown";
}

std::string quality_label(CallQuality quality) {
    switch (quality) {
        case CallQuality::unknown: return "";
        case CallQuality::good: return "Good connection";
        case CallQuality::fair: return "Fair connection";
        case CallQuality::poor: return "Poor connection";
    }
    return "";
}

namespace {

// Higher is worse, so the grade of a call is the max over its measures.
CallQuality worse(CallQuality a, CallQuality b) { return static_cast<int>(a) > static_cast<int>(b) ? a : b; }

CallQuality grade_at_least(double value, double fair, double poor) {
    if (value >= poor) return CallQuality::poor;
    if (value >= fair) return CallQuality::fair;
    return CallQuality::good;
}

CallQuality grade_at_most(double value, double fair, double poor) {
    if (value < poor) return CallQuality::poor;
    if (value < fair) return CallQuality::fair;
    return CallQuality::good;
}

}  // namespace

CallQuality grade_call_quality(const CallStats& stats, bool expect_video) {
    using namespace quality_thresholds;
    if (!stats.valid) return CallQuality::unknown;
    CallQuality grade = CallQuality::good;
    if (stats.rtt_ms) grade = worse(grade, grade_at_least(*stats.rtt_ms, kFairRttMs, kPoorRttMs));
    if (stats.packet_loss_pct) grade = worse(grade, grade_at_least(*stats.packet_loss_pct, kFairLossPct, kPoorLossPct));
    if (expect_video) grade = worse(grade, grade_at_most(stats.bitrate_in_kbps, kFairVideoKbps, kPoorVideoKbps));
    return grade;
}

std::string format_call_duration(double seconds) {
    // Up to a year; NaN and negatives are 0.
    if (!(seconds > 0)) seconds = 0;
    if (seconds > 366.0 * 24 * 3600) seconds = 366.0 * 24 * 3600;
    const long total = static_cast<long>(std::floor(seconds));
    const long h = total / 3600, m = (total / 60) % 60, s = total % 60;
    char text[32];
    if (h > 0) std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", h, m, s);
    else std::snprintf(text, sizeof text, "%ld:%02ld", m, s);
    return text;
}

}  // namespace peerline
