#include "sdp/policy.hpp"

#include <algorithm>

#include "sdp/edit.hpp"
#include "sdp/text.hpp"

namespace peerline::sdp {

const char* to_string(CallMode mode) { return mode == CallMode::voice ? "voice" : "music"; }

std::optional<CallMode> parse_call_mode(std::string_view text) {
    if (text == "voice") return CallMode::voice;
    if (text == "music") return CallMode::music;
    return std::nullopt;
}

OpusSettings opus_settings(CallMode mode) {
    if (mode == CallMode::voice) {
        // Speech: Opus' SILK/hybrid modes, where in-band FEC works and DTX saves most of the
        // bandwidth in pauses; mono; 32 kbit/s is transparent for wideband speech.
        return {true, true, false, 32000, 20};
    }
    // Music: CELT mode, where in-band FEC does nothing (it exists only in SILK layers) and
    // DTX would gate quiet passages; stereo at 128 kbit/s (RFC 7587 §7.1 allows up to 510k).
    return {false, false, true, 128000, 20};
}

namespace {

std::string profile_of(const Codec& c) {
    const std::string name = text::lower(c.name);
    if (name == "h264") {
        // profile_idc and profile-iop (first 4 hex digits); level is negotiable, RFC 6184 §8.1.
        const std::string level_id = text::lower(c.parameter("profile-level-id").value_or("42000a"));
        return level_id.substr(0, 4) + "/pm" + std::string(c.parameter("packetization-mode").value_or("0"));
    }
    if (name == "vp9") return std::string(c.parameter("profile-id").value_or("0"));
    if (name == "av1") return std::string(c.parameter("profile").value_or("0"));
    return {};
}

std::size_t rank(const Codec& c, const MediaPolicy& policy, MediaKind kind) {
    if (kind == MediaKind::audio) return text::iequals(c.name, "opus") ? 0 : 1;
    for (std::size_t i = 0; i < policy.video_preference.size(); ++i) {
        if (text::iequals(c.name, policy.video_preference[i])) return i;
    }
    return policy.video_preference.size();
}

// Media formats in policy order, each followed by its rtx; then the other repair formats
// (red, ulpfec) and their rtx; then rtx whose primary is not listed.
std::vector<const Codec*> order_codecs(const std::vector<const Codec*>& codecs, const MediaPolicy& policy, MediaKind kind) {
    std::vector<const Codec*> primaries;
    for (const Codec* c : codecs) {
        if (!text::iequals(c->name, "rtx")) primaries.push_back(c);
    }
    std::stable_sort(primaries.begin(), primaries.end(), [&](const Codec* a, const Codec* b) {
        const bool a_repair = is_repair_format(*a), b_repair = is_repair_format(*b);
        if (a_repair != b_repair) return b_repair;
        return rank(*a, policy, kind) < rank(*b, policy, kind);
    });
    std::vector<const Codec*> ordered;
    for (const Codec* p : primaries) {
        ordered.push_back(p);
        for (const Codec* c : codecs) {
            if (text::iequals(c->name, "rtx") && c->associated_payload_type() == p->payload_type) ordered.push_back(c);
        }
    }
    for (const Codec* c : codecs) {
        if (std::find(ordered.begin(), ordered.end(), c) == ordered.end()) ordered.push_back(c);
    }
    return ordered;
}

}  // namespace

bool same_format(const Codec& a, const Codec& b) {
    if (!text::iequals(a.name, b.name) || a.clock_rate != b.clock_rate) return false;
    // rtpmap omits the channel count for mono (RFC 8866 §6.6): 0 and 1 mean the same.
    if (std::max<std::uint16_t>(a.channels, 1) != std::max<std::uint16_t>(b.channels, 1)) return false;
    return profile_of(a) == profile_of(b);
}

bool is_repair_format(const Codec& c) {
    return text::iequals(c.name, "rtx") || text::iequals(c.name, "red") || text::iequals(c.name, "ulpfec") ||
           text::iequals(c.name, "flexfec-03");
}

std::vector<std::string> preferred_format_order(const MediaSection& section, const MediaPolicy& policy) {
    std::vector<const Codec*> codecs;
    for (const auto& c : section.codecs) codecs.push_back(&c);
    std::vector<std::string> formats;
    for (const Codec* c : order_codecs(codecs, policy, section.kind)) formats.push_back(std::to_string(c->payload_type));
    return formats;
}

std::vector<Codec> negotiated_codecs(const MediaSection& local, const MediaSection& remote, const MediaPolicy& policy) {
    std::vector<const Codec*> common;
    for (const auto& mine : local.codecs) {
        if (text::iequals(mine.name, "rtx")) continue;  // decided with their primary below
        for (const auto& theirs : remote.codecs) {
            if (same_format(mine, theirs)) { common.push_back(&mine); break; }
        }
    }
    for (const auto& mine : local.codecs) {
        if (!text::iequals(mine.name, "rtx")) continue;
        const auto apt = mine.associated_payload_type();
        const bool primary_kept = std::any_of(common.begin(), common.end(), [&](const Codec* c) { return apt == c->payload_type; });
        const bool remote_has_rtx = std::any_of(remote.codecs.begin(), remote.codecs.end(),
                                                [](const Codec& c) { return text::iequals(c.name, "rtx"); });
        if (primary_kept && remote_has_rtx) common.push_back(&mine);
    }
    std::vector<Codec> out;
    for (const Codec* c : order_codecs(common, policy, local.kind)) out.push_back(*c);
    return out;
}

std::optional<Codec> chosen_codec(const MediaSection& local, const MediaSection& remote, const MediaPolicy& policy) {
    for (auto& c : negotiated_codecs(local, remote, policy)) {
        if (!is_repair_format(c)) return c;
    }
    return std::nullopt;
}

namespace {

Result<bool> apply_audio_policy(MediaSection& section, const OpusSettings& opus) {
    std::vector<std::uint8_t> opus_types;
    for (const auto& c : section.codecs) {
        if (text::iequals(c.name, "opus")) opus_types.push_back(c.payload_type);
    }
    for (const auto pt : opus_types) {
        // RFC 7587 §7.1: stereo = what we prefer to receive, sprop-stereo = what we send.
        auto edited = set_format_parameters(section, pt,
            {{"useinbandfec", opus.inband_fec ? "1" : "0"},
             {"usedtx", opus.dtx ? "1" : "0"},
             {"stereo", opus.stereo ? "1" : "0"},
             {"sprop-stereo", opus.stereo ? "1" : "0"},
             {"maxaveragebitrate", std::to_string(opus.max_average_bitrate)}});
        if (!edited) return edited;
    }
    if (opus_types.empty()) return true;
    return set_attribute(section, "ptime", std::to_string(opus.ptime_ms));
}

Result<bool> apply_video_policy(MediaSection& section, const MediaPolicy& policy) {
    // Where the connection's bandwidth estimate starts, as the peer's sender reads it from its
    // remote description (libwebrtc; docs/sdp.md), never above the cap; under 1 kbit/s there is
    // nothing to say (0 means "the default" to libwebrtc).
    std::uint64_t start_bps = policy.start_video_bitrate.value_or(0);
    if (policy.max_video_bitrate) start_bps = std::min<std::uint64_t>(start_bps, *policy.max_video_bitrate);
    if (start_bps >= 1000) {
        std::vector<std::uint8_t> media_types;
        for (const auto& c : section.codecs) {
            // A format without a=rtpmap has no name to judge it by: left alone.
            if (!c.name.empty() && !is_repair_format(c)) media_types.push_back(c.payload_type);
        }
        for (const auto pt : media_types) {
            auto edited = set_format_parameters(section, pt, {{"x-google-start-bitrate", std::to_string(start_bps / 1000)}});
            if (!edited) return edited;
        }
    }
    if (policy.max_video_bitrate) {
        // AS is kbit/s including overhead (RFC 8866 §5.8), TIAS bit/s without (RFC 3890);
        // Chrome reads AS, Firefox prefers TIAS, so both are written.
        const std::uint64_t bps = *policy.max_video_bitrate;
        auto as = set_bandwidth(section, "AS", (bps + 999) / 1000);
        if (!as) return as;
        return set_bandwidth(section, "TIAS", bps);
    }
    return true;
}

}  // namespace

Result<bool> apply_policy(Description& description, const MediaPolicy& policy) {
    const OpusSettings opus = opus_settings(policy.mode);
    for (auto& section : description.media) {
        if (!section.is_rtp() || section.is_rejected()) continue;
        auto ordered = set_format_order(section, preferred_format_order(section, policy));
        if (!ordered) return ordered;
        auto edited = section.kind == MediaKind::video ? apply_video_policy(section, policy)
                                                       : apply_audio_policy(section, opus);  // is_rtp()
        if (!edited) return edited;
    }
    return true;
}

SenderLimits sender_limits(const MediaPolicy& policy) {
    return {opus_settings(policy.mode).max_average_bitrate, policy.max_video_bitrate};
}

}  // namespace peerline::sdp
