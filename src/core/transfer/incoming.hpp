// One transfer this side receives: checks every frame against the offer and the bytes so far,
// streams chunks to the shell's file sinks (the core keeps no file data: bounded memory), and
// verifies each file's XXH3-128 before its sink is kept. A verified file is `done` only once the
// shell says it is stored (FileSinkStored): a write that fails late never shows as done.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "actions.hpp"
#include "result.hpp"
#include "transfer/blocks.hpp"
#include "transfer/checksum.hpp"
#include "transfer/frame.hpp"
#include "transfer/messages.hpp"
#include "transfer/record.hpp"

namespace peerline::transfer {

namespace receive_error {  // Error::code values of IncomingTransfer
constexpr const char* kOutOfOrder = "frame-out-of-order";   // wrong file or offset
constexpr const char* kTooLong = "file-too-long";           // bytes past the offered size
constexpr const char* kTooShort = "file-too-short";         // end frame before all bytes came
constexpr const char* kSizeMismatch = "file-size-mismatch"; // end frame's size ≠ the offer's
constexpr const char* kChecksum = "checksum-mismatch";
}  // namespace receive_error

// "in-t3": the local id of the sender's "t3" (see TransferView::id).
std::string incoming_local_id(std::uint32_t number);

class IncomingTransfer : public TransferRecord {
public:
    using Out = std::vector<Action>;
    // `sink_prefix` + file index names each file's sink; it must be unique across the link's life.
    IncomingTransfer(std::uint32_t number, std::string sink_prefix) : number_(number), sink_prefix_(std::move(sink_prefix)) {}

    std::uint32_t number() const { return number_; }
    std::uint32_t current_file() const { return file_; }
    // "<peer>/<pc>/in-t<n>": names the storage check; each file's sink is this + "/<index>".
    std::string key() const { return sink_prefix_.substr(0, sink_prefix_.size() - 1); }
    bool owns_sink(const std::string& sink) const {
        return !sink_prefix_.empty() && sink.compare(0, sink_prefix_.size(), sink_prefix_) == 0;
    }
    std::uint32_t link = 0;  // which of the Transfers' links it was offered on (rebind counts)
    // Accept was pressed; the storage estimate is awaited (CheckStorage).
    bool checking_storage = false;

    // nullopt: accepted. An error: nothing was written for this frame; the caller fails the
    // transfer (discard_open_sink) and tells the peer.
    std::optional<Error> on_chunk(const ChunkFrame& frame, Out& out);
    // As on_chunk; on success the file's checksum matched: its sink is closed to be kept, and
    // the next frame is for the next file. The file is done on on_stored.
    std::optional<Error> on_file_end(const FileEndFrame& frame, Out& out);
    // The shell stored a verified file: it is done; its index and checksum for the sender's
    // verdict. nullopt: not a sink of this transfer waiting to be stored.
    std::optional<std::pair<std::uint32_t, Digest>> on_stored(const std::string& sink);
    // The index of the unfinished file written to `sink` (open or being stored), if any.
    std::optional<std::uint32_t> unfinished_file(const std::string& sink) const;
    bool all_stored() const;

    // ---- framing v2 (block_bytes set): block checksums and resume
    // A block's checksum: it must follow the block's last chunk, in order, and match the bytes.
    std::optional<Error> on_block_sum(const BlockSumFrame& frame);
    // The link dropped: what came after the last verified block is forgotten (counted in
    // `resent`) and the file hash goes back to that boundary; the sink stays open.
    void roll_back();
    // On the next link: the request to continue, and the sink cut back to the boundary.
    ResumeMessage resume(Out& out);
    // The transfer stops early: every sink not yet done (open, or verified but not yet stored)
    // is discarded.
    void discard_unsaved_sinks(Out& out);

private:
    std::optional<Error> check_position(std::uint32_t file, std::uint64_t offset) const;
    void open_sink(Out& out);
    void ensure_ledger();  // ledger_ and verified_hash_ are those of file_

    std::uint32_t number_;
    std::string sink_prefix_;
    std::uint32_t file_ = 0;      // the file being received
    bool sink_open_ = false;
    Checksum hash_;
    std::vector<std::pair<std::uint32_t, Digest>> storing_;  // verified, waiting for FileSinkStored
    // v2: the blocks of file_ verified so far, the XXH3-64 of the block being received, and
    // hash_ as it was at the last verified block boundary (where a resume continues).
    std::uint32_t ledger_file_ = UINT32_MAX;
    BlockLedger ledger_{0};
    BlockHash block_hash_;
    Checksum verified_hash_;
};

}  // namespace peerline::transfer
