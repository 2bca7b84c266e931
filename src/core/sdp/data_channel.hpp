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

// Everything that bounds one message we send on a data channel.
struct MessageSizeLimits {
    // The peer's description (RFC 8841 §6): what it can receive. Absent: no data section seen yet.
    std::optional<DataChannelTransport> remote;
    // Our own description's a=max-message-size: browsers advertise what their own SCTP stack
    // handles, and do not send more than that either (Chromium: 262144 both ways), so a sender
    // obeys it too. 0 or absent: our stack said nothing.
    std::uint64_t local = 0;
    // RTCSctpTransport.maxMessageSize (W3C webrtc §6.1.1): the browser's own min(remote limit,
    // what it can send); authoritative when the browser has it. 0: not known.
    std::uint64_t transport = 0;
};

// The largest message we may send: the smaller of the local and the remote limit, never above
// `own_ceiling` (e.g. the chunk size we want). Without a remote description yet, RFC 8841 §6.1's
// 64 KiB. Sending more than the smaller limit makes the browser's send() throw.
std::uint64_t largest_sendable_message(const MessageSizeLimits& limits, std::uint64_t own_ceiling);

}  // namespace peerline::sdp
