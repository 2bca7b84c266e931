// Everything that happens *to* the client, fed into App::handle by the browser shell (or by a
// test). Time enters only as TimerFired; no event reads a clock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "voice_mail_data.hpp"

namespace peerline {

// ---- the page -----------------------------------------------------------------------------------
struct AppStarted {};  // the shell is ready: the core asks it to connect
// The browser says the device lost or regained its network (the window's offline/online events,
// navigator.onLine at start): the page says so, and reconnects at once when it is back.
struct NetworkChanged {
    bool online = true;
};

// ---- the signaling connection ---------------------------------------------------------------
struct ServerOpened {};
struct ServerClosed {};
struct ServerText {
    std::string text;  // one WebSocket text frame, not yet parsed
    double at_ms = 0;  // when it arrived, by the browser's clock: dates a call that rings here
};
struct ServerBinary {
    std::string bytes;  // one WebSocket binary frame (docs/protocol.md "Binary messages")
};

// ---- the user ----------------------------------------------------------------------------------
struct CallIntent {
    std::string peer;  // id from the roster
    bool video = true; // false: an audio-only call
    double at_ms = 0;  // when, by the browser's clock: dates the call in the history
};
// "Call back" on an entry of the call history: `entry` is its place in View::recent (newest
// first); the core finds who that is now (ids change between visits, call_history.hpp).
struct CallBackIntent {
    int entry = 0;
    double at_ms = 0;
};
// Answer to LoadCallHistory, and again whenever another tab of this page changed it.
// `available` false: the browser keeps nothing for this page (storage blocked).
struct CallHistoryLoaded {
    bool available = true;
    std::string json;  // as stored; "" : nothing stored yet
};
struct AcceptIntent {
    bool video = true; // false: "Accept audio only"
};
struct DeclineIntent {};
struct HangUpIntent {};  // also cancels a call still ringing out
// The page is going away (closed, reloaded, navigated: pagehide). Its id dies with it, so the
// call ends and every peer with a data link hears that nothing here will resume.
struct PageClosing {};
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
// Screen sharing (issue 19): the shell answers StartScreenShare with one of these three.
struct ShareScreenIntent {
    bool on = true;  // false: back to the camera
};
struct ScreenShareStarted {};  // getDisplayMedia gave a track, now on the video senders
struct ScreenShareFailed {
    std::string name;    // DOMException name: NotAllowedError when the user cancelled the picker
    std::string reason;  // the exception as text
};
struct ScreenShareEnded {};  // the capture ended by itself (the browser's own "Stop sharing" bar)
// The statistics panel shown or hidden (kept across calls).
struct ShowStatsIntent {
    bool open = true;
};
// A request of the page that the browser refused (full screen, picture-in-picture): said plainly.
struct PageRequestFailed {
    std::string what;    // "full screen" | "picture-in-picture"
    std::string reason;
};
// The installable app's shell (issue 19): the service worker has a newer page ready (a reload
// shows it), or could not be installed (the page works, only not offline).
struct ShellUpdateReady {};
struct ShellInstallFailed {
    std::string reason;
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
// What the browser's Permissions API says of "microphone" or "camera", at start and on change.
struct DevicePermission {
    std::string kind;  // "microphone" | "camera"
    bool granted = false;
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
    std::string mid;      // empty: the browser gave null
    int mline_index = 0;  // negative: the browser gave null
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

// The user chose a new display name (the page remembers it; the core tells the server).
struct RenameIntent {
    std::string name;
};

// ---- data links: chat and file drop over RTCDataChannels (no camera or microphone) -----------
struct OpenLinkIntent {  // the user opened a peer's chat/files pane: connect to them if not yet
    std::string peer;
};
struct SendChatIntent {
    std::string peer;
    std::string text;
};
struct ChatReadIntent {  // the user has seen the peer's messages: clears the unread badge
    std::string peer;
};
// The user made an invite link: join this invite room (>= 128 random bits, chosen by the shell
// with crypto.getRandomValues) in addition to the network room.
struct InviteIntent {
    std::string room;
};
struct FileMeta {
    std::string name;
    std::uint64_t size = 0;
    std::string mime;
};
// The user picked files (or dropped them on a tile). The shell keeps the File objects under
// `pick`, a number it chose, and reads them when the core asks (ReadFileChunk).
struct FilesChosen {
    std::string peer;
    int pick = 0;
    std::vector<FileMeta> files;
};
struct AcceptFilesIntent {
    std::string peer;
    std::string transfer;
};
struct DeclineFilesIntent {
    std::string peer;
    std::string transfer;
};
struct CancelTransferIntent {  // either side, while offered, queued or running
    std::string peer;
    std::string transfer;
};
struct FileChunkRead {  // answers ReadFileChunk
    int pick = 0;
    int file = 0;
    std::uint64_t offset = 0;
    std::string bytes;
};
struct FileReadFailed {
    int pick = 0;
    int file = 0;
    std::string reason;
};
// Answers CheckStorage. `known` false: the browser gave no estimate (no StorageManager, or it
// failed with `reason`); then the offer is accepted and a full disk fails the write instead.
struct StorageChecked {
    std::string key;
    bool known = false;
    std::uint64_t available = 0;  // quota - usage
    std::string reason;
};
// Answers CloseFileSink{keep: true}: the file is flushed to storage and can be saved.
struct FileSinkStored {
    std::string sink;
};
// Opening, writing or flushing a sink failed (a full disk, storage taken away): the shell has
// deleted what it held of it and ignores further writes.
struct FileSinkFailed {
    std::string sink;
    std::string reason;
};

// ---- voice messages ---------------------------------------------------------------------------
// The caller recorded (and previewed) a message for `peer` and pressed Send: an Ogg Opus file
// made by the voice module.
// The caller began recording a message for `peer`: the data link it will travel on can open
// while they speak, so Send does not wait for it.
struct VoiceRecordingStarted {
    std::string peer;
};
struct VoiceMessageRecorded {
    std::string peer;
    std::string bytes;
    double at_ms = 0;  // when, by the browser's clock (ms since 1970)
};
// The caller stopped recording for `peer` and may now listen back: the recording can travel
// sealed under `key` (32 random bytes from crypto.getRandomValues) while they decide, so Send
// only releases the key (docs/voice.md "Sent while you listen back").
struct VoiceMessagePrepared {
    std::string peer;
    std::string bytes;
    std::string key;
};
// The caller discarded the recording they were listening back to: it is never opened.
struct VoiceMessageWithdrawn {
    std::string peer;
};
// What earlier visits kept (answer to LoadStoredVoices). `available` false: the browser has
// no usable IndexedDB (a private window, storage blocked); `reason` says what it answered.
struct StoredVoicesLoaded {
    bool available = true;
    std::string reason;
    std::vector<voice_mail::Record> records;
};
// The answer to StoreVoiceMessage: in the store, or not (quota, a write error).
struct VoiceStored {
    std::string key;
    bool ok = true;
    std::string reason;
};
struct VoicePlayedIntent {  // the listener pressed Play on a received message
    std::string key;
};
struct DeleteVoiceIntent {  // a received message, or one of ours not delivered yet
    std::string key;
};

// ---- RTCDataChannel callbacks, keyed by pc id and the channel's negotiated id ---------------
struct ChannelOpened {
    int pc = 0;
    int channel = 0;
    // pc.sctp.maxMessageSize, the browser's own min(remote limit, what it can send); 0 where
    // the browser has no RTCSctpTransport (the descriptions' limits are used then).
    std::uint64_t max_message_size = 0;
};
struct ChannelClosed {
    int pc = 0;
    int channel = 0;
};
struct ChannelText {
    int pc = 0;
    int channel = 0;
    std::string text;
    double at_ms = 0;  // when it arrived, by the browser's clock: dates received voice messages
};
struct ChannelBinary {
    int pc = 0;
    int channel = 0;
    std::string bytes;
    double at_ms = 0;  // when it arrived, by the browser's clock (as ChannelText)
};
// channel.bufferedAmount: reported after each batch of SendChannelBinary actions and on
// bufferedamountlow, so the core can keep the send queue bounded.
struct ChannelBuffered {
    int pc = 0;
    int channel = 0;
    std::uint64_t amount = 0;
};

// channel.send() threw (a message past max-message-size, "send queue is full", a closing
// channel): that message is lost, so the core fails what it belonged to, with this reason.
struct ChannelSendFailed {
    int pc = 0;
    int channel = 0;
    std::string reason;  // the browser's DOMException name and message
    std::string head;    // a text message whole; the first kSendFailedHeadBytes of a binary one
    bool binary = false;
};
inline constexpr std::size_t kSendFailedHeadBytes = 32;

// ---- timers started with StartTimer -------------------------------------------------------------
struct TimerFired {
    int timer = 0;
};

using Event = std::variant<AppStarted, NetworkChanged, ServerOpened, ServerClosed, ServerText, ServerBinary, CallIntent,
                           CallBackIntent, CallHistoryLoaded,
                           AcceptIntent, DeclineIntent, HangUpIntent, PageClosing, SetMicMuted, SetCameraOff,
                           SetPeerMuted, SetPeerVolume, ShareScreenIntent, ScreenShareStarted,
                           ScreenShareFailed, ScreenShareEnded, ShowStatsIntent, PageRequestFailed, ShellUpdateReady, ShellInstallFailed,
                           SelectDevice, MediaReady, DevicePermission, MediaFailed,
                           DevicesListed, DeviceSwitched, LocalDescriptionCreated,
                           LocalDescriptionSet, RemoteDescriptionSet, LocalCandidate,
                           PcStateChanged, NegotiationNeeded, RemoteTrackAdded, PcOperationFailed,
                           StatsReport, RenameIntent, OpenLinkIntent, SendChatIntent, ChatReadIntent, InviteIntent,
                           FilesChosen, AcceptFilesIntent, DeclineFilesIntent,
                           CancelTransferIntent, FileChunkRead, FileReadFailed,
                           StorageChecked, FileSinkStored, FileSinkFailed,
                           VoiceRecordingStarted, VoiceMessageRecorded, VoiceMessagePrepared,
                           VoiceMessageWithdrawn, StoredVoicesLoaded, VoiceStored,
                           VoicePlayedIntent, DeleteVoiceIntent, ChannelOpened,
                           ChannelClosed, ChannelText, ChannelBinary, ChannelBuffered, ChannelSendFailed,
                           TimerFired>;

}  // namespace peerline
