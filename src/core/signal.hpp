// What two clients say to each other through the server's `signal` relay (the `data` object).
// The server never looks inside; the core on each end defines and checks it.
#pragma once

#include <cstddef>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "result.hpp"

namespace peerline::signal {

constexpr std::size_t kMaxSdpBytes = 48 * 1024;  // fits the server's 64 KiB text frame
constexpr std::size_t kMaxCandidateBytes = 1024;
constexpr std::size_t kMaxKindBytes = 32;
constexpr std::size_t kMaxCallBytes = 128;
constexpr std::size_t kMaxMidBytes = 64;    // RFC 8843 §4: a mid is a short token
constexpr int kMaxMline = 1024;
constexpr std::size_t kMaxReasonBytes = 200;

// RFC 8829 (JSEP) offer/answer, carried with the id of the call they belong to so that
// messages of an older call are recognised and ignored.
struct Offer {
    std::string call;   // the call's id, or the data link's id when `data_link` is set
    std::string sdp;
    bool video = true;  // the kind of call the caller chose; the first offer of a call rings
    bool data_link = false;  // a data link (chat, files): never rings, no camera or microphone
};
struct Answer {
    std::string call;
    std::string sdp;
};
// Trickle ICE (RFC 8838): one candidate line with the media section it belongs to. As in
// RTCIceCandidateInit, the section is named by `mid`, by `mline`, or both; either may be absent
// (an empty mid, a negative index), never both for a real candidate.
struct Candidate {
    std::string call;
    std::string candidate;
    std::string mid;
    int mline_index = 0;
};
// The callee's page is ringing: the caller shows "Ringing…" instead of "Calling…".
struct Ringing {
    std::string call;
};
// The callee accepted and is opening its camera and microphone: the caller stops its ring
// timeout (the answer may take a permission prompt) and waits for the connection instead.
struct Accepted {
    std::string call;
};
// What the sender's own controls say, so the other side can show a muted badge or an avatar
// instead of a frozen frame.
struct MediaState {
    std::string call;
    bool muted = false;
    bool camera_off = false;
    bool screen = false;  // the sender's screen is on its video sender (issue 19); older pages omit it
};
struct Hangup {
    std::string call;
    std::string reason;  // "hung-up" | "declined" | "missed" | "busy" | "cancelled" | "failed"
};
// A data link's hangup from a page that is going away: nothing of that link will resume.
inline constexpr const char* kPageClosed = "page-closed";

// "Your message could not be used": sent back for a signal this client drops as malformed, so
// the sender can tell its user instead of waiting on silence. Never answered with another
// refusal. `call` is the refused message's, when it could be read.
struct Refused {
    std::string call;
    std::string reason;
};

// "Please open a data link to me": sent by the peer with the larger id, because the one with
// the smaller id always makes a link's first offer, so two links cannot cross (docs/protocol.md).
struct LinkRequest {
    std::string call;  // a fresh id of the request; the link gets its own id from the offerer
};

using Payload = std::variant<Offer, Answer, Candidate, Ringing, Accepted, MediaState, Hangup, LinkRequest, Refused>;

Result<Payload> parse(const nlohmann::json& data);
// The `call` of a payload that did not parse, if it has a readable one ("" if not).
std::string readable_call(const nlohmann::json& data);
nlohmann::json to_json(const Payload& payload);
const std::string& call_id(const Payload& payload);

}  // namespace peerline::signal
