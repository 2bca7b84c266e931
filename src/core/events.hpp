// Everything that happens *to* the client, fed into App::handle by the browser shell (or by a
// test). Time enters only as TimerFired; no event reads a clock.
#pragma once

#include <string>
#include <variant>
#include <vector>

namespace peerline {

// ---- the page -----------------------------------------------------------------------------------
struct AppStarted {};  // the shell is ready: the core asks it to connect

// ---- the signaling connection ---------------------------------------------------------------
struct ServerOpened {};
struct ServerClosed {};
struct ServerText {
    std::string text;  // one WebSocket text frame, not yet parsed
};

// ---- the user ----------------------------------------------------------------------------------
struct CallIntent {
    std::string peer;  // id from the roster
    bool video = true; // false: an audio-only call
};
struct AcceptIntent {
    bool video = true; // false: "Accept audio only"
};
struct DeclineIntent {};
struct HangUpIntent {};  // also cancels a call still ringing out
struct SetMicMuted {
    bool muted = false;
};
struct SetCameraOff {
    bool off = false;
};
struct SetPeerMuted {  // local only: the peer is not told
    bool muted = false;
};
struct SetPeerVolume {  // local only, 0..1
    double volume = 1.0;
};
struct SelectDevice {
    std::string kind;  // "audioinput" | "videoinput" | "audiooutput"
    std::string device_id;
};

// ---- local media (getUserMedia, enumerateDevices) ---------------------------------------------
struct MediaReady {
    bool audio = true;  // the stream has a microphone track
    bool video = true;  // the stream has a camera track
};
struct MediaFailed {
    std::string reason;  // DOMException name + message, shown to the user
};
struct MediaDevice {
    std::string id;
    std::string kind;   // "audioinput" | "videoinput" | "audiooutput"
    std::string label;  // may be empty before permission is granted
};
struct DevicesListed {
    std::vector<MediaDevice> devices;
};
struct DeviceSwitched {
    std::string kind;
    std::string device_id;
    bool ok = true;
    std::string reason;  // why not, if !ok
};

// ---- RTCPeerConnection callbacks, keyed by the core's pc id -----------------------------------
struct LocalDescriptionCreated {
    int pc = 0;
    std::string type;  // "offer" | "answer"
    std::string sdp;
};
struct LocalDescriptionSet {
    int pc = 0;
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
struct NegotiationNeeded {
    int pc = 0;
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
struct StatsReport {
    int pc = 0;
    std::string json;  // JSON.stringify(Array.from((await pc.getStats()).values()))
};

// ---- timers started with StartTimer -------------------------------------------------------------
struct TimerFired {
    int timer = 0;
};

using Event = std::variant<AppStarted, ServerOpened, ServerClosed, ServerText, CallIntent,
                           AcceptIntent, DeclineIntent, HangUpIntent, SetMicMuted, SetCameraOff,
                           SetPeerMuted, SetPeerVolume, SelectDevice, MediaReady, MediaFailed,
                           DevicesListed, DeviceSwitched, LocalDescriptionCreated,
                           LocalDescriptionSet, RemoteDescriptionSet, LocalCandidate,
                           PcStateChanged, NegotiationNeeded, RemoteTrackAdded, PcOperationFailed,
                           StatsReport, TimerFired>;

}  // namespace peerline
