// Voice messages (issues 8 and 20, docs/voice.md): the caller of a declined, missed or busy call
// records one; it goes end to end over the data link with that person (link/voice_link.hpp),
// never through the server. The Mailbox is both ends' bookkeeping: what may be sent and kept,
// our copy until the other page acknowledges it, what we received, and what the browser stores
// (IndexedDB, through StoreVoiceMessage / DeleteStoredVoice) so a reload loses nothing.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actions.hpp"
#include "events.hpp"
#include "link/voice_link.hpp"
#include "result.hpp"
#include "voice_mail_data.hpp"

namespace peerline::voice_mail {

// What is kept: the newest kKeptPerSender from each sender (one sender cannot push out
// everyone else's), kKeptReceived in all, and at most kMaxUnsent of our own waiting for delivery.
inline constexpr std::size_t kKeptPerSender = 10;
inline constexpr std::size_t kKeptReceived = 50;
inline constexpr std::size_t kMaxUnsent = 10;

class Mailbox {
public:
    using Out = std::vector<Action>;

    // ---- the browser's store
    void start(Out& out);  // asks the shell for what earlier visits kept
    void on_loaded(const StoredVoicesLoaded& e, Out& out);
    void on_stored(const VoiceStored& e);

    // ---- sending
    // Our recording for `to`: checked (voice::inspect) and kept until delivered. Returns the
    // new message's id, or nothing with the reason in outbox() (not a valid recording, too many
    // waiting). A message for someone not reachable now is kept as `waiting`.
    std::optional<std::string> compose(const std::string& to, const std::string& to_name, std::string_view ogg,
                                       double at_ms, Out& out);
    const std::string* bytes_of(const std::string& id) const;
    void on_sending(const std::string& id);                       // it goes out (again) now
    void on_unreachable(const std::string& id, const std::string& why);
    void on_outcome(const link::VoiceOutcome& outcome, Out& out);
    std::vector<std::string> waiting_for(const std::string& peer) const;  // ids to send again

    // ---- receiving
    // A message that arrived whole from `from` (`from_name`: nullopt if they share no room
    // with us): listed and stored (nullopt: acknowledge it), or the refusal to answer with.
    // Acknowledged on arrival, as chat is, not once stored: a store that fails later keeps the
    // message listed for this visit and says so (docs/voice.md "Kept in the browser").
    std::optional<Error> receive(const std::string& from, const std::optional<std::string>& from_name,
                                 const link::VoiceArrival& arrival, double at_ms, Out& out);

    // ---- the listener
    void mark_played(const std::string& key, Out& out);
    void remove(const std::string& key, Out& out);  // a received message, or an unsent one of ours

    const std::vector<Note>& notes() const { return notes_; }  // oldest first
    const std::vector<Unsent>& unsent() const { return unsent_; }
    const Outbox& outbox() const { return outbox_; }
    // The latest thing the person should be told about kept messages (some dropped, the store
    // missing or full), shown with the list until the next one; "" : nothing.
    const std::string& notice() const { return notice_; }

private:
    enum class Storage { unknown, available, unavailable };
    void store(const Record& r, Out& out);
    void drop_stored(const std::string& key, Out& out);
    void keep_within_caps(const std::string& from, Out& out);
    Unsent* unsent_by_id(const std::string& id);
    void update_outbox(const Unsent& u);

    Storage storage_ = Storage::unknown;
    std::vector<Note> notes_;
    std::vector<Unsent> unsent_;
    std::map<std::string, std::string> unsent_bytes_;  // by id
    Outbox outbox_;
    std::string notice_;
    int composed_ = 0;
};

}  // namespace peerline::voice_mail
