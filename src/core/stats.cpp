#include "stats.hpp"

#include "json_fields.hpp"
#include "json_depth.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unordered_map>

#include <nlohmann/json.hpp>

namespace peerline {
namespace {

using nlohmann::json;

// A report nests three levels (array, entry, e.g. qualityLimitationDurations). Anything much
// deeper is not a stats report, and refusing it before parsing keeps the work bounded.
constexpr int kMaxJsonDepth = 8;


// Field access that never throws. Browsers differ in which fields they fill, so a missing or
// mistyped field is simply absent; only the report's overall shape is an error.
const std::string* text_field(const json& entry, const char* key) {
    auto it = entry.find(key);
    if (it == entry.end() || !it->is_string()) return nullptr;
    return &it->get_ref<const std::string&>();
}

std::optional<double> number_field(const json& entry, const char* key) {
    auto it = entry.find(key);
    if (it == entry.end() || !it->is_number()) return std::nullopt;
    const double value = it->get<double>();
    if (!std::isfinite(value)) return std::nullopt;
    return value;
}

// Cumulative counters, durations and sizes are never negative.
std::optional<double> non_negative_field(const json& entry, const char* key) {
    auto value = number_field(entry, key);
    if (value && *value < 0) return std::nullopt;
    return value;
}

// JavaScript counts in doubles, exact up to 2^53; a counter beyond that is not a real count, and
// bounding counters keeps every sum and rate finite.
constexpr double kMaxCounter = 9007199254740992.0;

std::optional<double> counter_field(const json& entry, const char* key) {
    auto value = non_negative_field(entry, key);
    if (value && *value > kMaxCounter) return std::nullopt;
    return value;
}

using json_fields::boolean;

bool has_type(const json& entry, std::string_view type) {
    return *text_field(entry, "type") == type;  // every indexed entry has a string type
}

std::optional<MediaKind> kind_of(const json& entry) {
    // `mediaType` is the pre-2020 name of `kind`; older Chromium and Safari still send it.
    const std::string* kind = text_field(entry, "kind");
    if (!kind) kind = text_field(entry, "mediaType");
    if (!kind) return std::nullopt;
    if (*kind == "audio") return MediaKind::audio;
    if (*kind == "video") return MediaKind::video;
    return std::nullopt;
}

// The entries of one report, by id, for following cross-references (codecId, candidate ids).
class Report {
public:
    explicit Report(const json& entries) : entries_(entries) {
        for (const json& entry : entries) by_id_.emplace(*text_field(entry, "id"), &entry);
    }

    const json& entries() const { return entries_; }

    const json* find(const std::string* id, std::string_view type) const {
        if (!id) return nullptr;
        auto it = by_id_.find(*id);
        if (it == by_id_.end() || !has_type(*it->second, type)) return nullptr;
        return it->second;
    }

private:
    const json& entries_;
    std::unordered_map<std::string, const json*> by_id_;
};

// RFC 8445 §5.1.1 candidate types, as webrtc-stats RTCIceCandidateType spells them.
std::string candidate_type(const json* candidate) {
    if (!candidate) return "";
    const std::string* type = text_field(*candidate, "candidateType");
    if (!type) return "";
    if (*type == "host" || *type == "srflx" || *type == "prflx" || *type == "relay") return *type;
    if (*type == "relayed") return "relay";  // Firefox before 2019
    return "";
}

// The pair ICE is using: the transport names it; older Chromium and Firefox flag it `selected`;
// failing both, the nominated pair that succeeded (RFC 8445 §8.1.1) is the one in use.
const json* selected_pair(const Report& report) {
    for (const json& entry : report.entries()) {
        if (!has_type(entry, "transport")) continue;
        if (auto* pair = report.find(text_field(entry, "selectedCandidatePairId"), "candidate-pair"))
            return pair;
    }
    const json* nominated = nullptr;
    for (const json& entry : report.entries()) {
        if (!has_type(entry, "candidate-pair")) continue;
        if (boolean(entry, "selected")) return &entry;
        const std::string* state = text_field(entry, "state");
        if (!nominated && boolean(entry, "nominated") && state && *state == "succeeded")
            nominated = &entry;
    }
    return nominated;
}

// A relayed leg on either side is what matters to the user (latency, TURN cost).
std::string path_of(const Report& report, const json* pair) {
    if (!pair) return "";
    std::string local = candidate_type(report.find(text_field(*pair, "localCandidateId"), "local-candidate"));
    std::string remote = candidate_type(report.find(text_field(*pair, "remoteCandidateId"), "remote-candidate"));
    if (local == "relay" || remote == "relay") return "relay";
    return local;
}

// "audio/opus" -> "opus", "video/VP8" -> "VP8".
std::string codec_name(const Report& report, const json* rtp) {
    if (!rtp) return "";
    const json* codec = report.find(text_field(*rtp, "codecId"), "codec");
    const std::string* mime = codec ? text_field(*codec, "mimeType") : nullptr;
    if (!mime) return "";
    const auto slash = mime->find('/');
    return slash == std::string::npos ? *mime : mime->substr(slash + 1);
}

// With several RTP streams of one kind (a paused transceiver next to a live one), the one that
// carried the most bytes is the one the user is watching or hearing.
struct BusiestStreams {
    const json* in[2] = {nullptr, nullptr};   // indexed by MediaKind
    const json* out[2] = {nullptr, nullptr};
    double in_bytes[2] = {-1, -1}, out_bytes[2] = {-1, -1};

    void consider(const json& entry, bool inbound, MediaKind kind, double bytes) {
        const int k = kind == MediaKind::audio ? 0 : 1;
        const json*& slot = inbound ? in[k] : out[k];
        double& most = inbound ? in_bytes[k] : out_bytes[k];
        if (bytes > most) {
            slot = &entry;
            most = bytes;
        }
    }
    const json* in_or_out(MediaKind kind) const {
        const int k = kind == MediaKind::audio ? 0 : 1;
        return in[k] ? in[k] : out[k];
    }
};

std::optional<double> ms_from_seconds(std::optional<double> seconds) {
    if (seconds) return *seconds * 1000.0;
    return std::nullopt;
}

// Round-trip time of the remote-inbound-rtp entry measured last (they carry RTCP's timestamps).
std::optional<double> rtcp_rtt_ms(const Report& report) {
    std::optional<double> rtt;
    double newest = -1;
    for (const json& entry : report.entries()) {
        if (!has_type(entry, "remote-inbound-rtp")) continue;
        auto value = non_negative_field(entry, "roundTripTime");
        const double at = number_field(entry, "timestamp").value_or(0);
        if (value && at > newest) {
            rtt = value;
            newest = at;
        }
    }
    return ms_from_seconds(rtt);
}

Result<json> parse_entries(std::string_view text) {
    if (text.size() > stats_limits::kMaxReportBytes) {
        return make_error(stats_error::kTooLarge, "stats report larger than " +
                                                      std::to_string(stats_limits::kMaxReportBytes) +
                                                      " bytes");
    }
    if (json_nests_deeper_than(text, kMaxJsonDepth)) {
        return make_error(stats_error::kBadJson, "stats report nested deeper than " +
                                                     std::to_string(kMaxJsonDepth) + " levels");
    }
    json parsed = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) return make_error(stats_error::kBadJson, "stats report is not valid JSON");
    if (!parsed.is_array()) return make_error(stats_error::kBadShape, "stats report must be an array");
    if (parsed.size() > stats_limits::kMaxEntries) {
        return make_error(stats_error::kTooLarge, "stats report has more than " +
                                                      std::to_string(stats_limits::kMaxEntries) +
                                                      " entries");
    }
    for (const json& entry : parsed) {
        if (!entry.is_object() || !text_field(entry, "id") || !text_field(entry, "type")) {
            return make_error(stats_error::kBadShape,
                              "every stats entry must be an object with string `id` and `type`");
        }
    }
    return parsed;
}

}  // namespace

Result<StatsSample> parse_stats_report(std::string_view json_text) {
    auto parsed = parse_entries(json_text);
    if (!parsed) return parsed.error();
    const Report report(parsed.value());

    StatsSample sample;
    BusiestStreams busiest;
    std::optional<double> any_timestamp;
    for (const json& entry : report.entries()) {
        auto timestamp = non_negative_field(entry, "timestamp");
        if (timestamp) any_timestamp = std::max(any_timestamp.value_or(0), *timestamp);

        const bool inbound = has_type(entry, "inbound-rtp");
        if (!inbound && !has_type(entry, "outbound-rtp")) continue;
        auto kind = kind_of(entry);
        if (!kind) continue;
        RtpCounters counters;
        counters.id = *text_field(entry, "id");
        counters.inbound = inbound;
        counters.kind = *kind;
        counters.bytes = counter_field(entry, inbound ? "bytesReceived" : "bytesSent").value_or(0);
        if (inbound) {
            counters.packets_received = counter_field(entry, "packetsReceived").value_or(0);
            auto lost = number_field(entry, "packetsLost");
            if (lost && std::abs(*lost) <= kMaxCounter) counters.packets_lost = *lost;
        }
        busiest.consider(entry, inbound, *kind, counters.bytes);
        sample.rtp.push_back(std::move(counters));
        // Local RTP entries are stamped when the report was made; remote-* ones carry the
        // (older) time of the RTCP report they came from, so they must not set the clock.
        if (timestamp) sample.timestamp_ms = std::max(sample.timestamp_ms, *timestamp);
    }
    if (sample.rtp.empty()) sample.timestamp_ms = any_timestamp.value_or(0);

    if (const json* audio = busiest.in[0]) {
        sample.audio_jitter_ms = ms_from_seconds(non_negative_field(*audio, "jitter"));
    }
    if (const json* video = busiest.in[1]) {
        sample.frames_per_second = non_negative_field(*video, "framesPerSecond");
        auto width = non_negative_field(*video, "frameWidth");
        auto height = non_negative_field(*video, "frameHeight");
        if (width && height && *width <= 65535 && *height <= 65535) {
            sample.frame_width = static_cast<int>(*width);
            sample.frame_height = static_cast<int>(*height);
        }
    }
    sample.audio_codec = codec_name(report, busiest.in_or_out(MediaKind::audio));
    sample.video_codec = codec_name(report, busiest.in_or_out(MediaKind::video));

    const json* pair = selected_pair(report);
    sample.path = path_of(report, pair);
    if (pair) sample.rtt_ms = ms_from_seconds(non_negative_field(*pair, "currentRoundTripTime"));
    if (!sample.rtt_ms) sample.rtt_ms = rtcp_rtt_ms(report);
    return sample;
}

CallStats StatsTracker::update(const StatsSample& sample) {
    CallStats stats;
    stats.rtt_ms = sample.rtt_ms;
    stats.jitter_ms = sample.audio_jitter_ms;
    stats.frames_per_second = sample.frames_per_second;
    stats.frame_width = sample.frame_width;
    stats.frame_height = sample.frame_height;
    stats.audio_codec = sample.audio_codec;
    stats.video_codec = sample.video_codec;
    stats.path = sample.path;

    // Reports come about a second apart; a sub-millisecond interval is a repeated report, and
    // dividing by it would only amplify noise.
    constexpr double kMinIntervalMs = 1;
    const double interval_ms = previous_ ? sample.timestamp_ms - previous_->timestamp_ms : 0;
    if (interval_ms >= kMinIntervalMs) {
        std::unordered_map<std::string, const RtpCounters*> before;
        for (const RtpCounters& stream : previous_->rtp) {
            before.emplace((stream.inbound ? "in:" : "out:") + stream.id, &stream);
        }
        double bytes_in = 0, bytes_out = 0, received = 0, lost = 0;
        for (const RtpCounters& now : sample.rtp) {
            auto it = before.find((now.inbound ? "in:" : "out:") + now.id);
            if (it == before.end()) continue;  // new stream: its counters span an unknown interval
            const RtpCounters& then = *it->second;
            if (now.bytes < then.bytes || now.packets_received < then.packets_received) continue;
            if (now.inbound) {
                bytes_in += now.bytes - then.bytes;
                received += now.packets_received - then.packets_received;
                lost += now.packets_lost - then.packets_lost;
            } else {
                bytes_out += now.bytes - then.bytes;
            }
        }
        // bytes * 8 bits / interval in ms = kbit/s.
        stats.bitrate_in_kbps = bytes_in * 8.0 / interval_ms;
        stats.bitrate_out_kbps = bytes_out * 8.0 / interval_ms;
        // Late packets counted lost earlier arrive later and shrink packetsLost: never below 0.
        lost = std::max(lost, 0.0);
        if (received + lost > 0) stats.packet_loss_pct = 100.0 * lost / (received + lost);
        stats.valid = true;

        for (auto* history : {&in_history_, &out_history_}) {
            history->push_back(history == &in_history_ ? stats.bitrate_in_kbps : stats.bitrate_out_kbps);
            if (history->size() > stats_limits::kHistoryLength) history->pop_front();
        }
    }
    previous_ = sample;
    return stats;
}

}  // namespace peerline
