// How a call is going, in one word a person reads at a glance (good / fair / poor), and how long
// it has run. Derived from the stats the core already has (stats.hpp); the thresholds are named
// here so docs/using.md and the tests can cite them.
#pragma once

#include <cstddef>
#include <string>

#include "stats.hpp"

namespace peerline {

enum class CallQuality { unknown, good, fair, poor };
const char* to_string(CallQuality quality);
// "Good connection", … for the indicator's accessible name; "" for unknown.
std::string quality_label(CallQuality quality);

namespace quality_thresholds {
// Round-trip time. ITU-T G.114 puts one-way delay up to 150 ms as transparent for conversation
// and past 400 ms as unacceptable; a round trip is twice one way, so we grade on half of it.
inline constexpr double kFairRttMs = 300;  // one way ~150 ms: people start to talk over each other
inline constexpr double kPoorRttMs = 800;  // one way ~400 ms
// Inbound packet loss over the last second. Opus with in-band FEC hides ~2 % well; past ~8 %
// speech breaks up and video freezes (libwebrtc's own loss-based estimator backs off at 10 %).
inline constexpr double kFairLossPct = 2;
inline constexpr double kPoorLossPct = 8;
// Inbound bitrate, only while the peer's video is expected: below these a camera picture is
// blurry (fair) or a slide show (poor). Audio alone is never graded on bitrate (Opus DTX sends
// almost nothing during silence).
inline constexpr double kFairVideoKbps = 150;
inline constexpr double kPoorVideoKbps = 50;
// A new video stream starts low and ramps up (bandwidth estimation) for a few seconds: its
// bitrate is graded only from this many samples (seconds) of history on.
inline constexpr std::size_t kVideoWarmupSamples = 5;
}  // namespace quality_thresholds

// The worst grade any one measure earns; unknown until the stats are valid (two samples).
// `expect_video`: the peer sends a picture (a video call, their camera on).
CallQuality grade_call_quality(const CallStats& stats, bool expect_video);

// "0:07", "12:34", "1:02:03". Negative or absurd input reads as 0:00.
std::string format_call_duration(double seconds);

}  // namespace peerline
