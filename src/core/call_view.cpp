// How one call looks on the page: the call panel's fields and its one-line status.
#include "call.hpp"

namespace peerline {
namespace {

std::string ended_line(EndReason reason, bool outgoing, bool answered, const std::string& name,
                       const std::string& detail) {
    switch (reason) {
        case EndReason::declined:
            return outgoing ? name + " declined the call" : "You declined the call from " + name;
        case EndReason::missed: return outgoing ? name + " did not answer" : "Missed call from " + name;
        case EndReason::busy: return name + " is busy in another call";
        case EndReason::cancelled:
            if (outgoing) return "Call cancelled";
            // Cancelled after we said yes (it crossed our accept): not a call we missed.
            return answered ? "Call with " + name + " ended" : "Missed call from " + name;
        case EndReason::hung_up: return "Call with " + name + " ended";
        case EndReason::failed:
            return "Call with " + name + " failed" + (detail.empty() ? "" : ": " + detail);
        case EndReason::connection_lost:
            return "Lost the connection to " + name + (detail.empty() ? "" : ": " + detail);
        case EndReason::none: return "";
    }
    return "";
}

}  // namespace

double Call::duration_s() const {
    if (first_report_ms_ < 0) return 0;
    return (last_report_ms_ - first_report_ms_ + call_timing::kStatsEveryMs) / 1000.0;
}

void Call::fill(CallPanel& p) const {
    const std::string& name = ids_.peer_name;
    p.phase = phase_;
    p.end_reason = end_reason_;
    p.peer_id = ids_.peer;
    p.peer_name = name;
    p.video = video_;
    switch (phase_) {
        case CallPhase::idle: break;
        case CallPhase::ringing_out: p.status = (peer_ringing_ ? "Ringing " : "Calling ") + name + "…"; break;
        case CallPhase::ringing_in:
            p.status = name + (video_ ? " is calling you (video)" : " is calling you (audio only)");
            break;
        case CallPhase::connecting: p.status = "Connecting to " + name + "…"; break;
        case CallPhase::connected: p.status = "In a call with " + name; break;
        case CallPhase::reconnecting: p.status = "Reconnecting to " + name + "…"; break;
        case CallPhase::ended: p.status = ended_line(end_reason_, outgoing_, answered_, name, end_detail_); break;
    }
    const bool live = phase_ == CallPhase::connecting || phase_ == CallPhase::connected ||
                      phase_ == CallPhase::reconnecting;
    p.ringing = phase_ == CallPhase::ringing_in;
    p.can_accept = phase_ == CallPhase::ringing_in;
    p.can_cancel = phase_ == CallPhase::ringing_out;
    p.can_hang_up = live;
    p.on_stage = live || phase_ == CallPhase::ringing_out;
    p.can_toggle_camera = live && video_ && has_camera_ && share_ == Share::off;
    p.can_share_screen = live && (sends_camera() || negotiator_.negotiated_once());
    p.sharing_screen = share_ != Share::off;
    p.remote_sharing = live && remote_screen_;
    p.mic_muted = mic_muted_;
    p.camera_off = camera_off_;
    p.show_local_video = active() && media_ready_ && video_ && has_camera_ && !camera_off_;
    p.remote_mic_muted = live && remote_muted_;
    p.remote_camera_off = live && remote_camera_off_;
    p.peer_muted = peer_muted_;
    p.peer_volume = peer_volume_;
    // A ringing callee's connection already has the caller's tracks (it took the offer), but
    // nothing plays before Accept.
    p.remote_pc = active() && remote_media_ && phase_ != CallPhase::ringing_in ? ids_.pc : 0;
    if (live && first_report_ms_ >= 0) p.elapsed = format_call_duration(duration_s());
    if (phase_ == CallPhase::connected) {
        const bool warm = stats_tracker_.bitrate_in_history().size() >= quality_thresholds::kVideoWarmupSamples;
        p.quality = grade_call_quality(stats_, warm && video_ && remote_media_ && !remote_camera_off_);
    } else if (phase_ == CallPhase::reconnecting) {
        p.quality = CallQuality::poor;  // no media is getting through right now
    }
    p.quality_label = quality_label(p.quality);
    if (phase_ == CallPhase::connected || phase_ == CallPhase::reconnecting) {
        p.stats = stats_;
        p.stats_line = stats_.valid ? format_stats_line(stats_) : "";
        p.bitrate_in_history = stats_tracker_.bitrate_in_history();
        p.bitrate_out_history = stats_tracker_.bitrate_out_history();
    }
}

}  // namespace peerline
