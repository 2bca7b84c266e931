#include "transfer/blocks.hpp"

#include <string>

#include "transfer/checksum.hpp"

namespace peerline::transfer {

std::uint64_t block_count(std::uint64_t size, std::uint64_t block_bytes) {
    return size / block_bytes + (size % block_bytes ? 1 : 0);
}

BlockLedger::BlockLedger(std::uint64_t file_size, std::uint64_t block_bytes)
    : size_(file_size), block_bytes_(block_bytes ? block_bytes : kBlockBytes),
      blocks_(block_count(file_size, block_bytes_)) {}

std::uint64_t BlockLedger::resume_offset() const {
    const std::uint64_t offset = verified() * block_bytes_;
    return offset < size_ ? offset : size_;
}

std::uint64_t BlockLedger::block_length(std::uint64_t index) const {
    if (index >= blocks_) return 0;
    const std::uint64_t begin = block_begin(index);
    return size_ - begin < block_bytes_ ? size_ - begin : block_bytes_;
}

std::optional<Error> BlockLedger::verify(std::uint64_t index, std::uint64_t claimed, std::uint64_t local) {
    const std::string which = "block " + std::to_string(index);
    if (index >= blocks_) {
        return make_error(block_error::kOutOfRange, which + " of a file of " + std::to_string(blocks_) + " blocks");
    }
    if (index < verified()) return make_error(block_error::kDuplicate, which + " was verified before");
    if (index > verified()) {
        return make_error(block_error::kMissing, which + " before block " + std::to_string(verified()) + " was verified");
    }
    if (claimed != local) return make_error(block_error::kMismatch, which + ": the bytes written are not the sender's");
    sums_.push_back(local);
    return std::nullopt;
}

Result<std::uint64_t> BlockLedger::check_resume(const std::vector<std::uint64_t>& proof,
                                                const std::vector<std::uint64_t>& mine) const {
    if (proof.size() > blocks_) {
        return make_error(block_error::kResumeBeyondFile, "the receiver claims " + std::to_string(proof.size()) +
                                                              " blocks of a file of " + std::to_string(blocks_));
    }
    if (proof.size() > mine.size()) {
        return make_error(block_error::kResumeUnproven, "the receiver claims " + std::to_string(proof.size()) +
                                                            " blocks; only " + std::to_string(mine.size()) +
                                                            " were ever sent");
    }
    for (std::size_t i = 0; i < proof.size(); ++i) {
        if (proof[i] != mine[i]) {
            return make_error(block_error::kResumeChanged, "block " + std::to_string(i) +
                                                               " differs from what was sent: the file changed");
        }
    }
    return static_cast<std::uint64_t>(proof.size());
}

Result<std::uint64_t> BlockLedger::check_resume(std::uint64_t count, const std::string& proof_hex,
                                                const std::vector<std::uint64_t>& mine) const {
    if (count > blocks_) {
        return make_error(block_error::kResumeBeyondFile, "the receiver claims " + std::to_string(count) +
                                                              " blocks of a file of " + std::to_string(blocks_));
    }
    if (count > mine.size()) {
        return make_error(block_error::kResumeUnproven, "the receiver claims " + std::to_string(count) +
                                                            " blocks; only " + std::to_string(mine.size()) +
                                                            " were ever sent");
    }
    if (to_hex(proof_digest(mine, count)) != proof_hex) {
        return make_error(block_error::kResumeChanged, "the first " + std::to_string(count) +
                                                           " blocks differ from what was sent: the file changed");
    }
    return count;
}

}  // namespace peerline::transfer
