// Transfers: construction, the user's commands, the link's life, the timer and the view.
// Control messages are handled in transfers_control.cpp, binary frames and file reads in
// transfers_frames.cpp.
#include "transfer/transfers.hpp"

#include <algorithm>

#include "transfer/names.hpp"

namespace peerline::transfer {

Transfers::Transfers(LinkIds ids) : ids_(std::move(ids)), pump_(ids_.pc, ids_.files_channel) {
    set_message_limit(kDefaultMaxMessageBytes);
}

Transfers::~Transfers() = default;
Transfers::Transfers(Transfers&&) noexcept = default;
Transfers& Transfers::operator=(Transfers&&) noexcept = default;

void Transfers::set_message_limit(std::uint64_t bytes) {
    // RFC 8841 §6: the limit is for the whole message, so the frame header comes off it.
    const std::uint64_t message = std::max(bytes, kMinMessageBytes);
    pump_.set_chunk_bytes(std::min(kMaxChunkBytes, message - kChunkHeaderBytes));
}

// ---- the user ------------------------------------------------------------------------------

void Transfers::offer(int pick, const std::vector<FileMeta>& files, Out& out) {
    auto t = std::make_unique<OutgoingTransfer>();
    t->number = next_number_++;
    t->id = transfer_id(t->number);
    t->direction = Direction::outgoing;
    t->order = next_order_++;
    t->pick = pick;
    t->revision = revision_.get();
    std::uint64_t total = 0;
    std::string why;
    for (const auto& meta : files) {
        FileRecord f;
        f.name = sanitize_file_name(meta.name);
        f.size = meta.size;
        f.mime = safe_mime(meta.mime);
        if (f.size > kMaxFileBytes && why.empty()) {
            why = "`" + f.name + "` is larger than " + std::to_string(kMaxFileBytes / kGiB) + " GiB";
        }
        total += std::min(f.size, kMaxFileBytes + 1);  // no overflow however large the sizes
        t->files.push_back(std::move(f));
    }
    if (files.empty()) why = "no files to send";
    if (files.size() > kMaxFilesPerOffer) {
        why = std::to_string(files.size()) + " files; at most " + std::to_string(kMaxFilesPerOffer) + " per offer";
    }
    if (why.empty() && total > kMaxOfferBytes) {
        why = "more than " + std::to_string(kMaxOfferBytes / kGiB) + " GiB in one offer";
    }
    t->digests.resize(t->files.size());
    t->end_sent.assign(t->files.size(), false);
    if (!why.empty()) {
        t->end(State::failed, why);
        out.push_back(ReleaseFiles{pick});
    } else {
        t->set_state(State::offered);
        OfferMessage m{t->id, {}, v2_ ? kBlockBytes : 0};  // framing v2 if the receiver answers with it
        for (const auto& f : t->files) m.files.push_back(OfferedFile{f.name, f.size, f.mime});
        send(m, out);
    }
    outgoing_.push_back(std::move(t));
    after(out);
}

namespace {
template <typename List>
auto find_by_local_id(List& list, const std::string& id) -> decltype(list.front().get()) {
    for (auto& t : list) {
        if (t->id == id) return t.get();
    }
    return nullptr;
}
}  // namespace

void Transfers::decline(const std::string& id, Out& out) {
    IncomingTransfer* t = find_by_local_id(incoming_, id);
    if (!t || t->state != State::offered) return;
    stop_incoming(*t, State::declined, "", -1, /*tell_peer=*/true, out);
    after(out);
}

void Transfers::cancel(const std::string& id, Out& out) {
    if (OutgoingTransfer* t = find_by_local_id(outgoing_, id); t && !t->finished()) {
        stop_outgoing(*t, State::cancelled, "cancelled", -1, /*tell_peer=*/true, out);
    } else if (IncomingTransfer* in = find_by_local_id(incoming_, id); in && !in->finished()) {
        // Cancelling an offer not yet accepted is declining it.
        const State s = in->state == State::offered ? State::declined : State::cancelled;
        stop_incoming(*in, s, s == State::declined ? "" : "cancelled", -1, /*tell_peer=*/true, out);
    }
    after(out);
}

// ---- endings ---------------------------------------------------------------------------------

void Transfers::stop_outgoing(OutgoingTransfer& t, State s, const std::string& why, std::int64_t file,
                              bool tell_peer, Out& out) {
    if (tell_peer && open_ && t.started_sending) {
        // In band: the receiver sees it after this transfer's frames and before the next one's.
        SendChannelBinary abort{ids_.pc, ids_.files_channel, {}};
        write_abort_frame(abort.bytes, t.number, s == State::cancelled ? AbortCause::cancelled : AbortCause::failed,
                          clean_reason(why));
        out.push_back(std::move(abort));
    } else if (tell_peer) {
        if (s == State::cancelled) send(CancelMessage{t.id, Role::sender}, out);
        else send(FailedMessage{t.id, Role::sender, file, why}, out);
    }
    const bool was_sending = pump_.transfer() == &t;
    if (was_sending) pump_.stop();
    accepted_.erase(std::remove(accepted_.begin(), accepted_.end(), &t), accepted_.end());
    t.end(s, why, file);
    out.push_back(ReleaseFiles{t.pick});
    if (was_sending) pump(out);
}

void Transfers::stop_incoming(IncomingTransfer& t, State s, const std::string& why, std::int64_t file,
                              bool tell_peer, Out& out) {
    t.discard_unsaved_sinks(out);
    t.checking_storage = false;
    if (tell_peer) {
        const std::string wire = transfer_id(t.number());
        if (s == State::declined) send(DeclineMessage{wire, why}, out);
        else if (s == State::cancelled) send(CancelMessage{wire, Role::receiver}, out);
        else send(FailedMessage{wire, Role::receiver, file, why}, out);
    }
    t.end(s, why, file);
}

// ---- the link -------------------------------------------------------------------------------

void Transfers::on_channels_open(Out& out) {
    open_ = true;
    for (auto& text : unsent_control_) out.push_back(SendChannelText{ids_.pc, ids_.control_channel, std::move(text)});
    unsent_control_.clear();
    ask_to_resume(out);
    pump(out);
    after(out);
}

void Transfers::on_buffered(std::uint64_t amount, Out& out) {
    pump_.on_buffered(amount);
    pump(out);
    after(out);
}

bool Transfers::on_timer(int timer, Out& out) {
    if (timer == grace_timer_) {
        grace_timer_ = -1;
        fail_resumes("connection lost: not back within " + std::to_string(kResumeGraceMs / 1000) + " s", out);
        after(out);
        return true;
    }
    if (timer != ids_.progress_timer) return false;
    timer_running_ = false;  // one-shot: after() starts the next tick if something still runs
    const auto tick = [](TransferRecord& t) {
        if (t.state != State::running) return;
        t.progress.tick(t.done(), t.total(), kProgressTickMs);
        t.publish();
    };
    for (auto& t : outgoing_) tick(*t);
    for (auto& t : incoming_) tick(*t);
    after(out);
    return true;
}

// ---- helpers ---------------------------------------------------------------------------------

void Transfers::send(const Message& m, Out& out) {
    std::string text = serialize(m);
    if (open_) out.push_back(SendChannelText{ids_.pc, ids_.control_channel, std::move(text)});
    else unsent_control_.push_back(std::move(text));
}

void Transfers::pump(Out& out) {
    if (!open_) return;
    for (;;) {
        if (!pump_.active()) {
            // Accepted transfers are sent one at a time, in the order they were accepted.
            while (!accepted_.empty() && accepted_.front()->state != State::queued) accepted_.pop_front();
            if (accepted_.empty()) return;
            OutgoingTransfer* next = accepted_.front();
            accepted_.pop_front();
            next->set_state(State::running);
            pump_.start(*next);
        }
        pump_.pump(out);
        if (!pump_.transfer()->all_sent()) return;
        pump_.stop();  // the verdicts are still to come, but the channel is free for the next
    }
}

void Transfers::after(Out& out) {
    const auto running = [](const auto& list) {
        return std::any_of(list.begin(), list.end(), [](const auto& t) { return t->state == State::running; });
    };
    const bool any_running = running(outgoing_) || running(incoming_);
    if (any_running && !timer_running_) {
        out.push_back(StartTimer{ids_.progress_timer, kProgressTickMs});
        timer_running_ = true;
    } else if (!any_running && timer_running_) {
        out.push_back(CancelTimer{ids_.progress_timer});
        timer_running_ = false;
    }
    // Every transfer resumed or ended, and nothing is left to tell the peer: no more waiting.
    // (A cancel said while the link is down keeps it, so its retries of a link stay bounded.)
    if (grace_timer_ >= 0 && !resumable()) {
        out.push_back(CancelTimer{grace_timer_});
        grace_timer_ = -1;
    }

    // Bounded history: drop the oldest finished transfers past kMaxEndedTransfers.
    std::vector<std::uint64_t> finished;
    for (const auto& t : outgoing_) if (t->finished()) finished.push_back(t->order);
    for (const auto& t : incoming_) if (t->finished()) finished.push_back(t->order);
    if (finished.size() <= kMaxEndedTransfers) return;
    std::sort(finished.begin(), finished.end());
    const std::uint64_t keep_from = finished[finished.size() - kMaxEndedTransfers];
    const auto old = [keep_from](const auto& t) { return t->finished() && t->order < keep_from; };
    // A received file leaving the list can no longer be saved: its stored copy goes too.
    for (const auto& t : incoming_) {
        if (old(t)) delete_stored(*t, out);
    }
    outgoing_.erase(std::remove_if(outgoing_.begin(), outgoing_.end(), old), outgoing_.end());
    incoming_.erase(std::remove_if(incoming_.begin(), incoming_.end(), old), incoming_.end());
    ++*revision_;
}

void Transfers::delete_stored(IncomingTransfer& t, Out& out) {
    for (auto& f : t.files) {
        if (f.state != State::done || f.sink.empty()) continue;
        out.push_back(CloseFileSink{f.sink, false});
        f.sink.clear();
    }
    ++*revision_;
}

void Transfers::delete_stored_files(Out& out) {
    for (auto& t : incoming_) delete_stored(*t, out);
}

void Transfers::refuse(Error error) {
    refusals_.push_back(std::move(error));
    if (refusals_.size() > kMaxRefusalsKept) refusals_.pop_front();
}

OutgoingTransfer* Transfers::find_outgoing(const std::string& wire_id) {
    return find_by_local_id(outgoing_, wire_id);  // outgoing: local id == wire id
}

IncomingTransfer* Transfers::find_incoming(std::uint32_t number) {
    for (auto& t : incoming_) {
        if (t->number() == number) return t.get();
    }
    return nullptr;
}

IncomingTransfer* Transfers::running_incoming() {
    for (auto& t : incoming_) {
        if (t->state == State::running) return t.get();
    }
    return nullptr;
}

const std::vector<TransferView>& Transfers::view() const {
    if (cached_revision_ == *revision_) return cached_view_;
    std::vector<const TransferRecord*> all;
    for (const auto& t : outgoing_) all.push_back(t.get());
    for (const auto& t : incoming_) all.push_back(t.get());
    std::sort(all.begin(), all.end(), [](const auto* a, const auto* b) { return a->order < b->order; });
    cached_view_.clear();
    cached_view_.reserve(all.size());
    for (const auto* t : all) cached_view_.push_back(t->view());
    cached_revision_ = *revision_;
    return cached_view_;
}

bool Transfers::busy() const {
    const auto unfinished = [](const auto& list) {
        return std::any_of(list.begin(), list.end(), [](const auto& t) { return !t->finished(); });
    };
    return unfinished(outgoing_) || unfinished(incoming_);
}

}  // namespace peerline::transfer
