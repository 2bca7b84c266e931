// App's data links: chat and file drop with each peer over RTCDataChannels, opened on demand
// (docs/protocol.md "Data links", docs/transfer.md). Routing only; the links do the work.
#include <algorithm>
#include <utility>

#include "app_state.hpp"

namespace peerline {

link::DataLink* App::State::link_for_pc(int pc) {
    for (auto& [peer, l] : links) {
        if (l->ids().pc == pc) return l.get();
    }
    return nullptr;
}

link::DataLink* App::State::link_with(const std::string& peer) {
    auto it = links.find(peer);
    return it == links.end() ? nullptr : it->second.get();
}

link::DataLink& App::State::new_link(const protocol::PeerInfo& peer, Out& out) {
    link::LinkIds ids{peer.id,        peer.name,      next_pc++,      next_timer,     next_timer + 1,
                      next_timer + 2, next_timer + 3, next_timer + 4, next_timer + 5};
    next_timer += 6;
    auto fresh = std::make_unique<link::DataLink>(std::move(ids), call_settings().configuration_json);
    if (auto* old = link_with(peer.id)) {
        old->close("replaced by a new connection", false, out);
        fresh->adopt_chat(old->chat());
        // Transfers waiting to resume go on with the new link, as the chat does.
        if (old->transfers().resumable()) fresh->adopt_transfers(old->take_transfers(out));
        else old->delete_received_files(out);
    }
    auto& slot = links[peer.id];
    slot = std::move(fresh);
    return *slot;
}

link::DataLink* App::State::ensure_link(const std::string& peer_id, Out& out) {
    if (auto* l = link_with(peer_id); l && !l->closed()) return l;
    const auto* peer = find_peer(peer_id);
    if (!online || !peer) return nullptr;
    auto& l = new_link(*peer, out);
    // The smaller id makes the first offer; the larger asks it to, so links never cross.
    if (self_id < peer_id) {
        l.start(self_id + "-l" + std::to_string(++link_seq), out);
    } else {
        l.request(self_id + "-r" + std::to_string(++link_seq), out);
    }
    return &l;
}

void App::State::on_link_offer(const protocol::PeerInfo& peer, const signal::Offer& offer, Out& out) {
    auto* l = link_with(peer.id);
    if (l && l->waiting_for_offer()) return l->answer(offer, out);
    // Otherwise the peer lost its side (a reload, a restart): this offer replaces ours.
    new_link(peer, out).answer(offer, out);
}

void App::State::on_link_request(const protocol::PeerInfo& peer, Out& out) {
    if (self_id > peer.id) return;  // only the smaller id offers; a confused peer is ignored
    // After a drop both sides reconnect at once: our new link's offer (carrying the transfers
    // that wait to resume) is on its way and answers this request; replacing it would cost a
    // second connection.
    if (auto* l = link_with(peer.id); l && l->offerer() && l->phase() == link::Phase::connecting &&
                                      l->transfers().resumable()) {
        return;
    }
    // They have no link to us, so whatever we hold is stale.
    new_link(peer, out).start(self_id + "-l" + std::to_string(++link_seq), out);
}

void App::State::resume_transfers(Out& out) {
    if (!online) return;
    std::vector<std::string> waiting;
    for (const auto& [peer, l] : links) {
        if (l->closed() && l->transfers().resumable() && find_peer(peer)) waiting.push_back(peer);
    }
    // A new link (the smaller id offers, the larger asks it to): it adopts what waits to resume.
    for (const auto& peer : waiting) ensure_link(peer, out);
}

bool App::State::visible(const std::string& peer) const { return open_conversation == peer; }

const link::DataLink* App::State::link_of(const std::string& peer) const {
    auto it = links.find(peer);
    return it == links.end() ? nullptr : it->second.get();
}

void App::State::on(const PageClosing&, Out& out) {
    if (in_call()) call->hang_up(out);
    for (auto& [peer, l] : links) l->say_page_closed(out);
}

void App::State::on(const OpenLinkIntent& e, Out& out) {
    open_conversation = e.peer;
    if (e.peer.empty()) return;
    if (auto* l = link_with(e.peer)) l->chat().mark_read();
    if (!ensure_link(e.peer, out)) notice = "That person is no longer online";
}

void App::State::on(const ChatReadIntent& e, Out&) {
    if (auto* l = link_with(e.peer)) l->chat().mark_read();
}

void App::State::on(const SendChatIntent& e, Out& out) {
    auto* l = ensure_link(e.peer, out);
    if (!l) {
        notice = "Cannot send: that person is not online";
        return;
    }
    l->send_chat(e.text, out);
}

void App::State::on(const FilesChosen& e, Out& out) {
    auto* l = ensure_link(e.peer, out);
    if (!l) {
        notice = "Cannot send files: that person is not online";
        out.push_back(ReleaseFiles{e.pick});
        return;
    }
    picks[e.pick] = e.peer;
    l->offer_files(e.pick, e.files, out);
}

void App::State::on(const AcceptFilesIntent& e, Out& out) { if (auto* l = link_with(e.peer)) l->accept_files(e.transfer, out); }

void App::State::on(const DeclineFilesIntent& e, Out& out) { if (auto* l = link_with(e.peer)) l->decline_files(e.transfer, out); }

void App::State::on(const CancelTransferIntent& e, Out& out) { if (auto* l = link_with(e.peer)) l->cancel_transfer(e.transfer, out); }

link::DataLink* App::State::link_for_pick(int pick) {
    auto it = picks.find(pick);
    return it == picks.end() ? nullptr : link_with(it->second);
}

void App::State::on(const FileChunkRead& e, Out& out) {
    quiet = true;
    if (auto* l = link_for_pick(e.pick)) l->on_file_read(e.pick, e.file, e.offset, e.bytes, out);
}

void App::State::on(const FileReadFailed& e, Out& out) {
    if (auto* l = link_for_pick(e.pick)) l->on_file_read_failed(e.pick, e.file, e.reason, out);
}

// Storage answers name a key or sink that one link's transfers own (peer and pc are in it).
void App::State::on(const StorageChecked& e, Out& out) {
    for (auto& [peer, l] : links) {
        if (l->on_storage_checked(e, out)) return;
    }
}

void App::State::on(const FileSinkStored& e, Out& out) {
    for (auto& [peer, l] : links) {
        if (l->on_sink_stored(e.sink, out)) return;
    }
    // Its link was replaced meanwhile: nobody will offer it for saving.
    out.push_back(CloseFileSink{e.sink, false});
}

void App::State::on(const FileSinkFailed& e, Out& out) {
    for (auto& [peer, l] : links) {
        if (l->on_sink_failed(e.sink, e.reason, out)) return;
    }
}

void App::State::on(const ChannelOpened& e, Out& out) {
    if (auto* l = link_for_pc(e.pc)) l->on_channel_open(e.channel, e.max_message_size, out);
}

void App::State::on(const ChannelClosed& e, Out& out) { if (auto* l = link_for_pc(e.pc)) l->on_channel_closed(e.channel, out); }

void App::State::on(const ChannelText& e, Out& out) {
    auto* l = link_for_pc(e.pc);
    if (!l) return;
    l->on_text(e.channel, e.text, visible(l->ids().peer), out);
    show_file_offers(*l);
    for (auto& arrival : l->take_voice_arrivals()) receive_voice(*l, arrival, e.at_ms, out);
}

void App::State::on(const ChannelBinary& e, Out& out) {
    quiet = true;
    auto* l = link_for_pc(e.pc);
    if (!l) return;
    l->on_binary(e.channel, e.bytes, out);
    // The last part of a voice message: what the page lists changes (the stamp does not see it).
    for (auto& arrival : l->take_voice_arrivals()) {
        quiet = false;
        receive_voice(*l, arrival, e.at_ms, out);
    }
}

void App::State::on(const ChannelBuffered& e, Out& out) {
    quiet = true;
    if (auto* l = link_for_pc(e.pc)) l->on_buffered(e.channel, e.amount, out);
}

void App::State::on(const ChannelSendFailed& e, Out& out) {
    if (auto* l = link_for_pc(e.pc)) l->on_send_failed(e.channel, e.reason, e.head, e.binary, out);
}

void App::State::show_file_offers(const link::DataLink& l) {
    if (open_conversation.empty() && offers_files(l)) open_conversation = l.ids().peer;
}

bool App::State::offers_files(const link::DataLink& l) {
    for (const auto& t : l.transfers().view()) {
        if (t.direction == transfer::Direction::incoming && t.state == transfer::State::offered) return true;
    }
    return false;
}

}  // namespace peerline
