// Negotiation of one call: offers and answers by perfect negotiation (W3C WebRTC §10.7) with
// the callee as the polite side, our codec policy applied to every local description, remote
// descriptions checked before they reach the browser, trickle ICE, and ICE restart.
#include <utility>

#include "call.hpp"
#include "sdp/description.hpp"

namespace peerline {

sdp::Capabilities browser_baseline_capabilities() {
    sdp::Capabilities caps;
    auto codec = [](const char* name, std::uint32_t rate, std::uint16_t channels) {
        sdp::Codec c;
        c.name = name;
        c.clock_rate = rate;
        c.channels = channels;
        return c;
    };
    caps.audio = {codec("opus", 48000, 2), codec("PCMU", 8000, 0), codec("PCMA", 8000, 0)};
    caps.video = {codec("VP8", 90000, 0), codec("VP9", 90000, 0)};
    return caps;
}

void Call::open_peer_connection(Out& out) {
    out.push_back(CreatePeerConnection{ids_.pc, settings_.configuration_json});
    out.push_back(AddLocalTracks{ids_.pc});
    // The order of codecs goes through the standard API; only what it cannot express (Opus
    // parameters, ptime, b= lines) is edited into the description (docs/sdp.md).
    out.push_back(SetCodecPreferences{ids_.pc, "audio", {"audio/opus"}});
    std::vector<std::string> video_order;
    for (const auto& name : settings_.policy.video_preference) video_order.push_back("video/" + name);
    out.push_back(SetCodecPreferences{ids_.pc, "video", std::move(video_order)});
    const auto limits = sdp::sender_limits(settings_.policy);
    if (limits.audio_max_bitrate > 0) {
        out.push_back(SetSenderMaxBitrate{ids_.pc, "audio", static_cast<int>(limits.audio_max_bitrate)});
    }
    if (limits.video_max_bitrate) {
        out.push_back(SetSenderMaxBitrate{ids_.pc, "video", static_cast<int>(*limits.video_max_bitrate)});
    }
    pc_open_ = true;
}

void Call::make_offer(bool ice_restart, Out& out) {
    if (!pc_open_ || making_offer_ || signaling_ != Signaling::stable) return;
    making_offer_ = true;
    drop_created_offer_ = false;
    out.push_back(CreateOffer{ids_.pc, ice_restart});
}

void Call::on_negotiation_needed(Out& out) {
    // The first offer is made explicitly; later needs (tracks or directions changed) renegotiate.
    if (!negotiated_once_) return;
    make_offer(false, out);
}

void Call::on_local_description(const std::string& type, const std::string& sdp_text, Out& out) {
    if (!active()) return;
    if (type == "offer" && drop_created_offer_) {  // a remote offer won the collision meanwhile
        making_offer_ = false;
        drop_created_offer_ = false;
        return;
    }
    std::string text = sdp_text;
    auto parsed = sdp::parse(sdp_text);
    if (parsed) {
        auto description = std::move(parsed).value();
        if (sdp::apply_policy(description, settings_.policy)) text = sdp::serialize(description);
        local_capabilities_ = sdp::capabilities_of(description);
    }
    // If our own browser's description does not parse, it goes out unchanged: the browser
    // knows its format better than a failed edit would.
    out.push_back(SetLocalDescription{ids_.pc, type, text});
    if (type == "offer") {
        signaling_ = Signaling::have_local_offer;
        send(signal::Offer{ids_.call, text, video_}, out);
    } else {
        signaling_ = Signaling::stable;
        negotiated_once_ = true;
        send(signal::Answer{ids_.call, text}, out);
    }
}

void Call::on_local_description_set(Out&) { making_offer_ = false; }

void Call::on_remote_offer(const signal::Offer& offer, Out& out) {
    if (!pc_open_) return;  // the first offer is handled by receive()/on_media_ready()
    // W3C WebRTC §10.7: on a collision the impolite side ignores the peer's offer; the polite
    // side takes it (setRemoteDescription rolls its own offer back implicitly).
    const bool collision = making_offer_ || signaling_ != Signaling::stable;
    if (collision && !polite()) return;
    auto checked = sdp::validate_remote(offer.sdp, local_capabilities_.value_or(browser_baseline_capabilities()));
    if (!checked) return end_and_tell(EndReason::failed, checked.error().message, out);
    if (making_offer_) drop_created_offer_ = true;
    making_offer_ = false;
    signaling_ = Signaling::have_remote_offer;
    out.push_back(SetRemoteDescription{ids_.pc, "offer", offer.sdp});
}

void Call::on_remote_answer(const signal::Answer& answer, Out& out) {
    if (!pc_open_ || signaling_ != Signaling::have_local_offer) return;  // stale or unasked
    auto checked = sdp::validate_remote(answer.sdp, local_capabilities_.value_or(browser_baseline_capabilities()));
    if (!checked) return end_and_tell(EndReason::failed, checked.error().message, out);
    signaling_ = Signaling::stable;
    negotiated_once_ = true;
    if (phase_ == CallPhase::ringing_out) {
        phase_ = CallPhase::connecting;
        out.push_back(CancelTimer{ids_.timers.ring});
        out.push_back(StartTimer{ids_.timers.connect, call_timing::kConnectMs});
    }
    out.push_back(SetRemoteDescription{ids_.pc, "answer", answer.sdp});
}

void Call::on_remote_description_set(Out& out) {
    if (!active()) return;
    remote_description_known_ = true;
    // RFC 8838 §11: candidates can only be added once a remote description is known.
    for (const auto& c : pending_candidates_) {
        out.push_back(AddIceCandidate{ids_.pc, c.candidate, c.mid, c.mline_index});
    }
    pending_candidates_.clear();
    if (signaling_ == Signaling::have_remote_offer) out.push_back(CreateAnswer{ids_.pc});
}

void Call::on_local_candidate(const std::string& candidate, const std::string& mid, int mline, Out& out) {
    // End-of-candidates is not forwarded: Chromium does not need it, and an empty candidate
    // that arrives before the remote description would fail on the other side.
    if (!active() || candidate.empty()) return;
    send(signal::Candidate{ids_.call, candidate, mid, mline}, out);
}

void Call::on_pc_state(const std::string& state, Out& out) {
    if (!active() || !pc_open_) return;
    if (state == "connected") {
        on_connected(out);
    } else if (state == "disconnected" || state == "failed") {
        on_connection_trouble(state == "failed", out);
    }
}

void Call::on_connected(Out& out) {
    const bool first = phase_ != CallPhase::reconnecting;
    phase_ = CallPhase::connected;
    const auto& t = ids_.timers;
    for (int timer : {t.connect, t.restart, t.reconnect}) out.push_back(CancelTimer{timer});
    if (first) {
        // A first sample now, so the panel has rates after one interval, not two.
        out.push_back(CollectStats{ids_.pc});
        out.push_back(StartTimer{t.stats, call_timing::kStatsEveryMs});
    }
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
        make_offer(true, out);
    } else {
        out.push_back(StartTimer{ids_.timers.restart, call_timing::kRestartAfterDisconnectMs});
    }
}

void Call::on_pc_failed(const std::string& operation, const std::string& reason, Out& out) {
    if (!active()) return;
    making_offer_ = false;
    end_and_tell(EndReason::failed, operation + " failed (" + reason + ")", out);
}

}  // namespace peerline
