// Transfers: the link's end, and resuming framing-v2 transfers on the next link with the same
// peer (docs/transfer.md "Resume"). The receiver proves the blocks it verified; the sender checks
// the proof against its own block checksums and continues from the first block not proven.
#include <algorithm>

#include "transfer/blocks.hpp"
#include "transfer/checksum.hpp"
#include "transfer/names.hpp"
#include "transfer/transfers.hpp"

namespace peerline::transfer {
namespace {

namespace resume_error {  // Error::code values of a refused resume (the rest are block_error's)
constexpr const char* kUnknown = "resume-unknown-transfer";  // never had it, or it has ended
constexpr const char* kTooFarBack = "resume-too-far-back";   // no hash state kept that far back
}  // namespace resume_error

bool resumable_state(State s) { return s == State::queued || s == State::running; }

}  // namespace

void Transfers::on_link_lost(const std::string& reason, Out& out) {
    open_ = false;
    pump_.stop();
    pump_.on_buffered(0);
    accepted_.clear();
    const std::string why = "connection lost" + (reason.empty() ? std::string() : ": " + clean_reason(reason));
    bool waiting = false;
    for (auto& t : outgoing_) {
        if (t->finished() || t->state == State::reconnecting) continue;
        if (t->block_bytes && resumable_state(t->state)) {
            t->set_state(State::reconnecting);
            waiting = true;
            continue;
        }
        t->end(State::failed, why);
        out.push_back(ReleaseFiles{t->pick});
    }
    for (auto& t : incoming_) {
        if (t->finished() || t->state == State::reconnecting) continue;
        if (t->block_bytes && resumable_state(t->state)) {
            t->roll_back();
            t->set_state(State::reconnecting);
            waiting = true;
            continue;
        }
        t->discard_unsaved_sinks(out);
        t->checking_storage = false;
        t->end(State::failed, why);
    }
    if (waiting && grace_timer_ < 0 && ids_.resume_timer >= 0) {
        grace_timer_ = ids_.resume_timer;
        out.push_back(StartTimer{grace_timer_, kResumeGraceMs});
    }
    // Said but not yet sent: the next link carries only what is about transfers that wait
    // (verdicts, cancels, failures), and only within a grace period (the App retries links for
    // it). Offers and answers belong to transfers this loss has ended.
    if (grace_timer_ < 0) {
        unsent_control_.clear();
    } else {
        const auto stale = [](const std::string& text) {
            const auto type = nlohmann::json::parse(text, nullptr, false).value("type", std::string());
            return type != "transfer-cancel" && type != "transfer-failed" && type != "transfer-verified";
        };
        unsent_control_.erase(std::remove_if(unsent_control_.begin(), unsent_control_.end(), stale),
                              unsent_control_.end());
    }
    after(out);
}

bool Transfers::resumable() const {
    const auto waiting = [](const auto& list) {
        return std::any_of(list.begin(), list.end(), [](const auto& t) { return t->state == State::reconnecting; });
    };
    return waiting(outgoing_) || waiting(incoming_) || !unsent_control_.empty();
}

void Transfers::drop_finished(Out& out) {
    for (auto& t : incoming_) {
        if (t->finished()) delete_stored(*t, out);
    }
    const auto finished = [](const auto& t) { return t->finished(); };
    outgoing_.erase(std::remove_if(outgoing_.begin(), outgoing_.end(), finished), outgoing_.end());
    incoming_.erase(std::remove_if(incoming_.begin(), incoming_.end(), finished), incoming_.end());
    ++*revision_;
}

void Transfers::rebind(LinkIds ids) {
    // The grace timer keeps its id (grace_timer_): the period does not start again per link.
    ids_ = std::move(ids);
    ++link_generation_;
    pump_ = ChunkPump(ids_.pc, ids_.files_channel);
    set_message_limit(kDefaultMaxMessageBytes);
    open_ = false;
    timer_running_ = false;  // the old link's progress timer was cancelled when nothing ran
}

void Transfers::give_up_resumes(const std::string& why, Out& out) {
    if (grace_timer_ >= 0) out.push_back(CancelTimer{grace_timer_});
    grace_timer_ = -1;
    fail_resumes(why, out);
    after(out);
}

void Transfers::fail_resumes(const std::string& why, Out& out) {
    for (auto& t : outgoing_) {
        if (t->state != State::reconnecting) continue;
        t->end(State::failed, why);
        out.push_back(ReleaseFiles{t->pick});
    }
    for (auto& t : incoming_) {
        if (t->state != State::reconnecting) continue;
        t->discard_unsaved_sinks(out);  // the kept partial file goes
        t->end(State::failed, why);
    }
    unsent_control_.clear();  // the peer has given up on these too
}

void Transfers::ask_to_resume(Out& out) {
    std::vector<IncomingTransfer*> waiting;
    for (auto& t : incoming_) {
        if (t->state == State::reconnecting) waiting.push_back(t.get());
    }
    // In the order they were offered: the sender resumes them in the order it is asked.
    std::sort(waiting.begin(), waiting.end(), [](const auto* a, const auto* b) { return a->order < b->order; });
    for (auto* t : waiting) {
        send(t->resume(out), out);
        t->set_state(State::queued);  // running again with its first frame
    }
}

void Transfers::on_resume(const ResumeMessage& m, Out& out) {
    OutgoingTransfer* t = find_outgoing(m.transfer);
    if (!t || t->state != State::reconnecting) {
        const std::string why = m.transfer + (t ? " is not waiting to resume" : " is not a transfer of this sender");
        refuse(make_error(resume_error::kUnknown, why));
        send(FailedMessage{m.transfer, Role::sender, -1, std::string(resume_error::kUnknown) + ": " + why}, out);
        return;
    }
    const auto fail = [&](const Error& e) {
        const std::int64_t file = m.file < t->files.size() ? static_cast<std::int64_t>(m.file) : -1;
        stop_outgoing(*t, State::failed, e.code + ": " + e.message, file, /*tell_peer=*/true, out);
    };
    const std::size_t count = t->files.size();
    if (m.file > count) {
        return fail(make_error(block_error::kResumeBeyondFile, "file " + std::to_string(m.file) + " of " +
                                                                   std::to_string(count)));
    }
    if (m.file > 0 && !t->end_sent[m.file - 1]) {
        return fail(make_error(block_error::kResumeUnproven, "the receiver claims file " + std::to_string(m.file - 1) +
                                                                 " whole; it was never all sent"));
    }
    std::uint64_t from = 0;
    Checksum hash;
    if (m.file < count) {
        const BlockLedger ledger(t->files[m.file].size, t->block_bytes);
        static const std::vector<std::uint64_t> none;
        const auto& mine = m.file < t->block_sums.size() ? t->block_sums[m.file] : none;
        auto checked = ledger.check_resume(m.blocks, m.proof, mine);
        if (!checked) return fail(checked.error());
        from = checked.value();
        if (from > 0) {
            auto& kept = t->snapshots;
            auto at = std::find_if(kept.rbegin(), kept.rend(),
                                   [&](const auto& s) { return s.file == m.file && s.block == from; });
            if (at == kept.rend()) {
                return fail(make_error(resume_error::kTooFarBack, "block " + std::to_string(from) + " is further back than the " +
                                                                       std::to_string(kResumeSnapshots) + " kept"));
            }
            hash = at->hash.snapshot();
        }
    }
    // Continue from there: what the receiver holds counts as sent, everything after is sent again.
    const std::uint64_t before = t->done();
    for (std::size_t i = 0; i < count; ++i) {
        if (i < m.file) {
            t->files[i].done = t->files[i].size;
            continue;
        }
        t->files[i].done = i == m.file ? std::min(from * t->block_bytes, t->files[i].size) : 0;
        t->end_sent[i] = false;
    }
    if (m.file < count && m.file < t->block_sums.size()) t->block_sums[m.file].resize(from);
    if (before > t->done()) t->resent += before - t->done();
    t->start_file = m.file;
    t->start_offset = m.file < count ? t->files[m.file].done : 0;
    t->start_hash = std::move(hash);
    t->set_state(State::queued);
    accepted_.push_back(t);
    pump(out);
}

}  // namespace peerline::transfer
