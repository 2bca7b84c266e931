// What the file-transfer code needs from a data section (RFC 8841): the SCTP port and the
// largest message the other side accepts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sdp/description.hpp"

namespace peerline::sdp {

// RFC 8841 §6.1: without a=max-message-size the peer can take 64 KiB.
constexpr std::uint64_t kDefaultMaxMessageSize = 65536;
// RFC 8841 §5.2 (and browsers): without a=sctp-port the port is 5000.
constexpr std::uint16_t kDefaultSctpPort = 5000;

struct DataChannelTransport {
    std::string mid;
    std::uint16_t sctp_port = kDefaultSctpPort;
    // 0 means "no limit" (RFC 8841 §6); see largest_sendable_message for what to send.
    std::uint64_t max_message_size = kDefaultMaxMessageSize;
    bool max_message_size_given = false;
};

// The first usable "webrtc-datachannel" section, if the description has one.
std::optional<DataChannelTransport> data_channel_transport(const Description& description);

// The largest message we should send the peer: its max-message-size, treating 0 (no limit)
// and anything larger as our own ceiling (e.g. what the browser's send queue can take).
std::uint64_t largest_sendable_message(const DataChannelTransport& remote, std::uint64_t own_ceiling);

}  // namespace peerline::sdp
