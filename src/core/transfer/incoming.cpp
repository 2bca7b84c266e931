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

std::optional<Error> IncomingTransfer::on_chunk(const ChunkFrame& frame, Out& out) {
    if (auto wrong = check_position(frame.file, frame.offset)) return wrong;
    auto& f = files[file_];
    if (frame.bytes.size() > f.size - f.done) {
        return make_error(receive_error::kTooLong, "`" + f.name + "` grows past its offered " +
                                                       std::to_string(f.size) + " bytes");
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
