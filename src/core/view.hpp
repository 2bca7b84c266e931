// What the page shows, derived by the core. The shell draws it with textContent and attributes.
#pragma once

#include <string>
#include <vector>

namespace peerline {

struct PeerTile {
    std::string id;
    std::string name;
    std::string device;
    bool can_call = false;  // false while a call is in progress
};

enum class CallPhase { idle, calling, incoming, connecting, connected, ended };

const char* to_string(CallPhase phase);

struct CallPanel {
    CallPhase phase = CallPhase::idle;
    std::string peer_id;
    std::string peer_name;
    std::string status;       // one line for a person: "Calling Ada…", "Call ended: declined"
    int remote_pc = 0;        // pc whose remote stream the remote <video> shows; 0: none
    bool show_local_video = false;
    bool can_hang_up = false;
};

struct View {
    bool online = false;      // signaling connection up and welcomed
    std::string self_id;
    std::string self_name;
    std::vector<PeerTile> peers;
    CallPanel call;
    std::string notice;       // last error or notice for the user; empty: none
};

// Equality lets App emit Render only when what the page shows has changed.
bool operator==(const PeerTile& a, const PeerTile& b);
bool operator==(const CallPanel& a, const CallPanel& b);
bool operator==(const View& a, const View& b);

}  // namespace peerline
