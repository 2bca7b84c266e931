// App's View: what the page shows, derived from the state after each event, and the stamp that
// lets events which only move bytes or candidates skip that work (App::handle).
#include <utility>

#include "app_state.hpp"

namespace peerline {

App::State::Stamp App::State::stamp() const {
    Stamp s{notice, call ? call->phase() : CallPhase::idle, {}};
    s.links.reserve(links.size());
    for (const auto& [peer, l] : links) {
        s.links.emplace_back(l->phase(), l->transfers().revision(), l->chat().lines().size(), l->chat().unread());
    }
    return s;
}

View App::State::build_view() const {
    View v;
    v.link = link;
    v.online = online;
    v.network_down = network_down;
    v.self_id = self_id;
    v.self_name = config.name;
    v.notice = notice;
    v.update_ready = update_ready;
    v.devices = devices;
    for (const auto& p : peers) {
        PeerTile tile;
        tile.id = p.id;
        tile.name = p.name;
        tile.device = p.device;
        tile.via = p.via;
        // Calling back the one whose call rings here accepts it (glare), so that stays open.
        tile.can_call = online && (!in_call() || call->ringing_from(p.id));
        if (const auto* l = link_of(p.id)) {
            tile.unread = l->chat().unread();
            tile.link = link::to_string(l->phase());
            tile.offers_files = offers_files(*l);
        }
        v.peers.push_back(std::move(tile));
    }
    if (call) call->fill(v.call);
    v.call.stats_open = stats_open;
    v.invite_room = config.room;
    fill_voice(v.voice);
    fill_recent(v);
    fill_conversation(v.conversation);
    return v;
}

void App::State::fill_voice(VoicePanel& v) const {
    // The caller of a call that nobody took may leave a message (issue 8).
    // Only while they are here: a message for someone gone could not be delivered.
    if (call && !call->active() && call->outgoing() && find_peer(call->ids().peer)) {
        const auto reason = call->end_reason();
        if (reason == EndReason::declined || reason == EndReason::missed || reason == EndReason::busy) {
            v.offer_to = call->ids().peer;
            v.offer_to_name = call->ids().peer_name;
        }
    }
    v.outbox = voice_mail.outbox();
    v.received = voice_mail.notes();
    v.unsent = voice_mail.unsent();
    v.notice = voice_mail.notice();
}

void App::State::fill_conversation(Conversation& c) const {
    if (open_conversation.empty()) return;
    c.peer_id = open_conversation;
    const auto* peer = find_peer(open_conversation);
    c.peer_online = peer != nullptr;
    const auto* found = link_of(open_conversation);
    c.peer_name = peer ? peer->name : found ? found->ids().peer_name : std::string();
    if (!found) return;
    const auto& l = *found;
    c.link = link::to_string(l.phase());
    if (l.closed()) c.link_problem = l.reason();
    c.chat.assign(l.chat().lines().begin(), l.chat().lines().end());
    c.transfers = l.transfers().view();
}

}  // namespace peerline
