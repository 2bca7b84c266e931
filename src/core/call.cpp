// The life of a call: ringing, accept/decline, controls, timers, ending. Negotiation (offers,
// answers, candidates, ICE restart) is in call_negotiation.cpp.
#include "call.hpp"

#include <algorithm>
#include <utility>

#include "protocol.hpp"

namespace peerline {

Call::Call(CallIds ids, bool outgoing, bool video, CallSettings settings)
    : ids_(std::move(ids)),
      outgoing_(outgoing),
      video_(video),
      settings_(std::move(settings)),
      phase_(outgoing ? CallPhase::ringing_out : CallPhase::ringing_in),
      negotiator_(ids_.pc, /*polite=*/!outgoing, settings_.policy) {}

Call Call::place(CallIds ids, bool video, bool devices_allowed, CallSettings settings, Out& out) {
    Call call(std::move(ids), true, video, std::move(settings));
    out.push_back(RequestMedia{true, video, call.settings_.audio_device, call.settings_.video_device});
    // The ring timeout starts with the offer (on_local_description): while our own permission
    // prompt holds it back, nobody rings, so nobody can miss the call.
    // getUserMedia takes tens of ms (more on a camera's first use); the sooner the callee rings,
    // the sooner it answers and opens its own camera. The tracks follow by replaceTrack.
    if (devices_allowed) {
        call.open_peer_connection(out);
        call.negotiator_.make_offer(false, out);
    }
    return call;
}

Call Call::receive(CallIds ids, const signal::Offer& offer, CallSettings settings, Out& out) {
    Call call(std::move(ids), false, offer.video, std::move(settings));
    // Refuse what cannot work before ringing anyone (issue: "refused before it reaches the
    // browser"). Until we have our own description, we check against what every WebRTC
    // browser can receive (sdp::Capabilities of the baseline codecs).
    auto checked = sdp::validate_remote(offer.sdp, browser_baseline_capabilities());
    if (!checked) {
        call.end_and_tell(EndReason::failed, checked.error().message, out);
        return call;
    }
    call.send(signal::Ringing{call.ids_.call}, out);
    out.push_back(StartTimer{call.ids_.timers.ring, call_timing::kRingMs});
    // While it rings the connection already takes the offer, so that Accept leaves only the
    // devices and the answer to wait for (tools/bench/call: the steps after accept). Nothing
    // reaches the caller from it: no candidate is gathered and no ICE check is sent before our
    // own description, the answer, which waits for Accept (hold_answer); a decline closes it.
    call.open_peer_connection(out);
    call.negotiator_.hold_answer();
    call.negotiator_.apply_first_offer(offer.sdp, out);
    return call;
}

void Call::send(signal::Payload payload, Out& out) const {
    out.push_back(SendToServer{protocol::serialize(
        protocol::ClientMessage{protocol::SignalTo{ids_.peer, signal::to_json(payload)}})});
}

void Call::send_media_state(Out& out) const {
    // Before our devices open, "no camera" is not known yet: only the user's choice counts.
    send(signal::MediaState{ids_.call, mic_muted_, camera_off_ || (media_ready_ && !has_camera_), share_ == Share::on},
         out);
}

// ---- the user -------------------------------------------------------------------------------

void Call::accept(bool video, Out& out) {
    if (phase_ != CallPhase::ringing_in) return;
    video_ = video_ && video;
    phase_ = CallPhase::connecting;
    answered_ = true;
    out.push_back(CancelTimer{ids_.timers.ring});
    out.push_back(StartTimer{ids_.timers.connect, call_timing::kConnectMs});
    send(signal::Accepted{ids_.call}, out);
    // The camera and microphone are opened only now, on accept.
    out.push_back(RequestMedia{true, video_, settings_.audio_device, settings_.video_device});
}

void Call::decline(Out& out) {
    if (phase_ != CallPhase::ringing_in) return;
    end_and_tell(EndReason::declined, "", out);
}

void Call::hang_up(Out& out) {
    if (!active()) return;
    if (phase_ == CallPhase::ringing_in) return decline(out);
    end_and_tell(phase_ == CallPhase::ringing_out ? EndReason::cancelled : EndReason::hung_up, "", out);
}

void Call::set_mic_muted(bool muted, Out& out) {
    if (!active() || mic_muted_ == muted) return;
    mic_muted_ = muted;
    out.push_back(SetTrackEnabled{"audio", !muted});
    send_media_state(out);
}

void Call::set_camera_off(bool off, Out& out) {
    // While the screen is shared the camera's track is off the sender: the toggle waits.
    if (!active() || !video_ || camera_off_ == off || share_ != Share::off) return;
    camera_off_ = off;
    out.push_back(SetTrackEnabled{"video", !off});
    send_media_state(out);
}

void Call::set_peer_volume(double volume) { peer_volume_ = std::clamp(volume, 0.0, 1.0); }

// ---- screen sharing -----------------------------------------------------------------------------

void Call::share_screen(bool on, Out& out) {
    const bool live = phase_ == CallPhase::connecting || phase_ == CallPhase::connected ||
                      phase_ == CallPhase::reconnecting;
    if (on) {
        // Adding a video sender renegotiates, which waits for the first negotiation to finish.
        if (!live || share_ != Share::off || (!sends_camera() && !negotiator_.negotiated_once())) return;
        share_ = Share::starting;
        share_adds_video_ = !sends_camera();
        out.push_back(StartScreenShare{share_adds_video_, ids_.pc});
    } else if (share_ != Share::off) {
        leave_share(true, out);
    }
}

void Call::leave_share(bool stop_capture, Out& out) {
    const bool told = share_ == Share::on;
    share_ = Share::off;
    if (stop_capture) out.push_back(StopScreenShare{!camera_off_ && !share_adds_video_, share_adds_video_});
    share_adds_video_ = false;
    if (told) send_media_state(out);
    if (deferred_camera_) out.push_back(SwitchDevice{"videoinput", *deferred_camera_});
    deferred_camera_.reset();
}

bool Call::defer_camera_switch(const std::string& device_id) {
    if (share_ == Share::off) return false;
    deferred_camera_ = device_id;
    return true;
}

void Call::on_screen_share_started(Out& out) {
    if (share_ != Share::starting) return;
    share_ = Share::on;
    send_media_state(out);  // the peer shows it whole, also in a call that had no picture
}

void Call::on_screen_share_failed(Out& out) {
    if (share_ == Share::starting) leave_share(false, out);  // the camera never left the sender
}

void Call::on_screen_share_ended(Out& out) {
    if (share_ == Share::off) return;
    leave_share(true, out);
}

// ---- local media ------------------------------------------------------------------------------

void Call::on_media_ready(bool /*audio*/, bool video, Out& out) {
    if (!active() || media_ready_) return;
    if (phase_ == CallPhase::ringing_in) return;  // not accepted: a late stream is not ours
    media_ready_ = true;
    has_camera_ = video;
    if (!video) video_ = video_ && outgoing_;  // no camera: we still receive the peer's video
    if (outgoing_) {
        const bool offered = negotiator_.open();  // Call::place did, the devices being allowed
        if (!offered) open_peer_connection(out);
        out.push_back(AttachLocalTracks{ids_.pc});
        if (!offered) negotiator_.make_offer(false, out);
        // Offered early as sending video, and no camera came: say so (renegotiates).
        if (offered && video_ && !has_camera_) out.push_back(StopSending{ids_.pc, "video"});
    } else {
        // The connection took the offer while ringing (Call::receive). Our tracks take the
        // offer's m-lines (JSEP §5.10: addTrack reuses the transceivers the offer made, or the
        // offer pairs with ours if it is still being applied), then the held answer goes.
        out.push_back(AddLocalTracks{ids_.pc});
        set_codec_preferences(out);
        negotiator_.release_answer(out);
    }
    // Mute or camera off chosen while the devices were opening (a caller that offered early
    // may already be connected) applies to the tracks that just arrived.
    if (mic_muted_) out.push_back(SetTrackEnabled{"audio", false});
    if (camera_off_) out.push_back(SetTrackEnabled{"video", false});
    // A caller whose offer has not gone out yet tells this right after it (on_local_description):
    // the callee has no call to apply it to before then.
    const bool peer_knows_call = !outgoing_ || ring_timer_started_;
    if (peer_knows_call && (mic_muted_ || camera_off_ || !has_camera_)) send_media_state(out);
}

void Call::on_media_failed(const std::string& reason, Out& out) {
    if (!active() || media_ready_ || phase_ == CallPhase::ringing_in) return;
    end_and_tell(EndReason::failed, "camera or microphone unavailable (" + reason + ")", out);
}

// ---- the peer ---------------------------------------------------------------------------------

void Call::on_signal(const signal::Payload& payload, Out& out) {
    if (!active()) return;
    if (const auto* offer = std::get_if<signal::Offer>(&payload)) return on_remote_offer(*offer, out);
    if (const auto* answer = std::get_if<signal::Answer>(&payload)) return on_remote_answer(*answer, out);
    if (const auto* c = std::get_if<signal::Candidate>(&payload)) return negotiator_.on_remote_candidate(*c, out);
    if (std::holds_alternative<signal::Ringing>(payload)) {
        peer_ringing_ = true;
        return;
    }
    if (std::holds_alternative<signal::Accepted>(payload)) return on_peer_accepted(out);
    if (const auto* state = std::get_if<signal::MediaState>(&payload)) {
        remote_muted_ = state->muted;
        remote_camera_off_ = state->camera_off;
        remote_screen_ = state->screen;
        return;
    }
    const auto& hangup = std::get<signal::Hangup>(payload);
    const EndReason reason = end_reason_from(hangup.reason);
    end(reason, reason == EndReason::failed ? "on the other side" : "", out);
}

void Call::on_peer_left(Out& out) {
    peer_online_ = false;
    // Before media flows (or while it is down), nobody is left to talk to unless the peer comes
    // back soon. Once connected, media may outlive the signaling link (a server restart); the
    // connection state decides (on_connection_trouble).
    if (phase_ != CallPhase::connected && active()) {
        out.push_back(StartTimer{ids_.timers.peer_gone, call_timing::kPeerGoneMs});
    }
}

// ---- time -------------------------------------------------------------------------------------

bool Call::on_timer(int timer, Out& out) {
    const auto& t = ids_.timers;
    if (timer != t.ring && timer != t.connect && timer != t.restart && timer != t.reconnect &&
        timer != t.stats && timer != t.peer_gone) {
        return false;
    }
    if (!active()) return true;
    if (timer == t.peer_gone) {
        if (peer_online_ || phase_ == CallPhase::connected) return true;
        end(phase_ == CallPhase::ringing_in ? EndReason::cancelled : EndReason::connection_lost,
            "the other side went offline", out);
        return true;
    }
    if (timer == t.ring && (phase_ == CallPhase::ringing_out || phase_ == CallPhase::ringing_in)) {
        end_and_tell(EndReason::missed, "", out);
    } else if (timer == t.connect && phase_ == CallPhase::connecting) {
        end_and_tell(EndReason::failed, "no connection within " +
                                            std::to_string(call_timing::kConnectMs / 1000) + " s", out);
    } else if (timer == t.restart && phase_ == CallPhase::reconnecting && outgoing_) {
        negotiator_.make_offer(true, out);
    } else if (timer == t.reconnect && phase_ == CallPhase::reconnecting) {
        end_and_tell(EndReason::connection_lost, "", out);
    } else if (timer == t.stats && phase_ == CallPhase::connected) {
        out.push_back(CollectStats{ids_.pc});
        out.push_back(StartTimer{t.stats, call_timing::kStatsEveryMs});
    }
    return true;
}

void Call::on_stats(const std::string& json) {
    auto sample = parse_stats_report(json);
    if (!sample) return;  // a report we cannot read changes nothing
    stats_ = stats_tracker_.update(sample.value());
    const double at = sample.value().timestamp_ms;
    if (at > 0) {
        if (first_report_ms_ < 0) first_report_ms_ = at;
        last_report_ms_ = std::max(last_report_ms_, at);
    }
}

// ---- ending -------------------------------------------------------------------------------------

void Call::abandon(Out& out) { end(EndReason::none, "", out); }

void Call::end_and_tell(EndReason reason, std::string detail, Out& out) {
    if (!active()) return;
    send(signal::Hangup{ids_.call, to_string(reason)}, out);
    if (!glare_loser_.empty()) {
        // Their call to us was never taken: hanging up ours while it rang declines theirs.
        const EndReason theirs = reason == EndReason::cancelled ? EndReason::declined : reason;
        send(signal::Hangup{glare_loser_, to_string(theirs)}, out);
    }
    end(reason, std::move(detail), out);
}

void Call::end(EndReason reason, std::string detail, Out& out) {
    if (!active()) return;
    negotiator_.close(out);
    // Whoever asked for devices (every caller; a callee once it accepted) stops them, also a
    // stream still being opened: a caller that offered early can be connected, or hung up on,
    // before its getUserMedia resolves.
    if (outgoing_ || phase_ != CallPhase::ringing_in) out.push_back(StopMedia{});
    const auto& t = ids_.timers;
    for (int timer : {t.ring, t.connect, t.restart, t.reconnect, t.stats, t.peer_gone}) {
        out.push_back(CancelTimer{timer});
    }
    if (share_ != Share::off) out.push_back(StopScreenShare{false, share_adds_video_});
    share_ = Share::off;
    share_adds_video_ = false;
    deferred_camera_.reset();
    remote_media_ = false;
    phase_ = CallPhase::ended;
    end_reason_ = reason;
    end_detail_ = std::move(detail);
}

}  // namespace peerline
