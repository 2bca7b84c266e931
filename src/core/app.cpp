// App: routes each event to the part of the client it concerns (the signaling link, the
// roster, the current call, the device choice) and derives the View afterwards.
#include "app.hpp"

#include <algorithm>
#include <optional>
#include <utility>

#include "call.hpp"
#include "protocol.hpp"
#include "signal.hpp"

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

    // ---- server messages ---------------------------------------------------------------------
    void on_server(const protocol::Welcome& m, Out&) {
        online = true;
        link = LinkState::online;
        reconnect_attempt = 0;
        self_id = m.id;
        resume_token = m.resume;
        peers = m.peers;
        ice_servers = m.ice_servers;
        notice.clear();
        if (in_call() && find_peer(call->ids().peer)) call->on_peer_back();
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
    }
    void on_server(const protocol::PeerLeft& m, Out& out) {
        peers.erase(std::remove_if(peers.begin(), peers.end(), [&](const auto& p) { return p.id == m.id; }),
                    peers.end());
        if (in_call() && call->ids().peer == m.id) call->on_peer_left(out);
    }
    void on_server(const protocol::SignalFrom& m, Out& out) {
        auto payload = signal::parse(m.data);
        if (!payload) return;  // a peer's malformed signal is dropped; it cannot disturb us
        const auto& call_id = signal::call_id(payload.value());
        if (in_call() && call->ids().call == call_id) {
            if (call->ids().peer == m.from) call->on_signal(payload.value(), out);
            return;  // someone else naming our call: ignored
        }
        const auto* offer = std::get_if<signal::Offer>(&payload.value());
        if (!offer) return;  // anything else of an unknown or ended call is stale
        const auto* peer = find_peer(m.from);
        if (!peer) return;   // only people on our roster can call us
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
        notice = m.message.empty() ? m.code : m.message;
        if (m.code == protocol::code::kBadResume) resume_token.clear();
        if (m.code == protocol::code::kUnknownPeer && in_call()) call->on_peer_left(out);
    }

    // ---- the user ----------------------------------------------------------------------------
    void on(const CallIntent& e, Out& out) {
        // Calling the one whose call is ringing here means "yes": the late half of a glare.
        if (in_call() && call->phase() == CallPhase::ringing_in && call->ids().peer == e.peer) {
            return call->accept(e.video, out);
        }
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
        if (auto* c = call_for_pc(e.pc)) c->on_local_description(e.type, e.sdp, out);
    }
    void on(const LocalDescriptionSet& e, Out& out) {
        if (auto* c = call_for_pc(e.pc)) c->on_local_description_set(out);
    }
    void on(const RemoteDescriptionSet& e, Out& out) {
        if (auto* c = call_for_pc(e.pc)) c->on_remote_description_set(out);
    }
    void on(const LocalCandidate& e, Out& out) {
        if (auto* c = call_for_pc(e.pc)) c->on_local_candidate(e.candidate, e.mid, e.mline_index, out);
    }
    void on(const PcStateChanged& e, Out& out) {
        if (auto* c = call_for_pc(e.pc)) c->on_pc_state(e.state, out);
    }
    void on(const NegotiationNeeded& e, Out& out) {
        if (auto* c = call_for_pc(e.pc)) c->on_negotiation_needed(out);
    }
    void on(const RemoteTrackAdded& e, Out&) {
        if (auto* c = call_for_pc(e.pc)) c->on_remote_track();
    }
    void on(const PcOperationFailed& e, Out& out) {
        if (auto* c = call_for_pc(e.pc)) c->on_pc_failed(e.operation, e.reason, out);
    }
    void on(const StatsReport& e, Out&) {
        if (auto* c = call_for_pc(e.pc)) c->on_stats(e.json);
    }
    void on(const TimerFired& e, Out& out) {
        if (e.timer == reconnect_timer && reconnect_timer != 0) {
            if (!online) out.push_back(ConnectServer{});
            return;
        }
        if (call) call->on_timer(e.timer, out);
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
            v.peers.push_back(PeerTile{p.id, p.name, p.device, p.via, online && !in_call()});
        }
        if (call) call->fill(v.call);
        return v;
    }
};

App::App(AppConfig config) : state_(std::make_unique<State>()) {
    config.name = protocol::sanitize_name(config.name);
    config.device = protocol::sanitize_device(config.device);
    state_->config = std::move(config);
    view_ = state_->build_view();
}

App::~App() = default;

std::vector<Action> App::handle(const Event& event) {
    std::vector<Action> out;
    std::visit([&](const auto& e) { state_->on(e, out); }, event);
    View next = state_->build_view();
    if (!(next == view_)) {
        view_ = std::move(next);
        out.push_back(Render{});
    }
    return out;
}

}  // namespace peerline
