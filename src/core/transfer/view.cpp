#include "transfer/view.hpp"

namespace peerline::transfer {

const char* to_string(Direction direction) {
    return direction == Direction::outgoing ? "outgoing" : "incoming";
}

const char* to_string(State state) {
    switch (state) {
        case State::offered: return "offered";
        case State::queued: return "queued";
        case State::running: return "running";
        case State::reconnecting: return "reconnecting";
        case State::done: return "done";
        case State::declined: return "declined";
        case State::cancelled: return "cancelled";
        case State::failed: return "failed";
    }
    return "?";
}

bool operator==(const FileView& a, const FileView& b) {
    return a.name == b.name && a.size == b.size && a.done == b.done && a.state == b.state &&
           a.sink == b.sink && a.reason == b.reason;
}

bool operator==(const TransferView& a, const TransferView& b) {
    return a.id == b.id && a.direction == b.direction && a.state == b.state && a.files == b.files &&
           a.total == b.total && a.done == b.done && a.bytes_per_second == b.bytes_per_second &&
           a.eta_seconds == b.eta_seconds && a.reason == b.reason && a.resent == b.resent;
}

}  // namespace peerline::transfer
