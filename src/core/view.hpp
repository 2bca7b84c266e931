// What the page shows, derived by the core. The shell draws it with textContent and attributes.
#pragma once

#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "call_quality.hpp"
#include "events.hpp"
#include "link/chat.hpp"
#include "stats.hpp"
#include "transfer/view.hpp"
#include "voice_mail_data.hpp"

namespace peerline {

struct PeerTile {
    std::string id;
    std::string name;
    std::string device;
    std::vector<std::string> via;  // rooms we share: "network", "invite"
    bool can_call = false;  // false while a call is in progress, but for the one ringing here
    int unread = 0;         // chat messages not seen yet
    std::string link;       // data link: "" (none) | waiting | connecting | open | reconnecting | closed
    bool offers_files = false;  // a file offer from them waits for our answer
};

// The chat and file transfers with one peer, shown beside the roster when a tile is opened.
struct Conversation {
    std::string peer_id;    // "" : none open
    std::string peer_name;
    bool peer_online = false;
    std::string link;       // as PeerTile::link
    std::string link_problem;  // why the link closed, if it did
    std::vector<link::ChatLine> chat;  // oldest first
    std::vector<transfer::TransferView> transfers;  // oldest first
};

enum class CallPhase { idle, ringing_out, ringing_in, connecting, connected, reconnecting, ended };
const char* to_string(CallPhase phase);

enum class EndReason { none, declined, missed, busy, cancelled, hung_up, failed, connection_lost };
const char* to_string(EndReason reason);
// The reason named by a peer's hangup signal; an unknown word reads as hung_up.
EndReason end_reason_from(std::string_view word);

enum class LinkState { connecting, online, reconnecting };
const char* to_string(LinkState state);

struct CallPanel {
    CallPhase phase = CallPhase::idle;
    EndReason end_reason = EndReason::none;
    bool on_stage = false;      // the call takes the stage: ringing out, connecting, connected, reconnecting
    std::string peer_id;
    std::string peer_name;
    bool video = true;          // a video call (false: audio only)
    std::string status;         // one line for a person: "Calling Ada…", "Call ended: declined"
    bool ringing = false;       // play the ringtone, show the incoming-call dialog
    // Which buttons make sense now.
    bool can_accept = false;    // Accept, Accept audio only, Decline
    bool can_cancel = false;    // Cancel while ringing out
    bool can_hang_up = false;
    bool can_toggle_camera = false;
    bool can_share_screen = false;  // a live video call with our camera's sender
    bool sharing_screen = false;    // our screen is on the video sender (or being picked)
    bool remote_sharing = false;    // the peer says its screen is on its video sender: shown even
                                    // in an audio-only call
    // Our side.
    bool mic_muted = false;
    bool camera_off = false;
    bool show_local_video = false;
    // The peer's side, as they told us.
    bool remote_mic_muted = false;
    bool remote_camera_off = false;
    // The peer as we hear them (local only).
    bool peer_muted = false;
    double peer_volume = 1.0;
    int remote_pc = 0;          // pc whose remote stream the remote media element shows; 0: none
    std::string elapsed;        // "12:34" since media first flowed; "" before
    CallQuality quality = CallQuality::unknown;
    std::string quality_label;  // "Good connection", …; "" while unknown
    bool stats_open = false;    // the statistics panel is shown (the user's toggle)
    CallStats stats;
    std::string stats_line;
    std::deque<double> bitrate_in_history;   // kbps, oldest first, for a sparkline
    std::deque<double> bitrate_out_history;
};

struct DeviceChoice {
    std::vector<MediaDevice> devices;  // every input and output device the browser listed
    std::string audio_input, video_input, audio_output;  // selected ids; "" = default
};

// Voice messages (issues 8, 20): who we may leave one for, what became of the last one we sent,
// ours not delivered yet, and the ones we received.
struct VoicePanel {
    std::string offer_to;       // peer id: our call to them ended declined, missed or busy; "": none
    std::string offer_to_name;
    voice_mail::Outbox outbox;
    std::vector<voice_mail::Note> received;  // oldest first
    std::vector<voice_mail::Unsent> unsent;   // oldest first
    std::string notice;                       // about kept messages (dropped, not storable)
};

// One entry of the call history (call_history.hpp) as the idle page lists it, newest first.
struct RecentCall {
    std::string peer_name;
    std::string peer_device;
    bool incoming = false;
    bool missed = false;        // an incoming call not taken: marked and counted
    std::string summary;        // "Missed · video", "Outgoing · audio · 3:12"
    double at_ms = 0;           // the shell writes it in the reader's locale
    bool can_call_back = false;
    std::string call_back_reason;  // why not, for a person: "Ada is not online"; "" when it can
};
bool operator==(const RecentCall& a, const RecentCall& b);

struct View {
    LinkState link = LinkState::connecting;
    bool online = false;      // welcomed by the server right now
    bool network_down = false;  // the browser says the device has no network
    std::string self_id;
    std::string self_name;
    std::vector<PeerTile> peers;
    CallPanel call;
    DeviceChoice devices;
    Conversation conversation;
    std::string invite_room;  // the invite room we are in; "" : none
    VoicePanel voice;
    std::vector<RecentCall> recent;  // the call history, newest first
    int recent_missed = 0;           // missed calls among them
    std::string notice;       // last error or notice for the user; empty: none
    bool update_ready = false;  // a newer page is cached: offer "Reload"
};

// Equality lets App emit Render only when what the page shows has changed (view_equality.cpp).
bool operator==(const PeerTile& a, const PeerTile& b);
bool operator==(const MediaDevice& a, const MediaDevice& b);
bool operator==(const CallPanel& a, const CallPanel& b);
bool operator==(const DeviceChoice& a, const DeviceChoice& b);
bool operator==(const Conversation& a, const Conversation& b);
bool operator==(const VoicePanel& a, const VoicePanel& b);
bool operator==(const View& a, const View& b);

}  // namespace peerline
