// Live call statistics: what a getStats() report says about one call, as numbers a person reads.
//
// Every second the browser shell hands the core `JSON.stringify(Array.from(report.values()))`
// of the call's RTCPeerConnection (an array of RTCStats dictionaries, W3C webrtc-stats). The
// core reads no clock: rates come from counter deltas over the reports' own `timestamp`s.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result.hpp"

namespace peerline {

namespace stats_limits {
inline constexpr std::size_t kMaxReportBytes = 1024 * 1024;
inline constexpr std::size_t kMaxEntries = 2000;
inline constexpr std::size_t kHistoryLength = 60;  // one minute of sparkline at one sample/s
}  // namespace stats_limits

// Error codes of parse_stats_report.
namespace stats_error {
inline constexpr const char* kTooLarge = "too-large";  // over kMaxReportBytes or kMaxEntries
inline constexpr const char* kBadJson = "bad-json";    // not JSON, or nested absurdly deep
inline constexpr const char* kBadShape = "bad-shape";  // not an array of stats objects
}  // namespace stats_error

enum class MediaKind { audio, video };

// Cumulative counters of one RTP stream (inbound-rtp or outbound-rtp), kept per stream so that
// a stream that appears, disappears or restarts its counters cannot produce a bogus rate.
struct RtpCounters {
    std::string id;        // the stats object's id, stable across reports of one connection
    bool inbound = false;  // inbound-rtp (received) or outbound-rtp (sent)
    MediaKind kind = MediaKind::audio;
    double bytes = 0;             // bytesReceived / bytesSent: RTP payload, retransmissions included
    double packets_received = 0;  // inbound only
    double packets_lost = 0;      // inbound only; signed in the spec (duplicates can make it shrink)
};

// What one report says, already resolved across its cross-references (codecId, the selected
// candidate pair and its candidates). Instantaneous values are taken as the browser gives them.
struct StatsSample {
    double timestamp_ms = 0;  // the report's own clock (ms), from its RTP entries' `timestamp`
    std::vector<RtpCounters> rtp;
    std::optional<double> rtt_ms;
    std::optional<double> audio_jitter_ms;     // inbound audio
    std::optional<double> frames_per_second;   // inbound video
    int frame_width = 0, frame_height = 0;     // inbound video; 0 = unknown
    std::string audio_codec, video_codec;      // "opus", "VP8"; inbound, else outbound; "" unknown
    std::string path;                          // "host" | "srflx" | "prflx" | "relay" | "" unknown
};

// Never throws. Refuses reports over the limits above with kTooLarge.
Result<StatsSample> parse_stats_report(std::string_view json_text);

struct CallStats {
    bool valid = false;  // false until two samples give a time interval; then the rates are real
    double bitrate_in_kbps = 0, bitrate_out_kbps = 0;  // audio + video RTP payload
    std::optional<double> rtt_ms;
    std::optional<double> packet_loss_pct;  // inbound, over the last interval; unset if no packets
    std::optional<double> jitter_ms;
    std::optional<double> frames_per_second;
    int frame_width = 0, frame_height = 0;
    std::string audio_codec, video_codec;
    std::string path;
};

// One per call: feed each sample, get the derived stats and a bounded history for sparklines.
class StatsTracker {
public:
    // A sample not at least 1 ms later than the previous one (clock jump, a repeated report) gives no
    // rates and becomes the new baseline. A stream whose counters went backwards (reset) or that
    // is new adds nothing to this interval's rates rather than a negative or inflated one.
    CallStats update(const StatsSample& sample);

    const std::deque<double>& bitrate_in_history() const { return in_history_; }   // kbps, oldest first
    const std::deque<double>& bitrate_out_history() const { return out_history_; }

private:
    std::optional<StatsSample> previous_;
    std::deque<double> in_history_, out_history_;
};

// One line for the stats panel, e.g.
// "↓ 1.2 Mb/s ↑ 900 kb/s · RTT 3 ms · loss 0.0% · jitter 1 ms · 640×480@30 · VP8/opus · host".
// Parts that are unknown are left out.
std::string format_stats_line(const CallStats& stats);

}  // namespace peerline
