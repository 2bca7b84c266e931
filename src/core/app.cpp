// App: routes each event to the part of the client it concerns (the signaling link, the
// roster, the current call, the device choice) and derives the View afterwards.
#include "app.hpp"

#include <algorithm>
#include <optional>
#include <tuple>
#include <utility>

#include "call.hpp"
#include "link/data_link.hpp"
#include "protocol.hpp"
#include "signal.hpp"
#include "voice_mail.hpp"

namespace peerline {

namespace {
// Reconnect backoff: 0.5 s, 1 s, 2 s, … capped at 8 s. No jitter source in a clock-free core;
// after a server restart clients still spread out because their sockets close at different
// moments.
int reconnect_delay_ms(int attempt) { return std::min(500 << std::min(attempt, 4), 8000); }
}  // namespace

struct App::State {
    using Out = std::vector<Action>;

    AppConfig config;
    LinkState link = LinkState::connecting;
    bool online = false;
    int reconnect_attempt = 0;
    int reconnect_timer = 0;
    std::string self_id;
    std::string resume_token;  // from the last welcome: reclaims self_id after a reconnect
    nlohmann::json ice_servers = nlohmann::json::array();
    std::vector<protocol::PeerInfo> peers;  // in join order
    std::optional<Call> call;               // the current or last call
    // By peer id: chat and files, on demand. Boxed: a link is neither copied nor moved.
    std::map<std::string, std::unique_ptr<link::DataLink>> links;
    std::map<int, std::string> picks;       // files the shell keeps → the peer they go to
    std::string open_conversation;          // peer whose chat and transfers are shown
    voice_mail::Mailbox voice_mail;
    // Set by handlers of events that only move bytes or candidates (see App::handle).
    bool quiet = false;
    std::size_t max_binary_bytes = protocol::kMaxBinaryFrameBytes;  // from welcome.limits
    int link_seq = 0;
    DeviceChoice devices;
    int next_pc = 1;
    int next_timer = 1;
    int call_seq = 0;
    std::string notice;

    const protocol::PeerInfo* find_peer(const std::string& id) const {
        auto it = std::find_if(peers.begin(), peers.end(), [&](const auto& p) { return p.id == id; });
        return it == peers.end() ? nullptr : &*it;
    }
    bool in_call() const { return call && call->active(); }
    Call* call_for_pc(int pc) { return in_call() && call->ids().pc == pc ? &*call : nullptr; }
    link::DataLink* link_for_pc(int pc) {
        for (auto& [peer, l] : links) {
            if (l->ids().pc == pc) return l.get();
        }
        return nullptr;
    }
    link::DataLink* link_with(const std::string& peer) {
        auto it = links.find(peer);
        return it == links.end() ? nullptr : it->second.get();
    }
    // Runs `step` on the call or the data link that owns pc `pc`.
    template <typename CallStep, typename LinkStep>
    void on_pc(int pc, CallStep&& call_step, LinkStep&& link_step) {
        if (auto* c = call_for_pc(pc)) return call_step(*c);
        if (auto* l = link_for_pc(pc)) link_step(*l);
    }

    CallSettings call_settings() const {
        CallSettings s;
        s.configuration_json = protocol::dump_json(nlohmann::json{{"iceServers", ice_servers}});
        // VP8 first: the cheapest encoder on the 2-core laptops and phones we target and the
        // fastest to a first frame (~40 ms less than VP9 here); VP9 when VP8 is not shared.
        s.policy.video_preference = {"VP8", "VP9", "H264", "AV1"};
        s.audio_device = devices.audio_input;
        s.video_device = devices.video_input;
        return s;
    }
    CallIds new_call_ids(const protocol::PeerInfo& peer, std::string call_id) {
        CallTimers t{next_timer, next_timer + 1, next_timer + 2, next_timer + 3, next_timer + 4};
        next_timer += 5;
        return CallIds{std::move(call_id), peer.id, peer.name, next_pc++, t};
    }
    void send_signal(const std::string& to, const signal::Payload& payload, Out& out) const {
        out.push_back(SendToServer{protocol::serialize(
            protocol::ClientMessage{protocol::SignalTo{to, signal::to_json(payload)}})});
    }

    // ---- data links -----------------------------------------------------------------------------
    // A fresh link object for `peer`, carrying over the chat of the one it replaces.
    link::DataLink& new_link(const protocol::PeerInfo& peer, Out& out) {
        link::LinkIds ids{peer.id, peer.name, next_pc++, next_timer, next_timer + 1, next_timer + 2, next_timer + 3};
        next_timer += 4;
        auto fresh = std::make_unique<link::DataLink>(std::move(ids), call_settings().configuration_json);
        if (auto* old = link_with(peer.id)) {
            old->close("replaced by a new connection", false, out);
            fresh->adopt_chat(old->chat());
        }
        auto& slot = links[peer.id];
        slot = std::move(fresh);
        return *slot;
    }
    // The link to `peer_id`, opened now if there is none; nullptr if they are not online.
    link::DataLink* ensure_link(const std::string& peer_id, Out& out) {
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
    void on_link_offer(const protocol::PeerInfo& peer, const signal::Offer& offer, Out& out) {
        auto* l = link_with(peer.id);
        if (l && l->waiting_for_offer()) return l->answer(offer, out);
        // Otherwise the peer lost its side (a reload, a restart): this offer replaces ours.
        new_link(peer, out).answer(offer, out);
    }
    void on_link_request(const protocol::PeerInfo& peer, Out& out) {
        if (self_id > peer.id) return;  // only the smaller id offers; a confused peer is ignored
        // They have no link to us, so whatever we hold is stale.
        new_link(peer, out).start(self_id + "-l" + std::to_string(++link_seq), out);
    }
    bool visible(const std::string& peer) const { return open_conversation == peer; }
    const link::DataLink* link_of(const std::string& peer) const {
        auto it = links.find(peer);
        return it == links.end() ? nullptr : it->second.get();
    }

    // ---- the signaling link -------------------------------------------------------------------
    void on(const AppStarted&, Out& out) {
        reconnect_timer = next_timer++;
        out.push_back(ConnectServer{});
        out.push_back(ListDevices{});
    }
    void on(const ServerOpened&, Out& out) {
        // The resume token keeps our id across reconnects and server restarts, so a call's
        // signaling (addressed by id) survives them.
        out.push_back(SendToServer{protocol::serialize(protocol::ClientMessage{
            protocol::Hello{config.name, config.device, config.room, resume_token}})});
    }
    void on(const ServerClosed&, Out& out) {
        // A call's media does not depend on this link: the call goes on while we reconnect.
        online = false;
        link = LinkState::reconnecting;
        peers.clear();
        out.push_back(StartTimer{reconnect_timer, reconnect_delay_ms(reconnect_attempt++)});
    }
    void on(const ServerText& e, Out& out) {
        auto message = protocol::parse_server_message(e.text);
        if (!message) {
            notice = "Unreadable message from the server: " + message.error().message;
            return;
        }
        std::visit([&](const auto& m) { on_server(m, out); }, message.value());
    }

    void on(const ServerBinary& e, Out& out) {
        // Binary frames carry voice messages only; the server stamps who sent them.
        auto message = voice_mail.receive(e.bytes, [&](const std::string& from) -> std::optional<std::string> {
            const auto* peer = find_peer(from);
            return peer ? std::optional<std::string>(peer->name) : std::nullopt;
        });
        if (!message) {
            notice = "A voice message could not be read: " + message.error().message;
            return;
        }
        out.push_back(KeepVoiceMessage{message.value().id, std::move(message).value().ogg});
    }
    void on(const VoiceMessageRecorded& e, Out& out) {
        const auto* peer = online ? find_peer(e.peer) : nullptr;
        const std::string name = peer ? peer->name : call && call->ids().peer == e.peer ? call->ids().peer_name : "They";
        if (auto frame = voice_mail.send(e.peer, name, peer != nullptr, e.bytes, max_binary_bytes)) {
            out.push_back(SendBinaryToServer{std::move(*frame)});
        }
    }

    // ---- server messages ---------------------------------------------------------------------
    void on_server(const protocol::Welcome& m, Out&) {
        online = true;
        link = LinkState::online;
        reconnect_attempt = 0;
        self_id = m.id;
        resume_token = m.resume;
        peers = m.peers;
        ice_servers = m.ice_servers;
        if (auto it = m.limits.find("maxBinaryBytes"); it != m.limits.end() && it->is_number_unsigned()) {
            max_binary_bytes = std::min<std::size_t>(it->get<std::size_t>(), protocol::kMaxBinaryFrameBytes);
        }
        notice.clear();
        if (in_call() && find_peer(call->ids().peer)) call->on_peer_back();
        for (auto& [peer, l] : links) {
            if (find_peer(peer)) l->on_peer_back();
        }
    }
    void on_server(const protocol::PeerJoined& m, Out&) {
        if (m.peer.id == self_id) return;
        auto it = std::find_if(peers.begin(), peers.end(), [&](const auto& p) { return p.id == m.peer.id; });
        if (it != peers.end()) {  // peer-updated (renamed, rooms changed) or a repeat
            *it = m.peer;
            return;
        }
        peers.push_back(m.peer);
        if (in_call() && call->ids().peer == m.peer.id) call->on_peer_back();
        if (auto* l = link_with(m.peer.id)) l->on_peer_back();
    }
    void on_server(const protocol::PeerLeft& m, Out& out) {
        peers.erase(std::remove_if(peers.begin(), peers.end(), [&](const auto& p) { return p.id == m.id; }),
                    peers.end());
        if (in_call() && call->ids().peer == m.id) call->on_peer_left(out);
        if (auto* l = link_with(m.id)) l->on_peer_left(out);
    }
    void on_server(const protocol::SignalFrom& m, Out& out) {
        auto payload = signal::parse(m.data);
        if (!payload) return;  // a peer's malformed signal is dropped; it cannot disturb us
        quiet = std::holds_alternative<signal::Candidate>(payload.value());
        const auto& call_id = signal::call_id(payload.value());
        if (in_call() && call->ids().call == call_id) {
            if (call->ids().peer == m.from) call->on_signal(payload.value(), out);
            return;  // someone else naming our call: ignored
        }
        if (auto* l = link_with(m.from); l && !l->id().empty() && l->id() == call_id) {
            return l->on_signal(payload.value(), out);
        }
        const auto* offer = std::get_if<signal::Offer>(&payload.value());
        const bool link_request = std::holds_alternative<signal::LinkRequest>(payload.value());
        if (!offer && !link_request) return;  // anything else of an unknown or ended session is stale
        const auto* peer = find_peer(m.from);
        if (!peer) return;   // only people on our roster can reach us
        if (link_request) return on_link_request(*peer, out);
        if (offer->data_link) return on_link_offer(*peer, *offer, out);
        if (in_call()) {
            // Glare: we are calling the one who calls us. Exactly one call must survive, so both
            // sides apply the same rule: the call placed by the smaller id wins.
            const bool glare = call->phase() == CallPhase::ringing_out && call->ids().peer == m.from;
            if (!glare) return send_signal(m.from, signal::Hangup{call_id, "busy"}, out);
            if (self_id < m.from) return;  // ours wins; they drop theirs when they see our offer
            const bool video = call->video();  // what we chose when we called
            call->abandon(out);
            call = Call::receive(new_call_ids(*peer, call_id), *offer, call_settings(), out);
            call->accept(video, out);  // we wanted this call: no ring
            return;
        }
        call = Call::receive(new_call_ids(*peer, call_id), *offer, call_settings(), out);
    }
    void on_server(const protocol::ErrorMessage& m, Out& out) {
        if (m.ref == "binary") return voice_mail.on_refused(m.message.empty() ? m.code : m.message);
        notice = m.message.empty() ? m.code : m.message;
        if (m.code == protocol::code::kBadResume) resume_token.clear();
        if (m.code == protocol::code::kUnknownPeer && in_call()) call->on_peer_left(out);
    }

    // ---- the user ----------------------------------------------------------------------------
    void on(const CallIntent& e, Out& out) {
        // Calling the one whose call is ringing here means "yes": the late half of a glare.
        if (in_call() && call->ringing_from(e.peer)) return call->accept(e.video, out);
        if (in_call()) return;
        const auto* peer = find_peer(e.peer);
        if (!online || !peer) {
            notice = "That person is no longer online";
            return;
        }
        notice.clear();
        call = Call::place(new_call_ids(*peer, self_id + "-" + std::to_string(++call_seq)), e.video,
                           call_settings(), out);
    }
    void on(const AcceptIntent& e, Out& out) { if (in_call()) call->accept(e.video, out); }
    void on(const DeclineIntent&, Out& out) { if (in_call()) call->decline(out); }
    void on(const HangUpIntent&, Out& out) { if (in_call()) call->hang_up(out); }
    void on(const SetMicMuted& e, Out& out) { if (in_call()) call->set_mic_muted(e.muted, out); }
    void on(const SetCameraOff& e, Out& out) { if (in_call()) call->set_camera_off(e.off, out); }
    void on(const SetPeerMuted& e, Out&) { if (in_call()) call->set_peer_muted(e.muted); }
    void on(const SetPeerVolume& e, Out&) { if (in_call()) call->set_peer_volume(e.volume); }
    void on(const SelectDevice& e, Out& out) {
        std::string* slot = e.kind == "audioinput"    ? &devices.audio_input
                            : e.kind == "videoinput"  ? &devices.video_input
                            : e.kind == "audiooutput" ? &devices.audio_output
                                                      : nullptr;
        if (!slot || *slot == e.device_id) return;
        *slot = e.device_id;
        // Inside a call the new device replaces the track (no renegotiation); else it is used
        // by the next call. Speakers apply to the page at once.
        if (in_call() || e.kind == "audiooutput") out.push_back(SwitchDevice{e.kind, e.device_id});
    }

    // ---- local media -------------------------------------------------------------------------
    void on(const MediaReady& e, Out& out) { if (in_call()) call->on_media_ready(e.audio, e.video, out); }
    void on(const MediaFailed& e, Out& out) { if (in_call()) call->on_media_failed(e.reason, out); }
    void on(const DevicesListed& e, Out&) {
        devices.devices.clear();
        for (const auto& d : e.devices) {
            if (devices.devices.size() >= 64) break;  // a bounded list, whatever the browser says
            devices.devices.push_back(d);
        }
    }
    void on(const DeviceSwitched& e, Out&) {
        if (!e.ok) notice = "Could not switch to that device: " + e.reason;
    }

    // ---- the peer connection -----------------------------------------------------------------
    void on(const LocalDescriptionCreated& e, Out& out) {
        on_pc(e.pc, [&](Call& c) { c.on_local_description(e.type, e.sdp, out); }, [&](link::DataLink& l) { l.on_local_description(e.type, e.sdp, out); });
    }
    void on(const LocalDescriptionSet& e, Out& out) {
        on_pc(e.pc, [&](Call& c) { c.on_local_description_set(out); }, [&](link::DataLink& l) { l.on_local_description_set(); });
    }
    void on(const RemoteDescriptionSet& e, Out& out) {
        on_pc(e.pc, [&](Call& c) { c.on_remote_description_set(out); }, [&](link::DataLink& l) { l.on_remote_description_set(out); });
    }
    void on(const LocalCandidate& e, Out& out) {
        quiet = true;
        on_pc(e.pc, [&](Call& c) { c.on_local_candidate(e.candidate, e.mid, e.mline_index, out); }, [&](link::DataLink& l) { l.on_local_candidate(e.candidate, e.mid, e.mline_index, out); });
    }
    void on(const PcStateChanged& e, Out& out) {
        on_pc(e.pc, [&](Call& c) { c.on_pc_state(e.state, out); }, [&](link::DataLink& l) { l.on_pc_state(e.state, out); });
    }
    void on(const NegotiationNeeded& e, Out& out) {
        on_pc(e.pc, [&](Call& c) { c.on_negotiation_needed(out); }, [&](link::DataLink& l) { l.on_negotiation_needed(out); });
    }
    void on(const RemoteTrackAdded& e, Out&) {
        if (auto* c = call_for_pc(e.pc)) c->on_remote_track();
    }
    void on(const PcOperationFailed& e, Out& out) {
        on_pc(e.pc, [&](Call& c) { c.on_pc_failed(e.operation, e.reason, out); }, [&](link::DataLink& l) { l.on_pc_failed(e.operation, e.reason, out); });
    }
    void on(const StatsReport& e, Out&) {
        if (auto* c = call_for_pc(e.pc)) c->on_stats(e.json);
    }
    void on(const TimerFired& e, Out& out) {
        if (e.timer == reconnect_timer && reconnect_timer != 0) {
            if (!online) out.push_back(ConnectServer{});
            return;
        }
        if (call && call->on_timer(e.timer, out)) return;
        for (auto& [peer, l] : links) {
            if (l->on_timer(e.timer, out)) return;
        }
    }

    void on(const RenameIntent& e, Out& out) {
        // sanitize_name would make a blank name "Anonymous"; a person renaming meant something else.
        const bool blank = std::all_of(e.name.begin(), e.name.end(), [](char c) {
            return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
        });
        std::string name = protocol::sanitize_name(e.name);
        if (blank) {
            notice = "A name needs at least one visible character";
            return;
        }
        if (name == config.name) return;
        config.name = name;  // the next hello (after a reconnect) carries it too
        if (online) out.push_back(SendToServer{protocol::serialize(protocol::ClientMessage{protocol::Rename{std::move(name)}})});
    }

    // ---- chat and files ----------------------------------------------------------------------
    void on(const OpenLinkIntent& e, Out& out) {
        open_conversation = e.peer;
        if (e.peer.empty()) return;
        if (auto* l = link_with(e.peer)) l->chat().mark_read();
        if (!ensure_link(e.peer, out)) notice = "That person is no longer online";
    }
    void on(const ChatReadIntent& e, Out&) {
        if (auto* l = link_with(e.peer)) l->chat().mark_read();
    }
    void on(const SendChatIntent& e, Out& out) {
        auto* l = ensure_link(e.peer, out);
        if (!l) {
            notice = "Cannot send: that person is not online";
            return;
        }
        l->send_chat(e.text, out);
    }
    void on(const FilesChosen& e, Out& out) {
        auto* l = ensure_link(e.peer, out);
        if (!l) {
            notice = "Cannot send files: that person is not online";
            out.push_back(ReleaseFiles{e.pick});
            return;
        }
        picks[e.pick] = e.peer;
        l->offer_files(e.pick, e.files, out);
    }
    void on(const AcceptFilesIntent& e, Out& out) { if (auto* l = link_with(e.peer)) l->accept_files(e.transfer, out); }
    void on(const DeclineFilesIntent& e, Out& out) { if (auto* l = link_with(e.peer)) l->decline_files(e.transfer, out); }
    void on(const CancelTransferIntent& e, Out& out) { if (auto* l = link_with(e.peer)) l->cancel_transfer(e.transfer, out); }
    link::DataLink* link_for_pick(int pick) {
        auto it = picks.find(pick);
        return it == picks.end() ? nullptr : link_with(it->second);
    }
    void on(const FileChunkRead& e, Out& out) {
        quiet = true;
        if (auto* l = link_for_pick(e.pick)) l->on_file_read(e.pick, e.file, e.offset, e.bytes, out);
    }
    void on(const FileReadFailed& e, Out& out) {
        if (auto* l = link_for_pick(e.pick)) l->on_file_read_failed(e.pick, e.file, e.reason, out);
    }
    void on(const ChannelOpened& e, Out& out) { if (auto* l = link_for_pc(e.pc)) l->on_channel_open(e.channel, out); }
    void on(const ChannelClosed& e, Out& out) { if (auto* l = link_for_pc(e.pc)) l->on_channel_closed(e.channel, out); }
    void on(const ChannelText& e, Out& out) {
        auto* l = link_for_pc(e.pc);
        if (!l) return;
        l->on_text(e.channel, e.text, visible(l->ids().peer), out);
        show_file_offers(*l);
    }
    void on(const ChannelBinary& e, Out& out) {
        quiet = true;
        if (auto* l = link_for_pc(e.pc)) l->on_binary(e.channel, e.bytes, out);
    }
    void on(const ChannelBuffered& e, Out& out) {
        quiet = true;
        if (auto* l = link_for_pc(e.pc)) l->on_buffered(e.channel, e.amount, out);
    }
    // A file offer needs an answer: if no conversation is open, open theirs.
    void show_file_offers(const link::DataLink& l) {
        if (open_conversation.empty() && offers_files(l)) open_conversation = l.ids().peer;
    }
    static bool offers_files(const link::DataLink& l) {
        for (const auto& t : l.transfers().view()) {
            if (t.direction == transfer::Direction::incoming && t.state == transfer::State::offered) return true;
        }
        return false;
    }
    void on(const InviteIntent& e, Out& out) {
        if (!protocol::is_valid_room(e.room) || e.room == config.room) return;
        config.room = e.room;
        // A new hello joins the room; the resume token keeps our id, so calls and links go on.
        online = false;
        link = LinkState::connecting;
        out.push_back(ConnectServer{});
    }

    // What a quiet event could change that the page shows: if this is equal before and after
    // it, the View is too (verified in every unit test: AppConfig::verify_view_skips).
    struct Stamp {
        std::string notice;
        CallPhase call_phase = CallPhase::idle;
        std::vector<std::tuple<link::Phase, std::uint64_t, std::size_t, int>> links;
        bool operator==(const Stamp& o) const {
            return notice == o.notice && call_phase == o.call_phase && links == o.links;
        }
    };
    Stamp stamp() const {
        Stamp s{notice, call ? call->phase() : CallPhase::idle, {}};
        s.links.reserve(links.size());
        for (const auto& [peer, l] : links) {
            s.links.emplace_back(l->phase(), l->transfers().revision(), l->chat().lines().size(), l->chat().unread());
        }
        return s;
    }

    View build_view() const {
        View v;
        v.link = link;
        v.online = online;
        v.self_id = self_id;
        v.self_name = config.name;
        v.notice = notice;
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
        v.invite_room = config.room;
        fill_voice(v.voice);
        fill_conversation(v.conversation);
        return v;
    }
    void fill_voice(VoicePanel& v) const {
        // The caller of a call that nobody took may leave a message (issue 8).
        if (call && !call->active() && call->outgoing()) {
            const auto reason = call->end_reason();
            if (reason == EndReason::declined || reason == EndReason::missed || reason == EndReason::busy) {
                v.offer_to = call->ids().peer;
                v.offer_to_name = call->ids().peer_name;
            }
        }
        v.outbox = voice_mail.outbox();
        v.received = voice_mail.notes();
    }
    void fill_conversation(Conversation& c) const {
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
};

App::App(AppConfig config) : state_(std::make_unique<State>()) {
    config.name = protocol::sanitize_name(config.name);
    config.device = protocol::sanitize_device(config.device);
    // A mistyped or forged invite link must not cost the user their network room: the server
    // would refuse the whole hello (bad-room), so an invalid room is dropped here.
    if (!protocol::is_valid_room(config.room)) config.room.clear();
    state_->config = std::move(config);
    view_ = state_->build_view();
}

App::~App() = default;

std::vector<Action> App::handle(const Event& event) {
    std::vector<Action> out;
    const State::Stamp before = state_->stamp();
    state_->quiet = false;
    std::visit([&](const auto& e) { state_->on(e, out); }, event);
    // Rebuilding and comparing the View costs more than most events: a file moves as ~1000
    // events a second and a call's setup trickles dozens of candidates. Events that only move
    // bytes or candidates change the page only through what the stamp covers, so they skip it.
    if (state_->quiet && state_->stamp() == before) {
        if (state_->config.verify_view_skips && !(state_->build_view() == view_)) ++missed_view_changes_;
        return out;
    }
    View next = state_->build_view();
    if (!(next == view_)) {
        view_ = std::move(next);
        out.push_back(Render{});
    }
    return out;
}

}  // namespace peerline
