// Per-block XXH3-64 bookkeeping of one file, the ground for resuming a transfer after the link
// drops (docs/transfer.md "Resume (framing v2)"): the receiver records each block it verified
// against the sender's checksum and can prove what it has; the sender checks such a proof
// against the checksums of its own file before it continues from the first block not proven.
// Pure bookkeeping: no I/O, no clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "result.hpp"
#include "transfer/limits.hpp"

namespace peerline::transfer {

namespace block_error {  // Error::code values
constexpr const char* kOutOfRange = "block-out-of-range";       // index past the file's last block
constexpr const char* kDuplicate = "block-duplicate";           // already verified
constexpr const char* kMissing = "block-missing";               // a block before it was never verified
constexpr const char* kMismatch = "block-checksum-mismatch";    // the bytes are not the sender's
constexpr const char* kResumeBeyondFile = "resume-beyond-file"; // claims blocks the file does not have
constexpr const char* kResumeUnproven = "resume-unproven";      // claims blocks it has no checksum for
constexpr const char* kResumeChanged = "resume-file-changed";   // checksums disagree: not the same file
}  // namespace block_error

// Blocks of `size` bytes: ceil(size / block_bytes); a 0-byte file has none.
std::uint64_t block_count(std::uint64_t size, std::uint64_t block_bytes = kBlockBytes);

class BlockLedger {
public:
    explicit BlockLedger(std::uint64_t file_size, std::uint64_t block_bytes = kBlockBytes);

    std::uint64_t blocks() const { return blocks_; }
    std::uint64_t verified() const { return sums_.size(); }  // blocks [0, verified()) are proven
    // Where a resumed transfer continues: the first byte of the first block not verified.
    std::uint64_t resume_offset() const;
    // The byte range of block `index` (the last one may be short).
    std::uint64_t block_begin(std::uint64_t index) const { return index * block_bytes_; }
    std::uint64_t block_length(std::uint64_t index) const;

    // Block `index` arrived whole: `local` is the checksum of the bytes written, `claimed` the
    // sender's. Blocks are verified in order, each once; nothing is recorded on an error.
    std::optional<Error> verify(std::uint64_t index, std::uint64_t claimed, std::uint64_t local);
    // The receiver's proof for a resume request: the checksum of every verified block, in order.
    const std::vector<std::uint64_t>& proof() const { return sums_; }

    // Sender side: the receiver says it holds the first `proof.size()` blocks with these
    // checksums; `mine` are the sender's checksums of its file's first blocks (those it has
    // hashed: sent, or read again for the check). The block to continue from, or why not.
    Result<std::uint64_t> check_resume(const std::vector<std::uint64_t>& proof,
                                       const std::vector<std::uint64_t>& mine) const;

    // The same check for the wire's form of a proof (transfer-resume): `count` blocks whose
    // checksums hash (proof_digest) to `proof_hex`.
    Result<std::uint64_t> check_resume(std::uint64_t count, const std::string& proof_hex,
                                       const std::vector<std::uint64_t>& mine) const;

private:
    std::uint64_t size_;
    std::uint64_t block_bytes_;
    std::uint64_t blocks_;
    std::vector<std::uint64_t> sums_;
};

}  // namespace peerline::transfer
