// One transfer this side sends: the files of one pick, offered under the id "t<number>".
#pragma once

#include <cstdint>
#include <vector>

#include "transfer/frame.hpp"
#include "transfer/record.hpp"

namespace peerline::transfer {

struct OutgoingTransfer : TransferRecord {
    std::uint32_t number = 0;
    int pick = 0;                 // the shell's handle on the files; released when finished
    bool started_sending = false; // a frame may be on the wire: stop it in band (abort frame)
    std::vector<Digest> digests;  // per file, known once its end frame went out
    std::vector<bool> end_sent;

    // Every frame went out; what is left is waiting for the receiver's verdicts.
    bool all_sent() const;
    bool all_verified() const;
};

}  // namespace peerline::transfer
