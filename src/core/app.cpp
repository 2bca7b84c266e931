// App: routes each event to the part of the client it concerns (the signaling link, the
// roster, the current call, the device choice, voice mail; data links in app_links.cpp, the
// call history in app_history.cpp) and derives the View afterwards (app_view.cpp).
#include "app.hpp"

#include <algorithm>
#include <optional>
#include <utility>

#include "app_state.hpp"

namespace peerline {

namespace {
// Reconnect backoff: 0.5 s, 1 s, 2 s, … capped at 8 s. No jitter source in a clock-free core;
// after a server restart clients still spread out because their sockets close at different
// moments.
int reconnect_delay_ms(int attempt) { return std::min(500 << std::min(attempt, 4), 8000); }
}  // namespace

const protocol::PeerInfo* App::State::find_peer(const std::string& id) const {
    auto it = std::find_if(peers.begin(), peers.end(), [&](const auto& p) { return p.id == id; });
    return it == peers.end() ? nullptr : &*it;
}

Call* App::State::call_for_pc(int pc) { return in_call() && call->ids().pc == pc ? &*call : nullptr; }

CallSettings App::State::call_settings() const {
    CallSettings s;
    s.configuration_json = protocol::dump_json(nlohmann::json{{"iceServers", ice_servers}});
    // VP8 first: the cheapest encoder on the 2-core laptops and phones we target and the
    // fastest to a first frame (~40 ms less than VP9 here); VP9 when VP8 is not shared.
    s.policy.video_preference = {"VP8", "VP9", "H264", "AV1"};
    s.audio_device = devices.audio_input;
    s.video_device = devices.video_input;
    return s;
}

CallIds App::State::new_call_ids(const protocol::PeerInfo& peer, std::string call_id) {
    CallTimers t{next_timer, next_timer + 1, next_timer + 2, next_timer + 3, next_timer + 4, next_timer + 5};
    next_timer += 6;
    return CallIds{std::move(call_id), peer.id, peer.name, next_pc++, t};
}

void App::State::send_signal(const std::string& to, const signal::Payload& payload, Out& out) const {
    out.push_back(SendToServer{protocol::serialize(
        protocol::ClientMessage{protocol::SignalTo{to, signal::to_json(payload)}})});
}

void App::State::on(const AppStarted&, Out& out) {
    reconnect_timer = next_timer++;
    out.push_back(ConnectServer{});
    out.push_back(ListDevices{});
    // Received files of earlier visits that were never saved or deleted (a closed tab).
    out.push_back(DeleteLeftoverFiles{});
    voice_mail.start(out);
    out.push_back(LoadCallHistory{});
}

void App::State::on(const NetworkChanged& e, Out& out) {
    network_down = !e.online;
    // Back on a network while we wait to reconnect: try now rather than after up to 8 s of
    // backoff built up while nothing could work.
    if (e.online && !online && link == LinkState::reconnecting && reconnect_timer != 0) {
        out.push_back(CancelTimer{reconnect_timer});
        reconnect_attempt = 0;
        out.push_back(ConnectServer{});
    }
}

void App::State::on(const ServerOpened&, Out& out) {
    // The resume token keeps our id across reconnects and server restarts, so a call's
    // signaling (addressed by id) survives them.
    out.push_back(SendToServer{protocol::serialize(protocol::ClientMessage{
        protocol::Hello{config.name, config.device, config.room, resume_token}})});
}

void App::State::on(const ServerClosed&, Out& out) {
    // A call's media does not depend on this link: the call goes on while we reconnect.
    online = false;
    link = LinkState::reconnecting;
    peers.clear();
    out.push_back(StartTimer{reconnect_timer, reconnect_delay_ms(reconnect_attempt++)});
}

void App::State::on(const ServerText& e, Out& out) {
    if (e.at_ms > 0) clock_ms = e.at_ms;
    auto message = protocol::parse_server_message(e.text);
    if (!message) {
        notice = "Unreadable message from the server: " + message.error().message;
        return;
    }
    std::visit([&](const auto& m) { on_server(m, out); }, message.value());
}

void App::State::on_server(const protocol::Welcome& m, Out& out) {
    online = true;
    link = LinkState::online;
    reconnect_attempt = 0;
    self_id = m.id;
    resume_token = m.resume;
    peers = m.peers;
    ice_servers = m.ice_servers;
    notice.clear();
    // The roster after a (re)connect says whether the call's peer is still here; one that is
    // not counts as a peer-left (a call not yet connected gets kPeerGoneMs for it to return).
    if (in_call()) {
        if (find_peer(call->ids().peer)) {
            call->on_peer_back(out);
        } else {
            call->on_peer_left(out);
        }
    }
    for (auto& [peer, l] : links) {
        if (find_peer(peer)) l->on_peer_back();
    }
    for (const auto& p : m.peers) retry_voice(p.id, out);
}

void App::State::on_server(const protocol::PeerJoined& m, Out& out) {
    if (m.peer.id == self_id) return;
    auto it = std::find_if(peers.begin(), peers.end(), [&](const auto& p) { return p.id == m.peer.id; });
    if (it != peers.end()) {  // peer-updated (renamed, rooms changed) or a repeat
        *it = m.peer;
        return;
    }
    peers.push_back(m.peer);
    if (in_call() && call->ids().peer == m.peer.id) call->on_peer_back(out);
    if (auto* l = link_with(m.peer.id)) l->on_peer_back();
    retry_voice(m.peer.id, out);
}

void App::State::on_server(const protocol::PeerLeft& m, Out& out) {
    peers.erase(std::remove_if(peers.begin(), peers.end(), [&](const auto& p) { return p.id == m.id; }),
                peers.end());
    if (in_call() && call->ids().peer == m.id) call->on_peer_left(out);
    if (auto* l = link_with(m.id)) l->on_peer_left(out);
    refusals_sent.erase(m.id);  // bounded by the roster
}

void App::State::on_server(const protocol::SignalFrom& m, Out& out) {
    auto payload = signal::parse(m.data);
    if (!payload) return refuse_signal(m, payload.error().message, out);
    if (const auto* refused = std::get_if<signal::Refused>(&payload.value())) {
        const auto* peer = find_peer(m.from);
        notice = (peer ? peer->name : std::string("Someone")) + "'s page could not use a message from this page: " +
                 (refused->reason.empty() ? std::string("no reason given") : refused->reason);
        return;
    }
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
    if (call && !call->active() && call->ids().call == call_id) {
        // The call that just ended here, while the peer could not hear of it (its link or the
        // server was away): an ICE restart offer must not ring as a new call, and an accept or
        // answer must not leave the peer connecting into nothing. Tell it the call is over.
        const bool needs_reply = offer || std::holds_alternative<signal::Accepted>(payload.value()) ||
                                 std::holds_alternative<signal::Answer>(payload.value());
        if (needs_reply && call->end_reason() != EndReason::none && call->ids().peer == m.from) {
            send_signal(m.from, signal::Hangup{call_id, to_string(call->end_reason())}, out);
        }
        return;
    }
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
        if (!glare) {
            record_busy(*peer, offer->video, out);
            return send_signal(m.from, signal::Hangup{call_id, "busy"}, out);
        }
        // Ours wins; they drop theirs when they see our offer.
        if (self_id < m.from) return call->note_glare_loser(call_id);
        const bool video = call->video();  // what we chose when we called
        call->abandon(out);
        call = Call::receive(new_call_ids(*peer, call_id), *offer, call_settings(), out);
        note_call(*peer);
        call->accept(video, out);  // we wanted this call: no ring
        return;
    }
    call = Call::receive(new_call_ids(*peer, call_id), *offer, call_settings(), out);
    note_call(*peer);
}

// docs/protocol.md "The signal.data payload": a malformed signal is answered, not dropped in
// silence, and this page says so too. It disturbs nothing else: no call or link state changes.
void App::State::refuse_signal(const protocol::SignalFrom& m, const std::string& reason, Out& out) {
    const auto* peer = find_peer(m.from);
    if (!peer) return;  // only people on our roster hear from us
    notice = "A message from " + peer->name + " could not be used: " + reason;
    if (++refusals_sent[m.from] > kMaxRefusalsPerPeer) return;
    send_signal(m.from, signal::Refused{signal::readable_call(m.data), reason}, out);
}

void App::State::on_server(const protocol::ErrorMessage& m, Out&) {
    notice = m.message.empty() ? m.code : m.message;
    if (m.code == protocol::code::kBadResume) resume_token.clear();
    // unknown-peer names no target (ref is the message type): it may be about a chat link or a
    // caller who just left, so the call's peer is judged by peer-left and the welcome roster.
}

void App::State::on(const CallIntent& e, Out& out) {
    if (e.at_ms > 0) clock_ms = e.at_ms;
    // Calling the one whose call is ringing here means "yes": the late half of a glare.
    if (in_call() && call->ringing_from(e.peer)) return call->accept(e.video, out);
    if (in_call()) return;
    const auto* peer = find_peer(e.peer);
    if (!online || !peer) {
        notice = "That person is no longer online";
        return;
    }
    notice.clear();
    const bool allowed = microphone.allowed() && (camera.allowed() || !e.video);
    call = Call::place(new_call_ids(*peer, self_id + "-" + std::to_string(++call_seq)), e.video,
                       allowed, call_settings(), out);
    note_call(*peer);
}

void App::State::on(const AcceptIntent& e, Out& out) { if (in_call()) call->accept(e.video, out); }

void App::State::on(const DeclineIntent&, Out& out) { if (in_call()) call->decline(out); }

void App::State::on(const HangUpIntent&, Out& out) { if (in_call()) call->hang_up(out); }

void App::State::on(const SetMicMuted& e, Out& out) { if (in_call()) call->set_mic_muted(e.muted, out); }

void App::State::on(const SetCameraOff& e, Out& out) { if (in_call()) call->set_camera_off(e.off, out); }

void App::State::on(const SetPeerMuted& e, Out&) { if (in_call()) call->set_peer_muted(e.muted); }

void App::State::on(const SetPeerVolume& e, Out&) { if (in_call()) call->set_peer_volume(e.volume); }

void App::State::on(const ShareScreenIntent& e, Out& out) { if (in_call()) call->share_screen(e.on, out); }

void App::State::on(const ScreenShareStarted&, Out& out) {
    if (in_call()) call->on_screen_share_started(out);
}

void App::State::on(const ScreenShareFailed& e, Out& out) {
    if (!in_call()) return;
    call->on_screen_share_failed(out);
    // Cancelling the browser's picker is a choice, not a fault: say so without alarm.
    notice = e.name == "NotAllowedError" ? "Screen sharing did not start (not allowed or cancelled)"
                                         : "Could not share the screen: " + e.reason;
}

void App::State::on(const ScreenShareEnded&, Out& out) { if (in_call()) call->on_screen_share_ended(out); }

void App::State::on(const PageRequestFailed& e, Out&) {
    notice = "Could not switch to " + e.what + (e.reason.empty() ? "" : ": " + e.reason);
}

void App::State::on(const ShellInstallFailed& e, Out&) {
    notice = "This page will not open offline: " + (e.reason.empty() ? std::string("the browser refused") : e.reason);
}

void App::State::on(const SelectDevice& e, Out& out) {
    std::string* slot = e.kind == "audioinput"    ? &devices.audio_input
                        : e.kind == "videoinput"  ? &devices.video_input
                        : e.kind == "audiooutput" ? &devices.audio_output
                                                  : nullptr;
    if (!slot || *slot == e.device_id) return;
    *slot = e.device_id;
    if (in_call()) call->set_devices(devices.audio_input, devices.video_input);
    if (in_call() && e.kind == "videoinput" && call->defer_camera_switch(e.device_id)) return;
    // Inside a call the new device replaces the track (no renegotiation); else it is used
    // by the next call. Speakers apply to the page at once.
    if (in_call() || e.kind == "audiooutput") out.push_back(SwitchDevice{e.kind, e.device_id});
}

void App::State::on(const MediaReady& e, Out& out) {
    microphone.opened = microphone.opened || e.audio;
    camera.opened = camera.opened || e.video;
    if (in_call()) call->on_media_ready(e.audio, e.video, out);
}

void App::State::on(const DevicePermission& e, Out&) {
    if (e.kind == "microphone") microphone.granted = e.granted;
    if (e.kind == "camera") camera.granted = e.granted;
}

void App::State::on(const MediaFailed& e, Out& out) { if (in_call()) call->on_media_failed(e.reason, out); }

void App::State::on(const DevicesListed& e, Out&) {
    devices.devices.clear();
    for (const auto& d : e.devices) {
        if (devices.devices.size() >= 64) break;  // a bounded list, whatever the browser says
        devices.devices.push_back(d);
    }
}

void App::State::on(const DeviceSwitched& e, Out&) {
    if (!e.ok) notice = "Could not switch to that device: " + e.reason;
}

void App::State::on(const LocalDescriptionCreated& e, Out& out) {
    on_pc(e.pc, [&](Call& c) { c.on_local_description(e.type, e.sdp, out); }, [&](link::DataLink& l) { l.on_local_description(e.type, e.sdp, out); });
}

void App::State::on(const LocalDescriptionSet& e, Out& out) {
    on_pc(e.pc, [&](Call& c) { c.on_local_description_set(out); }, [&](link::DataLink& l) { l.on_local_description_set(); });
}

void App::State::on(const RemoteDescriptionSet& e, Out& out) {
    on_pc(e.pc, [&](Call& c) { c.on_remote_description_set(out); }, [&](link::DataLink& l) { l.on_remote_description_set(out); });
}

void App::State::on(const LocalCandidate& e, Out& out) {
    quiet = true;
    on_pc(e.pc, [&](Call& c) { c.on_local_candidate(e.candidate, e.mid, e.mline_index, out); }, [&](link::DataLink& l) { l.on_local_candidate(e.candidate, e.mid, e.mline_index, out); });
}

void App::State::on(const PcStateChanged& e, Out& out) {
    on_pc(e.pc, [&](Call& c) { c.on_pc_state(e.state, out); }, [&](link::DataLink& l) { l.on_pc_state(e.state, out); });
}

void App::State::on(const NegotiationNeeded& e, Out& out) {
    on_pc(e.pc, [&](Call& c) { c.on_negotiation_needed(out); }, [&](link::DataLink& l) { l.on_negotiation_needed(out); });
}

void App::State::on(const RemoteTrackAdded& e, Out&) {
    if (auto* c = call_for_pc(e.pc)) c->on_remote_track();
}

void App::State::on(const PcOperationFailed& e, Out& out) {
    on_pc(e.pc, [&](Call& c) { c.on_pc_failed(e.operation, e.reason, out); }, [&](link::DataLink& l) { l.on_pc_failed(e.operation, e.reason, out); });
}

void App::State::on(const StatsReport& e, Out&) {
    if (auto* c = call_for_pc(e.pc)) c->on_stats(e.json);
}

void App::State::on(const TimerFired& e, Out& out) {
    if (e.timer == reconnect_timer && reconnect_timer != 0) {
        if (!online) out.push_back(ConnectServer{});
        return;
    }
    if (call && call->on_timer(e.timer, out)) return;
    for (auto& [peer, l] : links) {
        if (l->on_timer(e.timer, out)) return;
    }
}

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
    state_->settle_voice(out);
    state_->settle_history(out);
    state_->resume_transfers(out);
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
