// What the page shows of file transfers with one peer. Plain data, compared with == by the App
// to decide whether to re-render: done/rate/ETA change only on progress ticks and state changes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace peerline::transfer {

enum class Direction { outgoing, incoming };
enum class State {
    offered,  // waiting for the receiver's decision
    queued,   // accepted, waiting for an earlier transfer (or, receiving, for the first frame)
    running,
    // Framing v2: the link dropped; waiting (kResumeGraceMs) for the next link with the same
    // peer to continue from the last verified block.
    reconnecting,
    done,
    declined,
    cancelled,
    failed,
};
const char* to_string(Direction direction);
const char* to_string(State state);
inline bool is_finished(State s) { return s == State::done || s == State::declined || s == State::cancelled || s == State::failed; }

struct FileView {
    std::string name;  // sanitized: no directory part; show as text only
    std::uint64_t size = 0;
    std::uint64_t done = 0;
    State state = State::offered;
    std::string sink;    // incoming and done: key of the kept file sink, to offer for saving
    std::string reason;  // why it failed, if it did
};
struct TransferView {
    // Unique within one Transfers object across both directions: an outgoing transfer has the id
    // it has on the wire ("t3"); an incoming one is "in-" + the sender's id ("in-t3"), because
    // each side numbers its own offers and both may have a "t3".
    std::string id;
    Direction direction = Direction::outgoing;
    State state = State::offered;
    std::vector<FileView> files;
    std::uint64_t total = 0;
    std::uint64_t done = 0;
    double bytes_per_second = 0;
    int eta_seconds = -1;  // unknown
    std::string reason;
    // Bytes that crossed the link twice because a drop lost them: the receiver's written bytes
    // past its last verified block (discarded, then received again); the sender's count is what
    // it handed to the channel again, including what its send buffer lost before going out.
    std::uint64_t resent = 0;
};

bool operator==(const FileView& a, const FileView& b);
bool operator==(const TransferView& a, const TransferView& b);
inline bool operator!=(const FileView& a, const FileView& b) { return !(a == b); }
inline bool operator!=(const TransferView& a, const TransferView& b) { return !(a == b); }

}  // namespace peerline::transfer
