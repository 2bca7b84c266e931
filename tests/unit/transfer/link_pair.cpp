#include "link_pair.hpp"

#include <algorithm>
#include <random>
#include <stdexcept>

namespace peerline::transfer::test {

void LinkPair::act(FakeSide& side, const std::function<void(Transfers&, Transfers::Out&)>& f) {
    Transfers::Out out;
    f(side.transfers, out);
    take(side, out);
    run();
}

void LinkPair::open() {
    act(a, [](Transfers& t, Transfers::Out& out) { t.on_channels_open(out); });
    act(b, [](Transfers& t, Transfers::Out& out) { t.on_channels_open(out); });
}

int LinkPair::offer(FakeSide& from, std::vector<std::pair<std::string, std::string>> files) {
    const int pick = next_pick_++;
    std::vector<FileMeta> metas;
    for (auto& [name, bytes] : files) {
        metas.push_back(FileMeta{name, bytes.size(), "application/octet-stream"});
        from.picks[pick].push_back(std::move(bytes));
    }
    act(from, [&](Transfers& t, Transfers::Out& out) { t.offer(pick, metas, out); });
    return pick;
}

void LinkPair::run(std::size_t max_tasks) {
    for (std::size_t n = 0; !tasks_.empty(); ++n) {
        if (n == max_tasks) throw std::runtime_error("LinkPair: no quiet after many tasks");
        auto task = std::move(tasks_.front());
        tasks_.pop_front();
        task();
    }
}

void LinkPair::take(FakeSide& from, Transfers::Out& out) {
    FakeSide& to = other(from);
    bool sent_binary = false;
    std::vector<ReadFileChunk> reads;
    for (auto& action : out) {
        if (auto* text = std::get_if<SendChannelText>(&action)) {
            auto message = nlohmann::json::parse(text->text, nullptr, false);
            if (message.is_discarded()) throw std::runtime_error("core sent invalid JSON: " + text->text);
            if (from.tamper_control && !from.tamper_control(message)) continue;
            from.control_sent.push_back(message);
            if (!connected) continue;
            tasks_.push_back([this, &to, message] {
                Transfers::Out next;
                if (!to.transfers.on_control(message, next)) throw std::runtime_error("not a transfer message");
                take(to, next);
            });
        } else if (auto* binary = std::get_if<SendChannelBinary>(&action)) {
            sent_binary = true;
            ++from.frames_sent;
            from.channel_queue += binary->bytes.size();
            std::string frame = std::move(binary->bytes);
            if (from.tamper && !from.tamper(frame)) continue;
            if (!connected) continue;
            tasks_.push_back([this, &to, frame = std::move(frame)] {
                Transfers::Out next;
                to.transfers.on_binary(frame, next);
                take(to, next);
            });
        } else if (auto* read = std::get_if<ReadFileChunk>(&action)) {
            ++from.reads_asked;
            reads.push_back(*read);
        } else if (auto* release = std::get_if<ReleaseFiles>(&action)) {
            from.released.insert(release->pick);
        } else if (auto* open = std::get_if<OpenFileSink>(&action)) {
            if (from.sinks.count(open->sink)) throw std::runtime_error("sink opened twice: " + open->sink);
            from.sinks[open->sink] = FakeSink{open->name, open->size, open->mime, {}};
        } else if (auto* write = std::get_if<WriteFileSink>(&action)) {
            auto& sink = from.sinks.at(write->sink);
            if (sink.closed) throw std::runtime_error("write to a closed sink");
            if (sink.failed) continue;  // the shell ignores writes to a failed sink
            if (from.fail_writes_after && from.bytes_stored + write->bytes.size() > *from.fail_writes_after) {
                sink.failed = true;
                sink.bytes.clear();
                tasks_.push_back([this, &from, key = write->sink] {
                    Transfers::Out next;
                    if (!from.transfers.on_sink_failed(key, "QuotaExceededError: the disk is full", next)) {
                        throw std::runtime_error("sink failure not taken");
                    }
                    take(from, next);
                });
                continue;
            }
            from.bytes_stored += write->bytes.size();
            sink.bytes += write->bytes;
        } else if (auto* close = std::get_if<CloseFileSink>(&action)) {
            auto& sink = from.sinks.at(close->sink);
            if (!close->keep) {  // delete: of an open sink, a stored one or a failed one
                if (sink.deleted) throw std::runtime_error("sink deleted twice");
                sink.closed = sink.deleted = true;
                continue;
            }
            if (sink.closed) throw std::runtime_error("sink closed twice");
            sink.closed = true;
            sink.kept = true;
            if (sink.failed) continue;
            if (from.hold_stores) {
                from.held_stores.push_back(close->sink);
            } else {
                tasks_.push_back([this, &from, key = close->sink] { store(from, key); });
            }
        } else if (auto* rewind = std::get_if<RewindFileSink>(&action)) {
            auto& sink = from.sinks.at(rewind->sink);
            if (sink.closed) throw std::runtime_error("rewind of a closed sink");
            if (rewind->size > sink.bytes.size()) throw std::runtime_error("rewind past the end");
            sink.bytes.resize(rewind->size);
            ++from.rewinds;
        } else if (auto* check = std::get_if<CheckStorage>(&action)) {
            from.storage_checks.push_back(*check);
            tasks_.push_back([this, &from, key = check->key] {
                Transfers::Out next;
                StorageChecked answer{key, from.storage_free.has_value(), from.storage_free.value_or(0), ""};
                if (!from.storage_free) answer.reason = "no StorageManager";
                if (!from.transfers.on_storage_checked(answer, next)) throw std::runtime_error("estimate not taken");
                take(from, next);
            });
        } else if (auto* start = std::get_if<StartTimer>(&action)) {
            if (start->ms == kResumeGraceMs && start->timer != 7) {
                from.grace_timer = start->timer;
                continue;
            }
            if (start->timer != 7 || start->ms != kProgressTickMs) throw std::runtime_error("unexpected timer");
            from.timer_running = true;
        } else if (auto* cancel = std::get_if<CancelTimer>(&action)) {
            if (cancel->timer == 7) from.timer_running = false;
            else if (cancel->timer == from.grace_timer) from.grace_timer = -1;
        }
    }
    from.max_outstanding = std::max(from.max_outstanding, from.transfers.outstanding_bytes());
    if (from.reverse_reads) std::reverse(reads.begin(), reads.end());
    for (const auto& read : reads) {
        if (from.hold_reads) {
            from.held_reads.push_back(read);
        } else {
            tasks_.push_back([this, &from, read] { answer_read(from, read); });
        }
    }
    // The shell reports bufferedAmount after each batch of sends.
    if (sent_binary) {
        tasks_.push_back([this, &from] {
            if (from.channel_drains) from.channel_queue = 0;
            Transfers::Out next;
            from.transfers.on_buffered(from.channel_queue, next);
            take(from, next);
        });
    }
}

void LinkPair::answer_read(FakeSide& side, const ReadFileChunk& read) {
    Transfers::Out out;
    if (side.released.count(read.pick)) {
        side.transfers.on_file_read_failed(read.pick, read.file, "NotFoundError: released", out);
    } else {
        const std::string& file = side.picks.at(read.pick).at(static_cast<std::size_t>(read.file));
        const std::string_view bytes = std::string_view(file).substr(read.offset, read.length);
        side.transfers.on_file_read(read.pick, read.file, read.offset, bytes, out);
    }
    take(side, out);
}

void LinkPair::answer_held_reads(FakeSide& side) {
    auto reads = std::move(side.held_reads);
    side.held_reads.clear();
    for (const auto& read : reads) tasks_.push_back([this, &side, read] { answer_read(side, read); });
    run();
}

void LinkPair::store(FakeSide& side, const std::string& key) {
    Transfers::Out out;
    side.sinks.at(key).stored = true;
    if (!side.transfers.on_sink_stored(key, out)) throw std::runtime_error("stored sink not taken");
    take(side, out);
}

void LinkPair::answer_held_stores(FakeSide& side) {
    auto keys = std::move(side.held_stores);
    side.held_stores.clear();
    for (const auto& key : keys) tasks_.push_back([this, &side, key] { store(side, key); });
    run();
}

void LinkPair::drain(FakeSide& side, std::uint64_t bytes) {
    side.channel_queue -= std::min(bytes, side.channel_queue);
    act(side, [&](Transfers& t, Transfers::Out& out) { t.on_buffered(side.channel_queue, out); });
}

void LinkPair::tick(FakeSide& side) {
    if (!side.timer_running) return;
    side.timer_running = false;
    act(side, [](Transfers& t, Transfers::Out& out) {
        if (!t.on_timer(7, out)) throw std::runtime_error("timer not taken");
    });
}

TransferView LinkPair::view_of(FakeSide& side, const std::string& id) {
    for (const auto& v : side.transfers.view()) {
        if (v.id == id) return v;
    }
    throw std::runtime_error("no transfer " + id);
}

std::string random_bytes(std::size_t size, unsigned seed) {
    std::mt19937 rng(seed);
    std::string bytes(size, '\0');
    for (auto& c : bytes) c = static_cast<char>(rng() & 0xFF);
    return bytes;
}

void LinkPair::drop(const std::string& reason) {
    connected = false;
    act(a, [&](Transfers& t, Transfers::Out& out) { t.on_link_lost(reason, out); });
    act(b, [&](Transfers& t, Transfers::Out& out) { t.on_link_lost(reason, out); });
}

void LinkPair::reconnect() {
    connected = true;
    ++pc_;
    for (FakeSide* side : {&a, &b}) {
        act(*side, [&](Transfers& t, Transfers::Out& out) {
            t.drop_finished(out);
            t.rebind(LinkIds{side->peer_id, pc_, 0, 1, 7, 8});
        });
    }
    open();
}

void LinkPair::fire_grace(FakeSide& side) {
    const int timer = side.grace_timer;
    if (timer < 0) throw std::runtime_error("no grace timer running");
    side.grace_timer = -1;  // one-shot
    act(side, [&](Transfers& t, Transfers::Out& out) {
        if (!t.on_timer(timer, out)) throw std::runtime_error("grace timer not taken");
    });
}

}  // namespace peerline::transfer::test
