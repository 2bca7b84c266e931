// The stats panel's one line: derived numbers as a person reads them.
#include <cstdio>
#include <string>

#include "stats.hpp"

namespace peerline {

namespace {

std::string format_bitrate(double kbps) {
    char text[32];
    if (kbps >= 1000) std::snprintf(text, sizeof text, "%.1f Mb/s", kbps / 1000.0);
    else std::snprintf(text, sizeof text, "%.0f kb/s", kbps);
    return text;
}

std::string format_ms(const char* label, double ms) {
    char text[48];
    if (ms < 1) std::snprintf(text, sizeof text, "%s <1 ms", label);
    else std::snprintf(text, sizeof text, "%s %.0f ms", label, ms);
    return text;
}

}  // namespace

std::string format_stats_line(const CallStats& stats) {
    std::vector<std::string> parts;
    if (stats.valid) {
        parts.push_back("↓ " + format_bitrate(stats.bitrate_in_kbps) + " ↑ " +
                        format_bitrate(stats.bitrate_out_kbps));
    }
    if (stats.rtt_ms) parts.push_back(format_ms("RTT", *stats.rtt_ms));
    if (stats.packet_loss_pct) {
        char text[32];
        std::snprintf(text, sizeof text, "loss %.1f%%", *stats.packet_loss_pct);
        parts.emplace_back(text);
    }
    if (stats.jitter_ms) parts.push_back(format_ms("jitter", *stats.jitter_ms));
    if (stats.frame_width > 0 && stats.frame_height > 0) {
        std::string video = std::to_string(stats.frame_width) + "×" + std::to_string(stats.frame_height);
        if (stats.frames_per_second) {
            char fps[24];
            std::snprintf(fps, sizeof fps, "@%.0f", *stats.frames_per_second);
            video += fps;
        }
        parts.push_back(std::move(video));
    }
    if (!stats.video_codec.empty() || !stats.audio_codec.empty()) {
        std::string codecs = stats.video_codec;
        if (!codecs.empty() && !stats.audio_codec.empty()) codecs += "/";
        parts.push_back(codecs + stats.audio_codec);
    }
    if (!stats.path.empty()) parts.push_back(stats.path);

    std::string line;
    for (const std::string& part : parts) {
        if (!line.empty()) line += " · ";
        line += part;
    }
    return line;
}

}  // namespace peerline
