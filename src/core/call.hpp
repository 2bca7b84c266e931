// One call with one peer (DESIGN.md `call`): ringing, accept/decline, the media controls, and
// perfect negotiation (W3C WebRTC §10.7) with ICE restart. It turns inputs into Actions; App
// routes events to it and owns the ids it uses.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "actions.hpp"
#include "negotiator.hpp"
#include "sdp/policy.hpp"
#include "signal.hpp"
#include "stats.hpp"
#include "view.hpp"

namespace peerline {

// Timers of one call; App hands out unique ids.
struct CallTimers {
    int ring = 0;        // unanswered → missed
    int connect = 0;     // accepted but never connected → failed
    int restart = 0;     // disconnected for a while → ICE restart
    int reconnect = 0;   // reconnecting for too long → connection lost
    int stats = 0;       // collect getStats() every second while connected
    int peer_gone = 0;   // the peer left the server and did not come back → ended
};

struct CallIds {
    std::string call;    // unique per call, carried in every signal of it
    std::string peer;    // the other side's server id
    std::string peer_name;
    int pc = 0;          // RTCPeerConnection id in the shell
    CallTimers timers;
};

struct CallSettings {
    std::string configuration_json;  // RTCConfiguration
    sdp::MediaPolicy policy;
    std::string audio_device, video_device;  // "" : default
};

// Durations, in one place so docs and tests can name them.
namespace call_timing {
inline constexpr int kRingMs = 30000;
inline constexpr int kConnectMs = 20000;
inline constexpr int kRestartAfterDisconnectMs = 2000;
inline constexpr int kReconnectMs = 20000;
inline constexpr int kStatsEveryMs = 1000;
// A peer that leaves the server (a network blip, a resume) usually comes back within seconds;
// a page that closes says hangup itself (pagehide), so a silent leave gets this long.
inline constexpr int kPeerGoneMs = 5000;
}  // namespace call_timing

class Call {
public:
    using Out = std::vector<Action>;

    // A call we place: asks for our devices. If they are `devices_allowed` (getUserMedia will
    // not prompt), it offers at once too, so the callee rings while our camera opens; otherwise
    // once they are open, so nobody rings for a call whose caller may still refuse the prompt.
    static Call place(CallIds ids, bool video, bool devices_allowed, CallSettings settings, Out& out);
    // A call offered to us: rings; nothing is opened until accept(). A description that cannot
    // work ends it at once with the reason (no ring).
    static Call receive(CallIds ids, const signal::Offer& offer, CallSettings settings, Out& out);

    // ---- the user
    void accept(bool video, Out& out);
    void decline(Out& out);
    void hang_up(Out& out);  // also cancels while ringing out
    void set_mic_muted(bool muted, Out& out);
    void set_camera_off(bool off, Out& out);
    void set_peer_muted(bool muted) { peer_muted_ = muted; }
    // The devices the next RequestMedia asks for: a choice made while ringing counts on accept.
    void set_devices(std::string audio, std::string video) {
        settings_.audio_device = std::move(audio);
        settings_.video_device = std::move(video);
    }
    void set_peer_volume(double volume);
    // Screen sharing (issue 19): replaces the camera's track on the video sender, no
    // renegotiation; off (or the capture ending by itself) puts the camera back. A call that
    // sends no video (audio only, no camera) adds a video sender instead, by a renegotiation,
    // and removes it again when the share ends. The peer is told either way (media-state).
    void share_screen(bool on, Out& out);
    void on_screen_share_started(Out& out);
    void on_screen_share_failed(Out& out);
    void on_screen_share_ended(Out& out);
    // A camera chosen while the screen is shared waits until the camera is back on the sender
    // (else the switch would replace the screen's track); true if it was kept for then.
    bool defer_camera_switch(const std::string& device_id);
    // ---- local media
    void on_media_ready(bool audio, bool video, Out& out);
    void on_media_failed(const std::string& reason, Out& out);
    // ---- the peer connection
    void on_local_description(const std::string& type, const std::string& sdp, Out& out);
    void on_local_description_set(Out& out);
    void on_remote_description_set(Out& out);
    void on_local_candidate(const std::string& candidate, const std::string& mid, int mline, Out& out);
    void on_pc_state(const std::string& state, Out& out);
    void on_negotiation_needed(Out& out);
    void on_remote_track() { remote_media_ = true; }
    void on_pc_failed(const std::string& operation, const std::string& reason, Out& out);
    void on_stats(const std::string& json);
    // ---- the peer, through the server
    void on_signal(const signal::Payload& payload, Out& out);
    void on_peer_left(Out& out);
    // The peer is on the server again (its peer-joined, or our welcome): while reconnecting,
    // the caller restarts ICE now, in case its last restart offer was lost with the server.
    void on_peer_back(Out& out);
    // ---- time; returns false if the timer is not this call's
    bool on_timer(int timer, Out& out);
    // Glare: both called each other; the loser drops its own call without telling anyone.
    void abandon(Out& out);
    // Glare, the winning side: the loser's call waits for our offer to replace it. If ours ends
    // before it was answered (hung up, or our devices failed while a permission prompt held our
    // offer back), the loser's call is ended too, or it would ring out until its timeout.
    void note_glare_loser(std::string call_id) { glare_loser_ = std::move(call_id); }

    const CallIds& ids() const { return ids_; }
    CallPhase phase() const { return phase_; }
    bool active() const { return phase_ != CallPhase::ended; }
    bool polite() const { return !outgoing_; }  // the callee yields on offer collisions
    // The peer whose call rings here. Calling them back means "yes" (the late half of a glare:
    // their offer arrived before our click), so their Call button must stay usable; the intent
    // handler and the roster both ask this, so they cannot disagree.
    bool ringing_from(const std::string& peer) const {
        return phase_ == CallPhase::ringing_in && ids_.peer == peer;
    }
    bool outgoing() const { return outgoing_; }
    bool video() const { return video_; }
    EndReason end_reason() const { return end_reason_; }
    bool answered() const { return answered_; }
    bool was_connected() const { return connected_once_; }  // media flowed at some point
    // How long media flowed, by the stats reports' clock (as the call timer shows it); 0 before.
    double duration_s() const;
    void fill(CallPanel& panel) const;

private:
    Call(CallIds ids, bool outgoing, bool video, CallSettings settings);

    void send(signal::Payload payload, Out& out) const;
    void send_media_state(Out& out) const;
    void open_peer_connection(Out& out);
    void set_codec_preferences(Out& out) const;
    void on_remote_offer(const signal::Offer& offer, Out& out);
    void on_remote_answer(const signal::Answer& answer, Out& out);
    void on_peer_accepted(Out& out);
    void on_connected(Out& out);
    void on_connection_trouble(bool failed, Out& out);
    // Ends the call here: closes the connection, releases the devices, stops every timer.
    void end(EndReason reason, std::string detail, Out& out);
    // Ends the call on both sides.
    void end_and_tell(EndReason reason, std::string detail, Out& out);

    CallIds ids_;
    bool outgoing_;
    bool video_;                 // the call carries video (both chose it)
    CallSettings settings_;
    CallPhase phase_;
    EndReason end_reason_ = EndReason::none;
    std::string end_detail_;
    bool peer_ringing_ = false;  // the callee's page told us it rings
    bool peer_online_ = true;

    Negotiator negotiator_;
    std::string glare_loser_;         // caller: the peer's call ours won against, until answered
    bool ring_timer_started_ = false;  // caller: with the first offer (so the callee knows the call)
    bool answered_ = false;            // the callee said yes (on either side's knowledge)
    bool media_ready_ = false;
    bool connected_once_ = false;

    // Media controls.
    bool mic_muted_ = false;
    bool camera_off_ = false;
    bool has_camera_ = false;
    bool remote_muted_ = false;
    bool remote_camera_off_ = false;
    bool peer_muted_ = false;
    double peer_volume_ = 1.0;
    bool remote_media_ = false;

    enum class Share { off, starting, on };
    Share share_ = Share::off;
    bool share_adds_video_ = false;  // this share put a video sender in the call (renegotiated)
    bool remote_screen_ = false;     // the peer's media-state says its screen is shared
    // Our camera is on a video sender: a share replaces its track.
    bool sends_camera() const { return video_ && has_camera_; }
    std::optional<std::string> deferred_camera_;
    void leave_share(bool stop_capture, Out& out);

    StatsTracker stats_tracker_;
    CallStats stats_;
    // The call's clock, from the stats reports' own timestamps (the core reads no clock): the
    // first report comes one stats interval after media started flowing.
    double first_report_ms_ = -1, last_report_ms_ = -1;
};

}  // namespace peerline
