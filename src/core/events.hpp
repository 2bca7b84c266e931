// Everything that happens *to* the client, fed into App::handle by the browser shell (or by a
// test). Time enters only as TimerFired; no event reads a clock.
#pragma once

#include <string>
#include <variant>

namespace peerline {

// ---- the signaling connection ---------------------------------------------------------------
struct ServerOpened {};
struct ServerClosed {};
struct ServerText {
    std::string text;  // one WebSocket text frame, not yet parsed
};

// ---- the user ----------------------------------------------------------------------------------
struct CallIntent {
    std::string peer;  // id from the roster
};
struct HangUpIntent {};

// ---- local media (getUserMedia) ---------------------------------------------------------------
struct MediaReady {};
struct MediaFailed {
    std::string reason;  // DOMException name + message, shown to the user
};

// ---- RTCPeerConnection callbacks, keyed by the core's pc id -----------------------------------
struct LocalDescriptionCreated {
    int pc = 0;
    std::string type;  // "offer" | "answer"
    std::string sdp;
};
struct RemoteDescriptionSet {
    int pc = 0;
};
struct LocalCandidate {
    int pc = 0;
    std::string candidate;  // empty: end of candidates
    std::string mid;
    int mline_index = 0;
};
struct PcStateChanged {
    int pc = 0;
    std::string state;  // RTCPeerConnectionState: new|connecting|connected|disconnected|failed|closed
};
struct RemoteTrackAdded {
    int pc = 0;
    std::string kind;  // "audio" | "video"
};
struct PcOperationFailed {
    int pc = 0;
    std::string operation;  // e.g. "setRemoteDescription"
    std::string reason;
};

// ---- timers started with StartTimer -------------------------------------------------------------
struct TimerFired {
    int timer = 0;
};

using Event = std::variant<ServerOpened, ServerClosed, ServerText, CallIntent, HangUpIntent,
                           MediaReady, MediaFailed, LocalDescriptionCreated, RemoteDescriptionSet,
                           LocalCandidate, PcStateChanged, RemoteTrackAdded, PcOperationFailed,
                           TimerFired>;

}  // namespace peerline
