#include "transfer/pump.hpp"

#include <algorithm>

#include "transfer/limits.hpp"

namespace peerline::transfer {

void ChunkPump::start(OutgoingTransfer& transfer) {
    transfer_ = &transfer;
    transfer_->started_sending = true;
    // From the start, or from where a resume put it (a block boundary, with the hash state there).
    read_file_ = send_file_ = transfer.start_file;
    read_offset_ = send_offset_ = transfer.start_offset;
    reads_.clear();
    reading_ = 0;
    if (transfer.start_hash) hash_ = std::move(*transfer.start_hash);
    else hash_.reset();
    transfer.start_hash.reset();
    block_hash_.reset();
    if (transfer.block_bytes) transfer.block_sums.resize(transfer.files.size());
}

void ChunkPump::stop() {
    transfer_ = nullptr;
    reads_.clear();
    reading_ = 0;
}

std::size_t ChunkPump::reads_in_flight() const {
    return static_cast<std::size_t>(
        std::count_if(reads_.begin(), reads_.end(), [](const Read& r) { return !r.arrived; }));
}

void ChunkPump::pump(Out& out) {
    if (!transfer_) return;
    send_ready(out);
    issue_reads(out);
    send_ready(out);  // 0-byte files need no read: their end frames may go now
}

void ChunkPump::issue_reads(Out& out) {
    const auto& files = transfer_->files;
    while (read_file_ < files.size() && reads_in_flight() < static_cast<std::size_t>(kMaxReadsInFlight)) {
        const std::uint64_t size = files[read_file_].size;
        if (read_offset_ >= size) {
            ++read_file_;
            read_offset_ = 0;
            continue;
        }
        std::uint64_t room = size - read_offset_;
        // v2: a chunk never crosses a block boundary, so each block's checksum follows its last byte.
        const std::uint64_t block = transfer_->block_bytes;
        if (block) room = std::min(room, block - read_offset_ % block);
        const auto length = static_cast<std::uint32_t>(std::min(chunk_bytes_, room));
        if (buffered_ + reading_ + length > kHighWaterBytes) break;
        out.push_back(ReadFileChunk{transfer_->pick, static_cast<int>(read_file_), read_offset_, length});
        reads_.push_back(Read{read_file_, read_offset_, length, false, {}});
        reading_ += length;
        read_offset_ += length;
    }
}

void ChunkPump::send_ready(Out& out) {
    auto& files = transfer_->files;
    while (send_file_ < files.size()) {
        if (send_offset_ == files[send_file_].size) {
            send_file_end(out);
            continue;
        }
        if (reads_.empty() || !reads_.front().arrived) return;
        Read read = std::move(reads_.front());
        reads_.pop_front();
        reading_ -= read.length;
        send_chunk(read.bytes, out);
    }
}

void ChunkPump::send_chunk(std::string_view bytes, Out& out) {
    hash_.update(bytes);
    SendChannelBinary send{pc_, channel_, {}};
    write_chunk_frame(send.bytes, transfer_->number, send_file_, send_offset_, bytes);
    buffered_ += send.bytes.size();
    out.push_back(std::move(send));
    send_offset_ += bytes.size();
    transfer_->files[send_file_].done = send_offset_;
    const std::uint64_t block = transfer_->block_bytes;
    if (!block) return;
    block_hash_.update(bytes);
    if (send_offset_ % block == 0 || send_offset_ == transfer_->files[send_file_].size) send_block_sum(out);
}

void ChunkPump::send_block_sum(Out& out) {
    const std::uint64_t index = (send_offset_ - 1) / transfer_->block_bytes;
    const std::uint64_t sum = block_hash_.digest();
    block_hash_.reset();
    auto& sums = transfer_->block_sums[send_file_];
    sums.resize(index);  // after a resume, the blocks past the proof are hashed again
    sums.push_back(sum);
    SendChannelBinary send{pc_, channel_, {}};
    write_block_sum_frame(send.bytes, transfer_->number, send_file_, index, sum);
    buffered_ += send.bytes.size();
    out.push_back(std::move(send));
    auto& kept = transfer_->snapshots;
    kept.push_back(OutgoingTransfer::Snapshot{send_file_, index + 1, hash_.snapshot()});
    if (kept.size() > kResumeSnapshots) kept.pop_front();
}

void ChunkPump::send_file_end(Out& out) {
    const Digest digest = hash_.digest();
    SendChannelBinary send{pc_, channel_, {}};
    write_file_end_frame(send.bytes, transfer_->number, send_file_, send_offset_, digest);
    buffered_ += send.bytes.size();
    out.push_back(std::move(send));
    transfer_->digests[send_file_] = digest;
    transfer_->end_sent[send_file_] = true;
    ++send_file_;
    send_offset_ = 0;
    hash_.reset();
}

Result<bool> ChunkPump::on_read(int pick, int file, std::uint64_t offset, std::string_view bytes, Out& out) {
    if (!transfer_ || pick != transfer_->pick) return false;
    auto it = std::find_if(reads_.begin(), reads_.end(), [&](const Read& r) {
        return !r.arrived && static_cast<int>(r.file) == file && r.offset == offset;
    });
    if (it == reads_.end()) return false;
    if (bytes.size() != it->length) {
        return make_error("file-changed", "read " + std::to_string(bytes.size()) + " bytes of `" +
                                              transfer_->files[it->file].name + "` at " +
                                              std::to_string(offset) + " instead of " +
                                              std::to_string(it->length) + ": the file changed");
    }
    if (it == reads_.begin()) {
        // The common case: in order. Hash and frame straight from the shell's bytes, no copy.
        reading_ -= it->length;
        reads_.pop_front();
        send_chunk(bytes, out);
    } else {
        it->arrived = true;
        it->bytes.assign(bytes.data(), bytes.size());
    }
    pump(out);
    return true;
}

}  // namespace peerline::transfer
