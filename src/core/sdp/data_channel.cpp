#include "sdp/data_channel.hpp"

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

std::uint64_t largest_sendable_message(const DataChannelTransport& remote, std::uint64_t own_ceiling) {
    if (remote.max_message_size == 0 || remote.max_message_size > own_ceiling) return own_ceiling;
    return remote.max_message_size;
}

}  // namespace peerline::sdp
