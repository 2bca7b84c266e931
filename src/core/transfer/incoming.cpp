#include "transfer/incoming.hpp"

namespace peerline::transfer {

std::string incoming_local_id(std::uint32_t number) { return "in-t" + std::to_string(number); }

std::optional<Error> IncomingTransfer::check_position(std::uint32_t file, std::uint64_t offset) const {
    if (file != file_ || file_ >= files.size()) {
        return make_error(receive_error::kOutOfOrder, "frame for file " + std::to_string(file) +
                                                          " while receiving file " + std::to_string(file_));
    }
    const std::uint64_t received = files[file_].done;
    if (offset != received) {
        return make_error(receive_error::kOutOfOrder, "chunk at offset " + std::to_string(offset) +
                                                          " of `" + files[file_].name + "`, expected " +
                                                          std::to_string(received));
    }
    return std::nullopt;
}

void IncomingTransfer::open_sink(Out& out) {
    if (sink_open_) return;
    auto& f = files[file_];
    f.sink = sink_prefix_ + std::to_string(file_);
    out.push_back(OpenFileSink{f.sink, f.name, f.size, f.mime});
    sink_open_ = true;
}

void IncomingTransfer::ensure_ledger() {
    if (ledger_file_ == file_ || file_ >= files.size()) return;
    ledger_file_ = file_;
    ledger_ = BlockLedger(files[file_].size, block_bytes ? block_bytes : kBlockBytes);
    verified_hash_ = Checksum();
    block_hash_.reset();
}

std::optional<Error> IncomingTransfer::on_chunk(const ChunkFrame& frame, Out& out) {
    if (auto wrong = check_position(frame.file, frame.offset)) return wrong;
    auto& f = files[file_];
    if (frame.bytes.size() > f.size - f.done) {
        return make_error(receive_error::kTooLong, "`" + f.name + "` grows past its offered " +
                                                       std::to_string(f.size) + " bytes");
    }
    if (block_bytes) {
        // A block is verified before any byte of the next one is taken: the verified prefix is
        // then exactly what a resume may keep.
        ensure_ledger();
        const std::uint64_t block = ledger_.verified();
        if (f.done + frame.bytes.size() > ledger_.block_begin(block) + ledger_.block_length(block)) {
            return make_error(receive_error::kOutOfOrder, "chunk crosses the end of block " + std::to_string(block) +
                                                              " of `" + f.name + "` before its checksum");
        }
        block_hash_.update(frame.bytes);
    }
    open_sink(out);
    hash_.update(frame.bytes);
    out.push_back(WriteFileSink{f.sink, std::string(frame.bytes)});
    f.done += frame.bytes.size();
    return std::nullopt;
}

std::optional<Error> IncomingTransfer::on_file_end(const FileEndFrame& frame, Out& out) {
    if (auto wrong = check_position(frame.file, files.size() > file_ ? files[file_].done : 0)) return wrong;
    auto& f = files[file_];
    if (frame.size != f.size) {
        return make_error(receive_error::kSizeMismatch, "`" + f.name + "` ends at " + std::to_string(frame.size) +
                                                            " bytes but was offered with " + std::to_string(f.size));
    }
    if (f.done != f.size) {
        return make_error(receive_error::kTooShort, "`" + f.name + "` ended after " + std::to_string(f.done) +
                                                        " of " + std::to_string(f.size) + " bytes");
    }
    if (block_bytes) {
        ensure_ledger();
        if (ledger_.verified() != ledger_.blocks()) {
            return make_error(block_error::kMissing, "`" + f.name + "` ended with " + std::to_string(ledger_.verified()) +
                                                         " of " + std::to_string(ledger_.blocks()) + " blocks verified");
        }
    }
    const Digest digest = hash_.digest();
    if (digest != frame.digest) {
        return make_error(receive_error::kChecksum, "`" + f.name + "`: XXH3-128 " + to_hex(digest) +
                                                        ", the sender's is " + to_hex(frame.digest));
    }
    open_sink(out);  // a 0-byte file has had no chunk to open it
    out.push_back(CloseFileSink{f.sink, true});
    sink_open_ = false;
    storing_.emplace_back(file_, digest);
    ++file_;
    hash_.reset();
    publish();  // all its bytes are written: the view says so while it is being stored
    return std::nullopt;
}

std::optional<std::pair<std::uint32_t, Digest>> IncomingTransfer::on_stored(const std::string& sink) {
    for (auto it = storing_.begin(); it != storing_.end(); ++it) {
        if (files[it->first].sink != sink) continue;
        auto stored = *it;
        storing_.erase(it);
        files[stored.first].state = State::done;
        publish();
        return stored;
    }
    return std::nullopt;
}

std::optional<std::uint32_t> IncomingTransfer::unfinished_file(const std::string& sink) const {
    if (sink_open_ && files[file_].sink == sink) return file_;
    for (const auto& [file, digest] : storing_) {
        if (files[file].sink == sink) return file;
    }
    return std::nullopt;
}

bool IncomingTransfer::all_stored() const { return file_ == files.size() && storing_.empty(); }

std::optional<Error> IncomingTransfer::on_block_sum(const BlockSumFrame& frame) {
    if (!block_bytes) {
        return make_error(receive_error::kOutOfOrder, "a block checksum in a transfer without blocks (framing v1)");
    }
    if (frame.file != file_ || file_ >= files.size()) {
        return make_error(receive_error::kOutOfOrder, "block checksum for file " + std::to_string(frame.file) +
                                                          " while receiving file " + std::to_string(file_));
    }
    ensure_ledger();
    const auto& f = files[file_];
    if (frame.block == ledger_.verified() && frame.block < ledger_.blocks() &&
        f.done != ledger_.block_begin(frame.block) + ledger_.block_length(frame.block)) {
        return make_error(block_error::kMissing, "checksum of block " + std::to_string(frame.block) + " of `" + f.name +
                                                     "` before all its bytes came");
    }
    if (auto wrong = ledger_.verify(frame.block, frame.sum, block_hash_.digest())) return wrong;
    block_hash_.reset();
    verified_hash_ = hash_.snapshot();
    return std::nullopt;
}

void IncomingTransfer::roll_back() {
    if (!block_bytes || file_ >= files.size()) return;  // every file's bytes are in already
    ensure_ledger();
    auto& f = files[file_];
    const std::uint64_t keep = ledger_.resume_offset();
    if (f.done > keep) resent += f.done - keep;
    f.done = keep;
    hash_ = verified_hash_.snapshot();
    block_hash_.reset();
    publish();
}

ResumeMessage IncomingTransfer::resume(Out& out) {
    ResumeMessage m{transfer_id(number_), file_, 0, to_hex(proof_digest({}, 0))};
    if (file_ >= files.size()) return m;
    ensure_ledger();
    m.blocks = ledger_.verified();
    m.proof = to_hex(proof_digest(ledger_.proof(), ledger_.verified()));
    if (sink_open_) out.push_back(RewindFileSink{files[file_].sink, files[file_].done});
    return m;
}

void IncomingTransfer::discard_unsaved_sinks(Out& out) {
    for (const auto& [file, digest] : storing_) {
        out.push_back(CloseFileSink{files[file].sink, false});
        files[file].sink.clear();
    }
    storing_.clear();
    if (!sink_open_) return;
    out.push_back(CloseFileSink{files[file_].sink, false});
    files[file_].sink.clear();
    sink_open_ = false;
}

}  // namespace peerline::transfer
