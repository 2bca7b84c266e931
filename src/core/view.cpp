#include "view.hpp"

namespace peerline {

const char* to_string(CallPhase phase) {
    switch (phase) {
        case CallPhase::idle: return "idle";
        case CallPhase::calling: return "calling";
        case CallPhase::incoming: return "incoming";
        case CallPhase::connecting: return "connecting";
        case CallPhase::connected: return "connected";
        case CallPhase::ended: return "ended";
    }
    return "unknown";
}

bool operator==(const PeerTile& a, const PeerTile& b) {
    return a.id == b.id && a.name == b.name && a.device == b.device && a.can_call == b.can_call;
}

bool operator==(const CallPanel& a, const CallPanel& b) {
    return a.phase == b.phase && a.peer_id == b.peer_id && a.peer_name == b.peer_name &&
           a.status == b.status && a.remote_pc == b.remote_pc &&
           a.show_local_video == b.show_local_video && a.can_hang_up == b.can_hang_up;
}

bool operator==(const View& a, const View& b) {
    return a.online == b.online && a.self_id == b.self_id && a.self_name == b.self_name &&
           a.peers == b.peers && a.call == b.call && a.notice == b.notice;
}

}  // namespace peerline
