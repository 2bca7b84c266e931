#include "app.hpp"

#include <algorithm>
#include <optional>
#include <utility>

#include "call.hpp"
#include "protocol.hpp"
#include "signal.hpp"

namespace peerline {

struct App::State {
    AppConfig config;
    bool online = false;
    std::string self_id;
    nlohmann::json ice_servers = nlohmann::json::array();
    std::vector<protocol::PeerInfo> peers;  // in join order
    std::optional<Call> call;               // the current or last call
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

    std::string configuration_json() const {
        return protocol::dump_json(nlohmann::json{{"iceServers", ice_servers}});
    }
    CallIds new_call_ids(std::string peer, std::string call_id) {
        return CallIds{std::move(call_id), std::move(peer), next_pc++, next_timer++};
    }

    // ---- server messages ---------------------------------------------------------------------
    void on_server(const protocol::ServerMessage& message, std::vector<Action>& out) {
        std::visit([&](const auto& m) { on(m, out); }, message);
    }
    void on(const protocol::Welcome& m, std::vector<Action>&) {
        online = true;
        self_id = m.id;
        peers = m.peers;
        ice_servers = m.ice_servers;
        notice.clear();
    }
    void on(const protocol::PeerJoined& m, std::vector<Action>&) {
        if (m.peer.id == self_id || find_peer(m.peer.id)) return;
        peers.push_back(m.peer);
    }
    void on(const protocol::PeerLeft& m, std::vector<Action>& out) {
        peers.erase(std::remove_if(peers.begin(), peers.end(), [&](const auto& p) { return p.id == m.id; }),
                    peers.end());
        if (in_call() && call->ids().peer == m.id) call->on_peer_gone(out);
    }
    void on(const protocol::SignalFrom& m, std::vector<Action>& out) {
        auto payload = signal::parse(m.data);
        if (!payload) return;  // a peer's malformed signal is dropped; it cannot disturb us
        const auto& call_id = signal::call_id(payload.value());

        if (const auto* offer = std::get_if<signal::Offer>(&payload.value())) {
            if (in_call()) {
                if (call->ids().call != call_id) {
                    // Someone else, or a new call from the same peer, while we are busy.
                    out.push_back(SendToServer{protocol::serialize(protocol::ClientMessage{
                        protocol::SignalTo{m.from, signal::to_json(signal::Hangup{call_id, "busy"})}})});
                }
                return;
            }
            if (!find_peer(m.from)) return;  // only people on our roster can call us
            call = Call::incoming(new_call_ids(m.from, call_id), configuration_json(), offer->sdp, out);
            return;
        }
        // Everything else must belong to the current call and come from its peer.
        if (!in_call() || call->ids().call != call_id || call->ids().peer != m.from) return;
        call->on_signal(payload.value(), out);
    }
    void on(const protocol::ErrorMessage& m, std::vector<Action>& out) {
        notice = m.message.empty() ? m.code : m.message;
        if (m.code == protocol::code::kUnknownPeer && in_call()) call->on_peer_gone(out);
    }

    // ---- events ------------------------------------------------------------------------------
    void on(const ServerOpened&, std::vector<Action>& out) {
        out.push_back(SendToServer{protocol::serialize(
            protocol::ClientMessage{protocol::Hello{config.name, config.device}})});
    }
    void on(const ServerClosed&, std::vector<Action>&) {
        online = false;
        peers.clear();
        notice = "Disconnected from the server";
    }
    void on(const ServerText& e, std::vector<Action>& out) {
        auto message = protocol::parse_server_message(e.text);
        if (!message) {
            notice = "Unreadable message from the server: " + message.error().message;
            return;
        }
        on_server(message.value(), out);
    }
    void on(const CallIntent& e, std::vector<Action>& out) {
        if (in_call()) return;
        if (!online || !find_peer(e.peer)) {
            notice = "That person is no longer online";
            return;
        }
        notice.clear();
        call = Call::outgoing(new_call_ids(e.peer, self_id + "-" + std::to_string(++call_seq)),
                              configuration_json(), out);
    }
    void on(const HangUpIntent&, std::vector<Action>& out) {
        if (in_call()) call->hang_up(out);
    }
    void on(const MediaReady&, std::vector<Action>& out) {
        if (in_call()) call->on_media_ready(out);
    }
    void on(const MediaFailed& e, std::vector<Action>& out) {
        if (in_call()) call->on_media_failed(e.reason, out);
    }
    void on(const LocalDescriptionCreated& e, std::vector<Action>& out) {
        if (auto* c = call_for_pc(e.pc)) c->on_local_description(e.type, e.sdp, out);
    }
    void on(const RemoteDescriptionSet& e, std::vector<Action>& out) {
        if (auto* c = call_for_pc(e.pc)) c->on_remote_description_set(out);
    }
    void on(const LocalCandidate& e, std::vector<Action>& out) {
        if (auto* c = call_for_pc(e.pc)) c->on_local_candidate(e.candidate, e.mid, e.mline_index, out);
    }
    void on(const PcStateChanged& e, std::vector<Action>& out) {
        if (auto* c = call_for_pc(e.pc)) c->on_pc_state(e.state, out);
    }
    void on(const RemoteTrackAdded& e, std::vector<Action>& out) {
        if (auto* c = call_for_pc(e.pc)) c->on_remote_track(out);
    }
    void on(const PcOperationFailed& e, std::vector<Action>& out) {
        if (auto* c = call_for_pc(e.pc)) c->on_pc_failed(e.operation, e.reason, out);
    }
    void on(const TimerFired& e, std::vector<Action>& out) {
        if (in_call() && call->ids().connect_timer == e.timer) call->on_connect_timeout(out);
    }

    View build_view() const;
};

namespace {

std::string status_line(const Call& call, const std::string& peer_name) {
    switch (call.phase()) {
        case CallPhase::idle: return "";
        case CallPhase::calling: return "Calling " + peer_name + "…";
        case CallPhase::incoming: return peer_name + " is calling";
        case CallPhase::connecting: return "Connecting to " + peer_name + "…";
        case CallPhase::connected: return "In a call with " + peer_name;
        case CallPhase::ended: return "Call with " + peer_name + " ended: " + call.end_reason();
    }
    return "";
}

}  // namespace

View App::State::build_view() const {
    View v;
    v.online = online;
    v.self_id = self_id;
    v.self_name = config.name;
    v.notice = notice;
    for (const auto& p : peers) v.peers.push_back(PeerTile{p.id, p.name, p.device, online && !in_call()});
    if (call) {
        const auto* peer = find_peer(call->ids().peer);
        CallPanel& panel = v.call;
        panel.phase = call->phase();
        panel.peer_id = call->ids().peer;
        panel.peer_name = peer ? peer->name : "your peer";
        panel.status = status_line(*call, panel.peer_name);
        panel.remote_pc = call->active() && call->has_remote_media() ? call->ids().pc : 0;
        panel.show_local_video = call->active();
        panel.can_hang_up = call->active();
    }
    return v;
}

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
