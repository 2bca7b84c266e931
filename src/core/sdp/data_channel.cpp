#include "sdp/data_channel.hpp"

#include <algorithm>

namespace peerline::sdp {

std::optional<DataChannelTransport> data_channel_transport(const Description& description) {
    for (const auto& s : description.media) {
        if (s.kind != MediaKind::application || s.is_rejected()) continue;
        bool is_data_channel = false;
        for (const auto& f : s.formats) is_data_channel = is_data_channel || f == "webrtc-datachannel";
        if (!is_data_channel) continue;
        DataChannelTransport t;
        t.mid = s.mid;
        if (s.sctp_port) t.sctp_port = *s.sctp_port;
        if (s.max_message_size) {
            t.max_message_size = *s.max_message_size;
            t.max_message_size_given = true;
        }
        return t;
    }
    return std::nullopt;
}

std::uint64_t largest_sendable_message(const MessageSizeLimits& limits, std::uint64_t own_ceiling) {
    // The transport already is the minimum of both sides; a browser that reports it is believed.
    if (limits.transport > 0) return std::min(limits.transport, own_ceiling);
    std::uint64_t largest = own_ceiling;
    // RFC 8841 §6: 0 means the receiver takes messages of any size.
    const std::uint64_t remote = limits.remote ? limits.remote->max_message_size : kDefaultMaxMessageSize;
    if (remote > 0) largest = std::min(largest, remote);
    if (limits.local > 0) largest = std::min(largest, limits.local);
    return largest;
}

}  // namespace peerline::sdp
