// Negotiation of one call: the media set-up of its connection (codec order, bitrate caps) and
// the call's side of perfect negotiation (negotiator.hpp), with the callee as the polite side,
// trickle ICE, and ICE restart.
#include <utility>

#include "call.hpp"

namespace peerline {

void Call::open_peer_connection(Out& out) {
    const int pc = ids_.pc;
    out.push_back(CreatePeerConnection{pc, settings_.configuration_json});
    if (outgoing_) {
        // The caller offers before its camera is open: the callee's ring (and, once accepted,
        // its own camera) starts while ours warms up; on_media_ready attaches the tracks.
        out.push_back(AddTransceiver{pc, "audio"});
        // Known to have no camera (the offer waited for the devices): receive video only.
        if (video_) out.push_back(AddTransceiver{pc, "video", !media_ready_ || has_camera_});
        set_codec_preferences(out);
    }
    // A callee's connection is opened while it rings, its devices closed: its tracks and
    // codec order come once they open (on_media_ready).
    const auto limits = sdp::sender_limits(settings_.policy);
    if (limits.audio_max_bitrate > 0) {
        out.push_back(SetSenderMaxBitrate{pc, "audio", static_cast<int>(limits.audio_max_bitrate)});
    }
    if (limits.video_max_bitrate) {
        out.push_back(SetSenderMaxBitrate{pc, "video", static_cast<int>(*limits.video_max_bitrate)});
    }
    negotiator_.opened();
}

// The order of codecs goes through the standard API; only what it cannot express (Opus
// parameters, ptime, b= lines) is edited into the description (docs/sdp.md).
void Call::set_codec_preferences(Out& out) const {
    out.push_back(SetCodecPreferences{ids_.pc, "audio", {"audio/opus"}});
    std::vector<std::string> video_order;
    for (const auto& name : settings_.policy.video_preference) video_order.push_back("video/" + name);
    out.push_back(SetCodecPreferences{ids_.pc, "video", std::move(video_order)});
}

void Call::on_negotiation_needed(Out& out) { negotiator_.on_negotiation_needed(out); }

void Call::on_local_description(const std::string& type, const std::string& sdp_text, Out& out) {
    if (!active()) return;
    auto text = negotiator_.on_local_description(type, sdp_text, out);
    if (!text) return;
    if (type == "offer") {
        const bool first = phase_ == CallPhase::ringing_out && !ring_timer_started_;
        if (first) {
            ring_timer_started_ = true;  // the call rings from now (Call::place)
            out.push_back(StartTimer{ids_.timers.ring, call_timing::kRingMs});
        }
        send(signal::Offer{ids_.call, std::move(*text), video_}, out);
        // Mute, camera off or no camera, chosen or found while the offer waited for the devices.
        if (first && media_ready_ && (mic_muted_ || camera_off_ || !has_camera_)) {
            send_media_state(out);
        }
    } else {
        send(signal::Answer{ids_.call, std::move(*text)}, out);
    }
}

void Call::on_local_description_set(Out&) { negotiator_.on_local_description_set(); }

void Call::on_remote_offer(const signal::Offer& offer, Out& out) {
    auto taken = negotiator_.on_remote_offer(offer.sdp, out);
    if (!taken) end_and_tell(EndReason::failed, taken.error().message, out);
}

void Call::on_remote_answer(const signal::Answer& answer, Out& out) {
    auto taken = negotiator_.on_remote_answer(answer.sdp, out);
    if (!taken) return end_and_tell(EndReason::failed, taken.error().message, out);
    if (taken.value()) on_peer_accepted(out);
}

// The callee said yes (Accepted), or its answer came first: no more ring timeout.
void Call::on_peer_accepted(Out& out) {
    if (phase_ != CallPhase::ringing_out) return;
    answered_ = true;
    glare_loser_.clear();  // answered: the peer's own call is gone
    phase_ = CallPhase::connecting;
    out.push_back(CancelTimer{ids_.timers.ring});
    out.push_back(StartTimer{ids_.timers.connect, call_timing::kConnectMs});
}

void Call::on_remote_description_set(Out& out) {
    if (active()) negotiator_.on_remote_description_set(out);
}

void Call::on_local_candidate(const std::string& candidate, const std::string& mid, int mline, Out& out) {
    // End-of-candidates is not forwarded: Chromium does not need it, and an empty candidate
    // that arrives before the remote description would fail on the other side.
    if (!active() || candidate.empty()) return;
    send(signal::Candidate{ids_.call, candidate, mid, mline}, out);
}

void Call::on_pc_state(const std::string& state, Out& out) {
    if (!active() || !negotiator_.open()) return;
    if (state == "connected") {
        on_connected(out);
    } else if (state == "disconnected" || state == "failed") {
        on_connection_trouble(state == "failed", out);
    }
}

void Call::on_connected(Out& out) {
    phase_ = CallPhase::connected;
    connected_once_ = true;
    const auto& t = ids_.timers;
    for (int timer : {t.connect, t.restart, t.reconnect}) out.push_back(CancelTimer{timer});
    // A first sample now, so the panel has rates after one interval, not two; after a
    // reconnect the samples start again (the timer stops re-arming while reconnecting).
    out.push_back(CollectStats{ids_.pc});
    out.push_back(StartTimer{t.stats, call_timing::kStatsEveryMs});
}

void Call::on_peer_back(Out& out) {
    peer_online_ = true;
    out.push_back(CancelTimer{ids_.timers.peer_gone});
    if (active() && phase_ == CallPhase::reconnecting && outgoing_) negotiator_.make_offer(true, out);
}

void Call::on_connection_trouble(bool failed, Out& out) {
    if (phase_ != CallPhase::connected && phase_ != CallPhase::reconnecting) {
        if (failed) end_and_tell(EndReason::failed, "the connection could not be set up", out);
        return;
    }
    // The peer left the server and its media stopped: its page is gone, not a network blip.
    if (!peer_online_) return end(EndReason::connection_lost, "the other side left", out);
    if (phase_ == CallPhase::connected) {
        phase_ = CallPhase::reconnecting;
        out.push_back(StartTimer{ids_.timers.reconnect, call_timing::kReconnectMs});
    }
    // Only the caller restarts ICE, so both sides never offer a restart at once.
    if (!outgoing_) return;
    if (failed) {
        negotiator_.make_offer(true, out);
    } else {
        out.push_back(StartTimer{ids_.timers.restart, call_timing::kRestartAfterDisconnectMs});
    }
}

void Call::on_pc_failed(const std::string& operation, const std::string& reason, Out& out) {
    if (!active()) return;
    negotiator_.on_failure();
    end_and_tell(EndReason::failed, operation + " failed (" + reason + ")", out);
}

}  // namespace peerline
