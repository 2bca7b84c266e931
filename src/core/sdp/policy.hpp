// Peerline's codec negotiation policy, as pure functions of descriptions (RFC 8829 JSEP §5;
// Opus parameters RFC 7587 §7; bandwidth RFC 8866 §5.8 and RFC 3890). The browser shell
// applies the result through the standard APIs where they exist (setCodecPreferences for the
// order, RTCRtpSender.setParameters for bitrate) and through apply_policy() where they do not
// (Opus fmtp, ptime, b= lines); docs/sdp.md says which and why.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result.hpp"
#include "sdp/description.hpp"

namespace peerline::sdp {

enum class CallMode { voice, music };
const char* to_string(CallMode mode);
std::optional<CallMode> parse_call_mode(std::string_view text);

struct OpusSettings {
    bool inband_fec = true;     // useinbandfec: recover single losses from the next packet
    bool dtx = true;            // usedtx: send almost nothing during silence
    bool stereo = false;        // stereo / sprop-stereo
    std::uint32_t max_average_bitrate = 32000;  // bit/s
    std::uint16_t ptime_ms = 20;
};
OpusSettings opus_settings(CallMode mode);

struct MediaPolicy {
    CallMode mode = CallMode::voice;
    // Video codecs by preference; the first one both sides support wins. Names compare
    // case-insensitively.
    std::vector<std::string> video_preference{"VP9", "VP8", "H264", "AV1"};
    std::optional<std::uint32_t> max_video_bitrate;  // bit/s, for b=TIAS/b=AS and maxBitrate
    // bit/s the peer's video sender starts at (fmtp x-google-start-bitrate, kbit/s), capped by
    // max_video_bitrate. libwebrtc's default, 300 kbit/s shared with audio, paces a camera's
    // first key frame out slowly: ~10 ms more to the first picture (docs/sdp.md).
    std::optional<std::uint32_t> start_video_bitrate = 800000;
};

// Whether two codec entries (from two descriptions) describe the same format: name, clock
// rate, channels, and the fmtp parameters that make formats incompatible (H.264 profile and
// packetization-mode, RFC 6184 §8.2.2; VP9 profile-id; AV1 profile).
bool same_format(const Codec& a, const Codec& b);

// True for formats that protect another one rather than carry media (rtx, red, ulpfec, flexfec).
bool is_repair_format(const Codec& codec);

// The section's formats reordered by the policy: audio Opus first; video by video_preference;
// each rtx right after the format it repairs; repair formats after media formats; otherwise
// the browser's own order is kept.
std::vector<std::string> preferred_format_order(const MediaSection& section, const MediaPolicy& policy);

// The local codecs of one kind that the remote side also offers, in policy order: what the
// shell hands to RTCRtpTransceiver.setCodecPreferences.
// The codecs view `local`'s text: use them while `local` (or a copy) lives.
std::vector<Codec> negotiated_codecs(const MediaSection& local, const MediaSection& remote, const MediaPolicy& policy);

// The first media codec (not a repair format) of negotiated_codecs, if any.
std::optional<Codec> chosen_codec(const MediaSection& local, const MediaSection& remote, const MediaPolicy& policy);

// Rewrites a local description by the policy, for the edits no standard API can make:
// format order, Opus fmtp and a=ptime in audio sections, the start bitrate (fmtp) and
// b=AS/b=TIAS in video sections.
Result<bool> apply_policy(Description& description, const MediaPolicy& policy);

// Encodings' maxBitrate (bit/s) for RTCRtpSender.setParameters.
struct SenderLimits {
    std::uint32_t audio_max_bitrate = 0;
    std::optional<std::uint32_t> video_max_bitrate;
};
SenderLimits sender_limits(const MediaPolicy& policy);

}  // namespace peerline::sdp
