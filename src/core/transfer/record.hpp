// The state both ends keep of one transfer and its files: live byte counts, the values last
// published to the view, and the end state. OutgoingTransfer and IncomingTransfer extend it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "transfer/progress.hpp"
#include "transfer/view.hpp"

namespace peerline::transfer {

struct FileRecord {
    std::string name;
    std::uint64_t size = 0;
    std::string mime;
    std::uint64_t done = 0;   // live: bytes sent (outgoing) or written (incoming)
    std::uint64_t shown = 0;  // what the view says, updated by publish()
    State state = State::offered;
    std::string sink;
    std::string reason;
};

struct TransferRecord {
    std::string id;  // local id, see TransferView::id
    Direction direction = Direction::outgoing;
    std::uint64_t order = 0;  // creation order across both directions: the view lists by it
    State state = State::offered;
    std::string reason;
    std::vector<FileRecord> files;
    Progress progress;
    std::uint64_t resent = 0;  // see TransferView::resent
    // Framing v2 agreed (the block size both sides keep checksums for); 0: plain v1.
    std::uint64_t block_bytes = 0;
    // The owner's view revision: bumped whenever what view() shows may have changed.
    std::uint64_t* revision = nullptr;

    std::uint64_t total() const;
    std::uint64_t done() const;  // live
    bool finished() const { return is_finished(state); }
    void set_state(State s);     // the transfer and every file not yet finished
    // Ends the transfer: files not done take `s` (the one at `file`, if any, also the reason).
    void end(State s, std::string why, std::int64_t file = -1);
    void publish();              // copy live byte counts to the view
    TransferView view() const;
};

}  // namespace peerline::transfer
