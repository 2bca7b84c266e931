#include "call.hpp"

#include <utility>

#include "protocol.hpp"

namespace peerline {
namespace {
// A peer that floods candidates before its description cannot make us hold them forever.
constexpr std::size_t kMaxPendingCandidates = 256;
}  // namespace

Call::Call(CallIds ids, CallRole role, std::string configuration_json)
    : ids_(std::move(ids)), role_(role), configuration_json_(std::move(configuration_json)) {}

Call Call::outgoing(CallIds ids, std::string configuration_json, std::vector<Action>& out) {
    Call call(std::move(ids), CallRole::caller, std::move(configuration_json));
    call.phase_ = CallPhase::calling;
    out.push_back(RequestMedia{true, true});
    out.push_back(StartTimer{call.ids_.connect_timer, kConnectTimeoutMs});
    return call;
}

Call Call::incoming(CallIds ids, std::string configuration_json, std::string offer_sdp,
                    std::vector<Action>& out) {
    Call call(std::move(ids), CallRole::callee, std::move(configuration_json));
    call.phase_ = CallPhase::connecting;
    call.pending_offer_sdp_ = std::move(offer_sdp);
    out.push_back(RequestMedia{true, true});
    out.push_back(StartTimer{call.ids_.connect_timer, kConnectTimeoutMs});
    return call;
}

void Call::send(signal::Payload payload, std::vector<Action>& out) const {
    out.push_back(SendToServer{
        protocol::serialize(protocol::ClientMessage{protocol::SignalTo{ids_.peer, signal::to_json(payload)}})});
}

void Call::open_peer_connection(std::vector<Action>& out) {
    out.push_back(CreatePeerConnection{ids_.pc, configuration_json_});
    out.push_back(AddLocalTracks{ids_.pc});
    pc_open_ = true;
}

void Call::apply_remote_description(const std::string& type, const std::string& sdp,
                                    std::vector<Action>& out) {
    out.push_back(SetRemoteDescription{ids_.pc, type, sdp});
}

void Call::on_media_ready(std::vector<Action>& out) {
    if (!active() || pc_open_) return;
    open_peer_connection(out);
    if (role_ == CallRole::caller) {
        out.push_back(CreateOffer{ids_.pc});
    } else {
        apply_remote_description("offer", pending_offer_sdp_, out);
        pending_offer_sdp_.clear();
    }
}

void Call::on_media_failed(const std::string& reason, std::vector<Action>& out) {
    if (!active()) return;
    send(signal::Hangup{ids_.call, "failed"}, out);
    end("failed: camera or microphone unavailable (" + reason + ")", out);
}

void Call::on_local_description(const std::string& type, const std::string& sdp,
                                std::vector<Action>& out) {
    if (!active()) return;
    out.push_back(SetLocalDescription{ids_.pc, type, sdp});
    if (type == "offer") {
        send(signal::Offer{ids_.call, sdp}, out);
    } else if (type == "answer") {
        send(signal::Answer{ids_.call, sdp}, out);
    }
}

void Call::on_remote_description_set(std::vector<Action>& out) {
    if (!active()) return;
    const bool first = !remote_description_set_;
    remote_description_set_ = true;
    // RFC 8838 §11: candidates can only be added once the remote description is known.
    for (const auto& c : pending_candidates_) {
        out.push_back(AddIceCandidate{ids_.pc, c.candidate, c.mid, c.mline_index});
    }
    pending_candidates_.clear();
    if (first && role_ == CallRole::callee) out.push_back(CreateAnswer{ids_.pc});
}

void Call::on_local_candidate(const std::string& candidate, const std::string& mid, int mline,
                              std::vector<Action>& out) {
    // End-of-candidates is not forwarded: Chromium does not need it, and an empty candidate
    // added before the remote description would fail on the other side.
    if (!active() || candidate.empty()) return;
    send(signal::Candidate{ids_.call, candidate, mid, mline}, out);
}

void Call::on_pc_state(const std::string& state, std::vector<Action>& out) {
    if (!active()) return;
    if (state == "connected") {
        phase_ = CallPhase::connected;
        out.push_back(CancelTimer{ids_.connect_timer});
    } else if (state == "failed") {
        send(signal::Hangup{ids_.call, "failed"}, out);
        end("failed: the connection to the peer could not be kept", out);
    }
}

void Call::on_remote_track(std::vector<Action>&) { remote_media_ = true; }

void Call::on_pc_failed(const std::string& operation, const std::string& reason,
                        std::vector<Action>& out) {
    if (!active()) return;
    send(signal::Hangup{ids_.call, "failed"}, out);
    end("failed: " + operation + " (" + reason + ")", out);
}

void Call::on_signal(const signal::Payload& payload, std::vector<Action>& out) {
    if (!active()) return;
    if (const auto* answer = std::get_if<signal::Answer>(&payload)) {
        // Only the caller expects an answer, and only one.
        if (role_ != CallRole::caller || phase_ != CallPhase::calling || !pc_open_) return;
        phase_ = CallPhase::connecting;
        apply_remote_description("answer", answer->sdp, out);
    } else if (const auto* candidate = std::get_if<signal::Candidate>(&payload)) {
        if (remote_description_set_) {
            out.push_back(AddIceCandidate{ids_.pc, candidate->candidate, candidate->mid,
                                          candidate->mline_index});
        } else if (pending_candidates_.size() < kMaxPendingCandidates) {
            pending_candidates_.push_back(*candidate);
        }
    } else if (const auto* hangup = std::get_if<signal::Hangup>(&payload)) {
        end(hangup->reason == "busy" ? "busy" : "ended by peer", out);
    }
    // A repeated offer for this call (renegotiation) is not supported yet: ignored.
}

void Call::on_connect_timeout(std::vector<Action>& out) {
    if (!active() || phase_ == CallPhase::connected) return;
    send(signal::Hangup{ids_.call, "failed"}, out);
    end("failed: no connection within " + std::to_string(kConnectTimeoutMs / 1000) + " s", out);
}

void Call::hang_up(std::vector<Action>& out) {
    if (!active()) return;
    send(signal::Hangup{ids_.call, "hung-up"}, out);
    end("hung up", out);
}

void Call::on_peer_gone(std::vector<Action>& out) {
    if (!active()) return;
    end("the peer left", out);
}

void Call::end(const std::string& reason, std::vector<Action>& out) {
    if (pc_open_) out.push_back(ClosePeerConnection{ids_.pc});
    pc_open_ = false;
    out.push_back(StopMedia{});
    out.push_back(CancelTimer{ids_.connect_timer});
    pending_candidates_.clear();
    remote_media_ = false;
    phase_ = CallPhase::ended;
    end_reason_ = reason;
}

}  // namespace peerline
