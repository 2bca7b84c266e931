// An ICE candidate as carried in "a=candidate:" lines and in trickled candidate strings
// (RFC 8839 §5.1, with TCP candidates from RFC 6544 §4.5). Its text fields are views into the
// parsed text: a description's own buffer for candidates of a MediaSection, the caller's string
// for parse_candidate (which must then outlive the candidate).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "result.hpp"

namespace peerline::sdp {

enum class CandidateType { host, srflx, prflx, relay };
enum class TcpType { active, passive, so };  // RFC 6544 §4.5

const char* to_string(CandidateType type);
const char* to_string(TcpType type);

struct Candidate {
    std::string_view foundation;         // 1*32 ice-char
    std::uint16_t component = 1;     // 1 = RTP (the only one with rtcp-mux), 2 = RTCP
    std::string_view transport;          // as written: Chrome "udp", Firefox "UDP"
    std::uint32_t priority = 0;
    std::string_view address;            // IPv4, IPv6, or an mDNS name ("<uuid>.local")
    std::uint16_t port = 0;
    CandidateType type = CandidateType::host;
    std::optional<std::string_view> related_address;  // raddr
    std::optional<std::uint16_t> related_port;   // rport
    std::optional<TcpType> tcp_type;
    // Every other "name value" pair after typ/raddr/rport (generation, ufrag, network-id,
    // network-cost, ...), in order, so that nothing is lost.
    std::vector<std::pair<std::string_view, std::string_view>> extensions;

    bool is_udp() const;
    bool is_tcp() const;
    const std::string_view* extension(std::string_view name) const;
};

// Accepts "candidate:..." with or without a leading "a=" (the form in an SDP line and the form
// in RTCIceCandidate.candidate). Errors name the field that is wrong. The candidate's text
// fields view `text`: keep it alive while the candidate is used.
Result<Candidate> parse_candidate(std::string_view text);

// The attribute value without "a=": "candidate:<foundation> <component> ...".
std::string to_string(const Candidate& candidate);

}  // namespace peerline::sdp
