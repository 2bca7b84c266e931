// Transfers: where received files are stored. Accepting waits for the storage estimate (an offer
// that cannot fit is refused with the numbers, before a byte moves); a verified file is done
// only once the shell has stored it; a failed write fails its transfer with the shell's reason.
#include "transfer/transfers.hpp"

#include <cstdio>

#include "transfer/checksum.hpp"
#include "transfer/names.hpp"

namespace peerline::transfer {
namespace {

std::string size_text(std::uint64_t bytes) {
    char text[32];
    if (bytes >= kGiB) std::snprintf(text, sizeof text, "%.1f GiB", static_cast<double>(bytes) / kGiB);
    else std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / kMiB);
    return text;
}

}  // namespace

std::uint64_t Transfers::bytes_still_coming(const IncomingTransfer* except) const {
    std::uint64_t bytes = 0;
    for (const auto& t : incoming_) {
        if (t.get() == except || (t->state != State::queued && t->state != State::running)) continue;
        bytes += t->total() - t->done();
    }
    return bytes;
}

void Transfers::accept(const std::string& id, Out& out) {
    IncomingTransfer* t = nullptr;
    for (auto& in : incoming_) {
        if (in->id == id) t = in.get();
    }
    if (!t || t->state != State::offered || t->checking_storage) return;
    t->checking_storage = true;
    out.push_back(CheckStorage{t->key(), t->total()});
}

bool Transfers::on_storage_checked(const StorageChecked& e, Out& out) {
    IncomingTransfer* t = nullptr;
    for (auto& in : incoming_) {
        if (!in->key().empty() && in->key() == e.key) t = in.get();
    }
    if (!t) return false;
    // Cancelled or declined while the estimate was on its way: nothing to do.
    if (!t->checking_storage || t->state != State::offered) return true;
    t->checking_storage = false;
    const std::uint64_t needed = t->total() + bytes_still_coming(t) + kStorageHeadroomBytes;
    if (e.known && needed > e.available) {
        const std::string why = "not enough storage: " + size_text(needed) + " needed, " +
                                size_text(e.available) + " free for this site";
        send(DeclineMessage{transfer_id(t->number()), why}, out);
        t->end(State::failed, "refused: " + why);
        after(out);
        return true;
    }
    t->set_state(State::queued);
    send(AcceptMessage{transfer_id(t->number()), t->block_bytes}, out);
    after(out);
    return true;
}

bool Transfers::on_sink_stored(const std::string& sink, Out& out) {
    for (auto& t : incoming_) {
        if (!t->owns_sink(sink)) continue;
        if (t->finished()) return true;  // cancelled meanwhile: its sinks were discarded
        if (auto stored = t->on_stored(sink)) {
            send(VerifiedMessage{transfer_id(t->number()), stored->first, to_hex(stored->second)}, out);
            if (t->all_stored()) t->end(State::done, "");
        }
        after(out);
        return true;
    }
    return false;
}

bool Transfers::on_sink_failed(const std::string& sink, const std::string& reason, Out& out) {
    for (auto& t : incoming_) {
        if (!t->owns_sink(sink)) continue;
        auto file = t->unfinished_file(sink);
        if (t->finished() || !file) return true;
        stop_incoming(*t, State::failed, "could not store `" + t->files[*file].name + "`: " + clean_reason(reason),
                      *file, /*tell_peer=*/true, out);
        after(out);
        return true;
    }
    return false;
}

}  // namespace peerline::transfer
