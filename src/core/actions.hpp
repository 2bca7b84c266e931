// Everything the client wants *done*, returned by App::handle and executed by the browser shell
// with real APIs. Each action is plain data so tests can assert on it.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "voice_mail_data.hpp"

namespace peerline {

// ---- the signaling connection ---------------------------------------------------------------
struct ConnectServer {};  // open the WebSocket; answers ServerOpened / ServerClosed
struct SendToServer {
    std::string text;  // one WebSocket text frame
};

// ---- voice messages: the browser's store (IndexedDB, docs/voice.md) -----------------------------
// The shell answers StoredVoicesLoaded with every record earlier visits kept.
struct LoadStoredVoices {};
// Put `record` (a checked message) in the store, and keep its bytes to play and to save as a
// .opus file; the shell answers VoiceStored.
struct StoreVoiceMessage {
    voice_mail::Record record;
};
struct DeleteStoredVoice {  // from the store and from the page
    std::string key;
};
struct MarkStoredVoicePlayed {
    std::string key;
};

// ---- call history: the browser's storage (localStorage, docs/using.md "Recent calls") --------
// The shell answers CallHistoryLoaded with what is stored.
struct LoadCallHistory {};
struct SaveCallHistory {
    std::string json;  // call_history::serialize: replaces what is stored
};

// ---- local media ---------------------------------------------------------------------------------
struct RequestMedia {  // getUserMedia with the selected devices; answers MediaReady or MediaFailed
    bool audio = true;
    bool video = true;
    std::string audio_device;  // "" : the browser's default
    std::string video_device;
};
struct StopMedia {};  // stop every local track
struct SetTrackEnabled {  // track.enabled on the local tracks of a kind (mute, camera off)
    std::string kind;     // "audio" | "video"
    bool enabled = true;
};
struct ListDevices {};  // enumerateDevices; answers DevicesListed (and again on devicechange)
struct SwitchDevice {   // new track from that device, replaceTrack on every sender (no
                        // renegotiation); "audiooutput": setSinkId on the remote media element
    std::string kind;
    std::string device_id;
};

// getDisplayMedia, then replaceTrack of the camera's track on every video sender (no
// renegotiation), contentHint "detail". Answers ScreenShareStarted or ScreenShareFailed, and
// ScreenShareEnded when the capture ends by itself.
// `add_video`: the call sends no video (audio only, or no camera): the screen goes on a video
// transceiver of call `pc` made to send (an existing receive-only one, else a new one), which
// renegotiates (the browser's negotiationneeded, then NegotiationNeeded).
struct StartScreenShare {
    bool add_video = false;
    int pc = 0;
};
// Stops the screen capture; the camera's track goes back on the senders if `camera`, else none.
// `remove_video`: undoes add_video: that transceiver stops sending again (renegotiates).
struct StopScreenShare {
    bool camera = true;
    bool remove_video = false;
};

// ---- RTCPeerConnection, keyed by an id the core chose ----------------------------------------
struct CreatePeerConnection {
    int pc = 0;
    std::string configuration_json;  // RTCConfiguration, e.g. {"iceServers":[...]}
};
struct AddLocalTracks {  // addTrack for each track of the local stream
    int pc = 0;
};
// A sendrecv transceiver with no track yet, so that an offer need not wait for the camera.
struct AddTransceiver {
    int pc = 0;
    std::string kind;  // "audio" | "video"
    bool send = true;  // sendrecv; false: recvonly (no camera here, but the peer's video wanted)
};
// The transceivers of `kind` stop sending (direction recvonly): the caller offered before its
// devices opened and found no camera. The browser then asks to renegotiate. Without it, the
// peer's <video> would hold a video track that never gets a frame, and Chromium then does not
// play the stream's sound either.
struct StopSending {
    int pc = 0;
    std::string kind;
};
// replaceTrack: each track of the local stream onto a trackless sender of its kind (those of
// AddTransceiver); no renegotiation.
struct AttachLocalTracks {
    int pc = 0;
};
// RTCRtpTransceiver.setCodecPreferences for every transceiver of `kind`: the browser's own
// capabilities, reordered so that mime types listed here come first, in this order.
struct SetCodecPreferences {
    int pc = 0;
    std::string kind;                    // "audio" | "video"
    std::vector<std::string> mime_order; // e.g. {"video/VP9", "video/VP8"}
};
// RTCRtpSender.setParameters: encodings[].maxBitrate for every sender of `kind`.
struct SetSenderMaxBitrate {
    int pc = 0;
    std::string kind;
    int max_bitrate_bps = 0;
};
struct CreateOffer {  // answers LocalDescriptionCreated
    int pc = 0;
    bool ice_restart = false;
};
struct CreateAnswer {  // answers LocalDescriptionCreated
    int pc = 0;
};
struct SetLocalDescription {  // answers LocalDescriptionSet or PcOperationFailed
    int pc = 0;
    std::string type;
    std::string sdp;
};
struct SetRemoteDescription {  // answers RemoteDescriptionSet or PcOperationFailed; an offer
                               // in have-local-offer rolls back implicitly (perfect negotiation)
    int pc = 0;
    std::string type;
    std::string sdp;
};
struct AddIceCandidate {
    int pc = 0;
    std::string candidate;
    std::string mid;
    int mline_index = 0;
};
struct CollectStats {  // pc.getStats(); answers StatsReport
    int pc = 0;
};
struct ClosePeerConnection {
    int pc = 0;
};

// ---- RTCDataChannel ------------------------------------------------------------------------------
// pc.createDataChannel(label, {negotiated: true, id, ordered: true}): reliable and ordered; both
// sides create the same channels, so neither waits for ondatachannel. Answers ChannelOpened,
// ChannelText/ChannelBinary, ChannelBuffered and ChannelClosed.
struct CreateDataChannel {
    int pc = 0;
    std::string label;
    int id = 0;
    std::uint32_t buffered_low_threshold = 0;  // bufferedAmountLowThreshold
};
struct SendChannelText {
    int pc = 0;
    int channel = 0;
    std::string text;
};
struct SendChannelBinary {  // the shell answers ChannelBuffered once the batch is sent
    int pc = 0;
    int channel = 0;
    std::string bytes;
};

// ---- local files (picked by the user, kept by the shell under a pick number) ------------------
struct ReadFileChunk {  // File.slice(offset, offset + length); answers FileChunkRead/FileReadFailed
    int pick = 0;
    int file = 0;
    std::uint64_t offset = 0;
    std::uint32_t length = 0;
};
struct ReleaseFiles {  // the core will not read this pick again
    int pick = 0;
};
// A received file being written by the shell as it arrives, under a key the core chose: to the
// Origin Private File System through a worker's sync access handle, or to Blob parts where the
// browser has no such handle (docs/transfer.md "Where received bytes go").
struct OpenFileSink {
    std::string sink;
    std::string name;  // already sanitized: no directory part, shown as text only
    std::uint64_t size = 0;
    std::string mime;
};
struct WriteFileSink {
    std::string sink;
    std::string bytes;
};
struct CloseFileSink {
    std::string sink;
    // true: verified: flush it and offer it for saving; the shell answers FileSinkStored (or
    // FileSinkFailed). false: delete what was written (also a file already stored).
    bool keep = false;
};
// A resumed transfer (framing v2) continues at `size`: the sink drops what was written past it
// (bytes after the last verified block) and the next write goes there.
struct RewindFileSink {
    std::string sink;
    std::uint64_t size = 0;
};
// Before accepting an offer: navigator.storage.estimate(); answers StorageChecked with `key`.
struct CheckStorage {
    std::string key;
    std::uint64_t bytes = 0;  // what the offer needs (for logs; the core decides on the answer)
};
// At start: delete the received files earlier visits left in the origin's storage (never those
// of another tab that is still open).
struct DeleteLeftoverFiles {};

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

using Action = std::variant<ConnectServer, SendToServer, LoadStoredVoices, StoreVoiceMessage,
                            DeleteStoredVoice, MarkStoredVoicePlayed, LoadCallHistory, SaveCallHistory,
                            RequestMedia, StopMedia, SetTrackEnabled,
                            ListDevices, SwitchDevice, StartScreenShare, StopScreenShare,
                            CreatePeerConnection, AddLocalTracks,
                            AddTransceiver, StopSending, AttachLocalTracks,
                            SetCodecPreferences, SetSenderMaxBitrate, CreateOffer, CreateAnswer,
                            SetLocalDescription, SetRemoteDescription, AddIceCandidate,
                            CollectStats, ClosePeerConnection, CreateDataChannel,
                            SendChannelText, SendChannelBinary, ReadFileChunk, ReleaseFiles,
                            OpenFileSink, WriteFileSink, CloseFileSink, RewindFileSink, CheckStorage,
                            DeleteLeftoverFiles, StartTimer, CancelTimer,
                            Render>;

}  // namespace peerline
