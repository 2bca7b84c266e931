// Everything the client wants *done*, returned by App::handle and executed by the browser shell
// with real APIs. Each action is plain data so tests can assert on it.
#pragma once

#include <string>
#include <variant>

namespace peerline {

struct SendToServer {
    std::string text;  // one WebSocket text frame
};

// ---- local media ---------------------------------------------------------------------------------
struct RequestMedia {  // getUserMedia; answers MediaReady or MediaFailed
    bool audio = true;
    bool video = true;
};
struct StopMedia {};  // stop every local track

// ---- RTCPeerConnection, keyed by an id the core chose ----------------------------------------
struct CreatePeerConnection {
    int pc = 0;
    std::string configuration_json;  // RTCConfiguration, e.g. {"iceServers":[...]}
};
struct AddLocalTracks {  // addTrack for each track of the local stream
    int pc = 0;
};
struct CreateOffer {  // answers LocalDescriptionCreated
    int pc = 0;
};
struct CreateAnswer {  // answers LocalDescriptionCreated
    int pc = 0;
};
struct SetLocalDescription {
    int pc = 0;
    std::string type;
    std::string sdp;
};
struct SetRemoteDescription {  // answers RemoteDescriptionSet or PcOperationFailed
    int pc = 0;
    std::string type;
    std::string sdp;
};
struct AddIceCandidate {
    int pc = 0;
    std::string candidate;  // empty: end of candidates
    std::string mid;
    int mline_index = 0;
};
struct ClosePeerConnection {
    int pc = 0;
};

// ---- timers: the shell answers TimerFired after `ms` unless cancelled ----------------------------
struct StartTimer {
    int timer = 0;
    int ms = 0;
};
struct CancelTimer {
    int timer = 0;
};

// The View changed: redraw the page from App::view().
struct Render {};

using Action = std::variant<SendToServer, RequestMedia, StopMedia, CreatePeerConnection,
                            AddLocalTracks, CreateOffer, CreateAnswer, SetLocalDescription,
                            SetRemoteDescription, AddIceCandidate, ClosePeerConnection, StartTimer,
                            CancelTimer, Render>;

}  // namespace peerline
