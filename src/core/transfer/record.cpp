#include "transfer/record.hpp"

namespace peerline::transfer {

std::uint64_t TransferRecord::total() const {
    std::uint64_t sum = 0;
    for (const auto& f : files) sum += f.size;
    return sum;
}

std::uint64_t TransferRecord::done() const {
    std::uint64_t sum = 0;
    for (const auto& f : files) sum += f.done;
    return sum;
}

void TransferRecord::set_state(State s) {
    state = s;
    for (auto& f : files) {
        if (!is_finished(f.state)) f.state = s;
    }
    publish();
}

void TransferRecord::end(State s, std::string why, std::int64_t file) {
    state = s;
    reason = std::move(why);
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (is_finished(files[i].state)) continue;
        files[i].state = s;
        if (static_cast<std::int64_t>(i) == file) files[i].reason = reason;
    }
    publish();
}

void TransferRecord::publish() {
    for (auto& f : files) f.shown = f.done;
    if (revision) ++*revision;
}

TransferView TransferRecord::view() const {
    TransferView v;
    v.id = id;
    v.direction = direction;
    v.state = state;
    v.reason = reason;
    v.resent = resent;
    v.files.reserve(files.size());
    for (const auto& f : files) {
        v.files.push_back(FileView{f.name, f.size, f.shown, f.state, f.sink, f.reason});
        v.total += f.size;
        v.done += f.shown;
    }
    if (state == State::running) {
        v.bytes_per_second = progress.bytes_per_second();
        v.eta_seconds = progress.eta_seconds();
    }
    return v;
}

}  // namespace peerline::transfer
