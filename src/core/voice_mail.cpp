#include "voice_mail.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "voice/inspect.hpp"
#include "voice/limits.hpp"

namespace peerline::voice_mail {

bool operator==(const Note& a, const Note& b) {
    return a.key == b.key && a.from == b.from && a.from_name == b.from_name && a.at_ms == b.at_ms &&
           a.duration_s == b.duration_s && a.played == b.played;
}
bool operator==(const Unsent& a, const Unsent& b) {
    return a.key == b.key && a.id == b.id && a.to == b.to && a.to_name == b.to_name && a.at_ms == b.at_ms &&
           a.duration_s == b.duration_s && a.state == b.state && a.detail == b.detail;
}
bool operator==(const Outbox& a, const Outbox& b) {
    return a.to == b.to && a.to_name == b.to_name && a.state == b.state && a.detail == b.detail;
}

namespace {
std::string received_key(const std::string& from, const std::string& id) { return "in/" + from + "/" + id; }
std::string unsent_key(const std::string& id) { return "out/" + id; }
}  // namespace

// ---- the browser's store --------------------------------------------------------------------------

void Mailbox::store(const Record& r, Out& out) {
    if (storage_ != Storage::unavailable) out.push_back(StoreVoiceMessage{r});
}

void Mailbox::drop_stored(const std::string& key, Out& out) {
    if (storage_ != Storage::unavailable) out.push_back(DeleteStoredVoice{key});
}

void Mailbox::start(Out& out) { out.push_back(LoadStoredVoices{}); }

void Mailbox::on_loaded(const StoredVoicesLoaded& e, Out& out) {
    if (!e.available) {
        storage_ = Storage::unavailable;
        notice_ = "Voice messages are kept only while this page is open: the browser does not let it store them (" + e.reason + ").";
        return;
    }
    storage_ = Storage::available;
    std::size_t unreadable = 0;
    for (const auto& r : e.records) {
        // Stored bytes are checked again: a store is not trusted more than the wire.
        auto info = voice::inspect(r.bytes);
        const bool listed_already = std::any_of(notes_.begin(), notes_.end(), [&](const Note& n) { return n.key == r.key; }) ||
                                    std::any_of(unsent_.begin(), unsent_.end(), [&](const Unsent& u) { return u.key == r.key; });
        if (!info || r.key.empty() || listed_already) {
            if (!info) ++unreadable;
            if (!listed_already) out.push_back(DeleteStoredVoice{r.key});
            continue;
        }
        if (r.outgoing) {
            unsent_.push_back(Unsent{r.key, r.id, r.peer, r.peer_name, r.at_ms, info.value().duration_s, Unsent::State::waiting,
                                     "not delivered yet; it was recorded on an earlier visit"});
            unsent_bytes_[r.id] = r.bytes;
        } else {
            notes_.push_back(Note{r.key, r.peer, r.peer_name, r.at_ms, info.value().duration_s, r.played});
        }
    }
    std::stable_sort(notes_.begin(), notes_.end(), [](const Note& a, const Note& b) { return a.at_ms < b.at_ms; });
    std::stable_sort(unsent_.begin(), unsent_.end(), [](const Unsent& a, const Unsent& b) { return a.at_ms < b.at_ms; });
    std::vector<std::string> senders;
    for (const auto& n : notes_) senders.push_back(n.from);
    for (const auto& from : senders) keep_within_caps(from, out);
    while (unsent_.size() > kMaxUnsent) remove(unsent_.front().key, out);
    if (unreadable > 0) notice_ = std::to_string(unreadable) + " stored voice message(s) could not be read and were deleted.";
}

void Mailbox::on_stored(const VoiceStored& e) {
    if (e.ok) return;
    if (e.key.rfind("out/", 0) == 0) {
        notice_ = "Your copy of the voice message could not be stored (" + e.reason + "); it is sent from this page's memory.";
        return;
    }
    // Acknowledged already, so not dropped: listed until the page closes, and the listener knows.
    const auto note = std::find_if(notes_.begin(), notes_.end(), [&](const Note& n) { return n.key == e.key; });
    if (note != notes_.end()) {
        notice_ = "The voice message from " + note->from_name + " could not be stored (" + e.reason +
                  "): it is kept only until you close this page. Download it to keep it.";
    }
}

// ---- sending ------------------------------------------------------------------------------------------

std::optional<std::string> Mailbox::compose(const std::string& to, const std::string& to_name, std::string_view ogg,
                                            double at_ms, Out& out) {
    outbox_ = Outbox{to, to_name, Outbox::State::failed, {}};
    auto info = voice::inspect(ogg);
    if (!info) {
        outbox_.detail = info.error().message;
        return std::nullopt;
    }
    if (unsent_.size() >= kMaxUnsent) {
        outbox_.detail = std::to_string(kMaxUnsent) + " messages are still waiting to be delivered; delete one first.";
        return std::nullopt;
    }
    // Unique per sending page across visits: the clock of the recording and a count.
    const std::string id = "v" + std::to_string(static_cast<long long>(std::llround(at_ms))) + "-" + std::to_string(++composed_);
    Unsent u{unsent_key(id), id, to, to_name, at_ms, info.value().duration_s, Unsent::State::sending, {}};
    store(Record{u.key, true, id, to, to_name, at_ms, u.duration_s, false, std::string(ogg)}, out);
    unsent_bytes_[id] = std::string(ogg);
    unsent_.push_back(u);
    update_outbox(u);
    return id;
}

const std::string* Mailbox::bytes_of(const std::string& id) const {
    auto found = unsent_bytes_.find(id);
    return found == unsent_bytes_.end() ? nullptr : &found->second;
}

Unsent* Mailbox::unsent_by_id(const std::string& id) {
    auto found = std::find_if(unsent_.begin(), unsent_.end(), [&](const Unsent& u) { return u.id == id; });
    return found == unsent_.end() ? nullptr : &*found;
}

void Mailbox::update_outbox(const Unsent& u) {
    if (outbox_.to != u.to) return;  // the recorder shows the newest message only
    static constexpr Outbox::State kShown[] = {Outbox::State::sending, Outbox::State::waiting, Outbox::State::failed};
    outbox_.state = kShown[static_cast<int>(u.state)];
    outbox_.detail = u.detail;
}

void Mailbox::on_sending(const std::string& id) {
    if (Unsent* u = unsent_by_id(id)) {
        u->state = Unsent::State::sending;
        u->detail.clear();
        update_outbox(*u);
    }
}

void Mailbox::on_unreachable(const std::string& id, const std::string& why) {
    if (Unsent* u = unsent_by_id(id)) {
        u->state = Unsent::State::waiting;
        u->detail = why;
        update_outbox(*u);
    }
}

void Mailbox::on_outcome(const link::VoiceOutcome& outcome, Out& out) {
    Unsent* u = unsent_by_id(outcome.id);
    if (!u) return;
    if (outcome.delivered) {
        if (outbox_.to == u->to) outbox_ = Outbox{u->to, u->to_name, Outbox::State::delivered, {}};
        drop_stored(u->key, out);
        unsent_bytes_.erase(u->id);
        unsent_.erase(unsent_.begin() + (u - unsent_.data()));
        return;
    }
    // A page that said no will say no again; a lost link or a silent page gets another try
    // when they are back.
    u->state = outcome.answered ? Unsent::State::refused : Unsent::State::waiting;
    u->detail = outcome.answered ? outcome.reason : "they are offline or unreachable (" + outcome.reason + "); it is sent when they are back";
    update_outbox(*u);
}

std::vector<std::string> Mailbox::waiting_for(const std::string& peer) const {
    std::vector<std::string> ids;
    for (const auto& u : unsent_) {
        if (u.to == peer && u.state == Unsent::State::waiting) ids.push_back(u.id);
    }
    return ids;
}

// ---- receiving ------------------------------------------------------------------------------------

std::optional<Error> Mailbox::receive(const std::string& from, const std::optional<std::string>& from_name,
                                      const link::VoiceArrival& arrival, double at_ms, Out& out) {
    if (!from_name) return make_error("voice-stranger", "a voice message from someone who shares no room with us");
    const std::string key = received_key(from, arrival.id);
    if (std::any_of(notes_.begin(), notes_.end(), [&](const Note& n) { return n.key == key; })) {
        return make_error(link::voice_refusal::kDuplicate, "this message already arrived");
    }
    auto info = voice::inspect(arrival.bytes);
    if (!info) return info.error();
    notes_.push_back(Note{key, from, *from_name, at_ms, info.value().duration_s, false});
    store(Record{key, false, arrival.id, from, *from_name, at_ms, info.value().duration_s, false, arrival.bytes}, out);
    keep_within_caps(from, out);
    return std::nullopt;
}

void Mailbox::keep_within_caps(const std::string& from, Out& out) {
    auto from_sender = [&](const Note& n) { return n.from == from; };
    while (static_cast<std::size_t>(std::count_if(notes_.begin(), notes_.end(), from_sender)) > kKeptPerSender) {
        const auto oldest = std::find_if(notes_.begin(), notes_.end(), from_sender);
        notice_ = "An older voice message from " + oldest->from_name + " was deleted: the newest " + std::to_string(kKeptPerSender) +
                  " from each person are kept.";
        remove(oldest->key, out);
    }
    while (notes_.size() > kKeptReceived) {
        notice_ = "The oldest voice message, from " + notes_.front().from_name + ", was deleted: at most " +
                  std::to_string(kKeptReceived) + " are kept.";
        remove(notes_.front().key, out);
    }
}

// ---- the listener -------------------------------------------------------------------------------

void Mailbox::mark_played(const std::string& key, Out& out) {
    auto note = std::find_if(notes_.begin(), notes_.end(), [&](const Note& n) { return n.key == key; });
    if (note == notes_.end() || note->played) return;
    note->played = true;
    // The store keeps the bytes under the key; an update carries only the flag.
    if (storage_ != Storage::unavailable) out.push_back(MarkStoredVoicePlayed{key});
}

void Mailbox::remove(const std::string& key_ref, Out& out) {
    // A copy: callers pass the key of the element this erases.
    const std::string key = key_ref;
    auto note = std::find_if(notes_.begin(), notes_.end(), [&](const Note& n) { return n.key == key; });
    if (note != notes_.end()) {
        notes_.erase(note);
        drop_stored(key, out);
        return;
    }
    auto mine = std::find_if(unsent_.begin(), unsent_.end(), [&](const Unsent& u) { return u.key == key; });
    if (mine == unsent_.end()) return;
    unsent_bytes_.erase(mine->id);
    if (outbox_.to == mine->to && outbox_.state != Outbox::State::delivered) outbox_ = Outbox{};
    unsent_.erase(mine);
    drop_stored(key, out);
}

}  // namespace peerline::voice_mail
