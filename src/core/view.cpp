#include "view.hpp"

#include <tuple>

namespace peerline {

const char* to_string(CallPhase phase) {
    switch (phase) {
        case CallPhase::idle: return "idle";
        case CallPhase::ringing_out: return "ringing-out";
        case CallPhase::ringing_in: return "ringing-in";
        case CallPhase::connecting: return "connecting";
        case CallPhase::connected: return "connected";
        case CallPhase::reconnecting: return "reconnecting";
        case CallPhase::ended: return "ended";
    }
    return "unknown";
}

// These strings are also the `reason` of a hangup signal (docs/protocol.md).
const char* to_string(EndReason reason) {
    switch (reason) {
        case EndReason::none: return "none";
        case EndReason::declined: return "declined";
        case EndReason::missed: return "missed";
        case EndReason::busy: return "busy";
        case EndReason::cancelled: return "cancelled";
        case EndReason::hung_up: return "hung-up";
        case EndReason::failed: return "failed";
        case EndReason::connection_lost: return "connection-lost";
    }
    return "unknown";
}

EndReason end_reason_from(std::string_view word) {
    for (auto reason : {EndReason::declined, EndReason::missed, EndReason::busy, EndReason::cancelled,
                        EndReason::hung_up, EndReason::failed, EndReason::connection_lost}) {
        if (word == to_string(reason)) return reason;
    }
    return EndReason::hung_up;
}

const char* to_string(LinkState state) {
    switch (state) {
        case LinkState::connecting: return "connecting";
        case LinkState::online: return "online";
        case LinkState::reconnecting: return "reconnecting";
    }
    return "unknown";
}

}  // namespace peerline
