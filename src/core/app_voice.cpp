// App's voice messages (issue 20, docs/voice.md): routing between the Mailbox (what is kept,
// sent and acknowledged) and the data links that carry messages end to end. The server never
// carries voice bytes: a binary frame that claims to be one is refused.
#include <algorithm>
#include <iterator>
#include <utility>

#include "app_state.hpp"
#include "transfer/checksum.hpp"
#include "voice/limits.hpp"

namespace peerline {

void App::State::on(const ServerBinary&, Out&) {
    // Only an older page sends voice through the server; taking it would let the server read it.
    notice = "A voice message sent through the server by an older page was not accepted: voice messages travel "
             "only between the two pages now. Ask the sender to reload Peerline.";
}

void App::State::on(const VoiceRecordingStarted& e, Out& out) {
    withdraw_prepared_voice(out);  // a new recording replaces the one listened back to
    // Opening a link took 33-58 ms here (offer, answer, ICE, DTLS, SCTP); recording takes seconds.
    if (online && find_peer(e.peer)) ensure_link(e.peer, out);
}

void App::State::on(const VoiceMessagePrepared& e, Out& out) {
    withdraw_prepared_voice(out);
    auto* l = online && find_peer(e.peer) ? link_with(e.peer) : nullptr;
    if (!l || e.key.size() != 32 || e.bytes.size() > voice::kMaxBytes) return;
    PreparedVoice prepared{e.peer, "p" + std::to_string(next_sealed++), {}, transfer::to_hex(transfer::digest_of(e.bytes))};
    std::copy(e.key.begin(), e.key.end(), prepared.key.begin());
    // Sealed: until Send releases the key their page holds bytes it cannot play.
    if (l->presend_voice(prepared.sealed_id, e.bytes, prepared.key, out)) prepared_voice = std::move(prepared);
}

void App::State::on(const VoiceMessageWithdrawn&, Out& out) { withdraw_prepared_voice(out); }

void App::State::withdraw_prepared_voice(Out& out) {
    if (!prepared_voice) return;
    if (auto* l = link_with(prepared_voice->peer)) l->withdraw_voice(prepared_voice->sealed_id, out);
    prepared_voice.reset();
}

void App::State::on(const VoiceMessageRecorded& e, Out& out) {
    // Their name from the roster, else from the call or link we had with them.
    const auto* peer = online ? find_peer(e.peer) : nullptr;
    const auto* l = link_of(e.peer);
    const std::string name = peer                                      ? peer->name
                             : call && call->ids().peer == e.peer ? call->ids().peer_name
                             : l                                   ? l->ids().peer_name
                                                                   : "They";
    // The message goes out first; storing our copy (a structured clone of up to 250 KB in the
    // browser) can follow it.
    Out storing;
    auto id = voice_mail.compose(e.peer, name, e.bytes, e.at_ms, storing);
    auto prepared = std::exchange(prepared_voice, std::nullopt);
    const bool same = prepared && prepared->peer == e.peer && prepared->digest == transfer::to_hex(transfer::digest_of(e.bytes));
    // As for a plain message: someone no longer on the roster is offline, whatever a link that
    // has not noticed yet says.
    auto* sealed_on = same && online && find_peer(e.peer) ? link_with(e.peer) : nullptr;
    if (id && sealed_on && sealed_on->open_voice(prepared->sealed_id, *id, prepared->key, e.bytes, out)) {
        voice_mail.on_sending(*id);  // the bytes went while they listened back: only the key goes now
    } else {
        if (prepared) {
            if (auto* l = link_with(prepared->peer)) l->withdraw_voice(prepared->sealed_id, out);
        }
        if (id) deliver_voice(e.peer, *id, out);
    }
    out.insert(out.end(), std::make_move_iterator(storing.begin()), std::make_move_iterator(storing.end()));
}

void App::State::deliver_voice(const std::string& peer_id, const std::string& id, Out& out) {
    const std::string* bytes = voice_mail.bytes_of(id);
    if (!bytes) return;
    if (!online) return voice_mail.on_unreachable(id, "you are offline; it is sent when you are both back online");
    auto* l = find_peer(peer_id) ? ensure_link(peer_id, out) : nullptr;
    if (!l) return voice_mail.on_unreachable(id, "they are offline; it is sent when they are back");
    voice_mail.on_sending(id);
    l->send_voice(id, *bytes, out);
}

void App::State::retry_voice(const std::string& peer_id, Out& out) {
    for (const auto& id : voice_mail.waiting_for(peer_id)) deliver_voice(peer_id, id, out);
}

void App::State::receive_voice(link::DataLink& l, const link::VoiceArrival& arrival, double at_ms, Out& out) {
    const std::string& from = l.ids().peer;
    const auto* peer = find_peer(from);
    // A link outlives a server restart, so a link peer briefly missing from the roster is
    // still the person we linked with; only someone we never shared a room with is a stranger.
    std::optional<std::string> name = peer ? std::optional<std::string>(peer->name) : std::optional<std::string>(l.ids().peer_name);
    Out storing;  // after the answer: the sender waits for that, not for our store
    auto refused = voice_mail.receive(from, name, arrival, at_ms, storing);
    if (refused && refused->code != link::voice_refusal::kDuplicate) {
        notice = "A voice message from " + *name + " could not be used: " + refused->message;
    }
    l.answer_voice(arrival.id, refused, out);
    out.insert(out.end(), std::make_move_iterator(storing.begin()), std::make_move_iterator(storing.end()));
}

void App::State::on(const StoredVoicesLoaded& e, Out& out) { voice_mail.on_loaded(e, out); }

void App::State::on(const VoiceStored& e, Out&) { voice_mail.on_stored(e); }

void App::State::on(const VoicePlayedIntent& e, Out& out) { voice_mail.mark_played(e.key, out); }

void App::State::on(const DeleteVoiceIntent& e, Out& out) { voice_mail.remove(e.key, out); }

void App::State::settle_voice(Out& out) {
    for (auto& [peer, l] : links) {
        for (const auto& outcome : l->take_voice_outcomes()) voice_mail.on_outcome(outcome, out);
    }
}

}  // namespace peerline
