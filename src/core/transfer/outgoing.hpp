// One transfer this side sends: the files of one pick, offered under the id "t<number>".
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "transfer/checksum.hpp"

#include "transfer/frame.hpp"
#include "transfer/record.hpp"

namespace peerline::transfer {

struct OutgoingTransfer : TransferRecord {
    std::uint32_t number = 0;
    int pick = 0;                 // the shell's handle on the files; released when finished
    bool started_sending = false; // a frame may be on the wire: stop it in band (abort frame)
    std::vector<Digest> digests;  // per file, known once its end frame went out
    std::vector<bool> end_sent;

    // ---- framing v2 (block_bytes set)
    std::vector<std::vector<std::uint64_t>> block_sums;  // per file: XXH3-64 of each block sent
    struct Snapshot {
        std::uint32_t file = 0;
        std::uint64_t block = 0;  // the boundary: blocks [0, block) hashed
        Checksum hash;            // the file's XXH3-128 state there
    };
    std::deque<Snapshot> snapshots;  // the last kResumeSnapshots boundaries, oldest first
    // Where the pump starts: set by a resume (file, offset and the hash state there).
    std::uint32_t start_file = 0;
    std::uint64_t start_offset = 0;
    std::optional<Checksum> start_hash;

    // Every frame went out; what is left is waiting for the receiver's verdicts.
    bool all_sent() const;
    bool all_verified() const;
};

}  // namespace peerline::transfer
