#include "call_panel.hpp"

#include <optional>
#include <string>
#include <utility>

#include <emscripten/bind.h>

#include "dom.hpp"
#include "media.hpp"
#include "peer_connections.hpp"
#include "shell.hpp"
#include "view_modes.hpp"

namespace peerline::browser::call_panel {
namespace {

struct Panel {
    val panel = dom::by_id("callPanel");
    val status = dom::by_id("callStatus");
    val stage = dom::by_id("stage");
    val local_video = dom::by_id("localVideo");
    val remote_video = dom::by_id("remoteVideo");
    val avatar = dom::by_id("remoteAvatar");
    val avatar_initials = dom::by_id("remoteInitials");
    val avatar_name = dom::by_id("remoteName");
    val muted_badge = dom::by_id("remoteMuted");
    val cancel = dom::by_id("cancelCall");
    val mute = dom::by_id("muteMic");
    val camera = dom::by_id("cameraToggle");
    val mute_peer = dom::by_id("mutePeer");
    val volume_field = dom::by_id("peerVolumeField");
    val volume_label = dom::by_id("peerVolumeLabel");
    val volume = dom::by_id("peerVolume");
    val hang_up = dom::by_id("hangUp");
    val timer = dom::by_id("callTimer");
    val quality = dom::by_id("callQuality");
    val quality_text = dom::by_id("callQualityText");
    val share = dom::by_id("shareScreen");
    val more = dom::by_id("moreButton");
    val more_menu = dom::by_id("moreMenu");
    val mute_peer_label = dom::by_id("mutePeerText");
    val stats_toggle = dom::by_id("statsToggle");
    val mute_icon = mute.call<val>("querySelector", val("use"));
    val camera_icon = camera.call<val>("querySelector", val("use"));

    dom::Attribute stage_mode, quality_grade, quality_name, share_pressed, stats_pressed, more_expanded,
        mute_icon_href, camera_icon_href;
    dom::Text timer_text, quality_label_text;
    dom::Flag panel_hidden, timer_hidden, quality_hidden, share_hidden, more_hidden, menu_hidden;
    bool menu_open = false;  // the "More" disclosure: the shell's own, like a native <details>

    dom::Attribute phase, end_reason, remote_picture, mute_pressed, camera_pressed, mute_peer_pressed;
    dom::Text status_text, initials_text, avatar_name_text, badge_text, mute_peer_text, volume_text;
    dom::Flag local_hidden, remote_hidden, avatar_hidden, badge_hidden, cancel_hidden, mute_hidden,
        camera_hidden, camera_disabled, mute_peer_hidden, volume_hidden, hang_up_hidden, muted_property;
    std::optional<double> volume_shown;
    val local_shown = val::null();
    val remote_shown = val::null();
    bool autoplay_blocked = false;  // the remote video plays muted until the user clicks
    bool peer_muted = false;
};

std::optional<Panel> panel;

bool live(const CallPanel& c) {
    return c.phase == CallPhase::connecting || c.phase == CallPhase::connected ||
           c.phase == CallPhase::reconnecting;
}

void apply_muted(Panel& p) {
    p.muted_property.set(p.remote_video, "muted", p.peer_muted || p.autoplay_blocked);
}

void play(val& video) { video.call<val>("play").call<void>("catch", callback("onVideoPlayRejected", video)); }

void show(val& video, val& shown, val wanted) {
    if (wanted.isUndefined()) wanted = val::null();
    if (wanted.strictlyEquals(shown)) return;
    video.set("srcObject", wanted);
    shown = wanted;
    if (wanted.isNull()) return;
    play(video);
    // A track the peer stops sending is removed from the stream. Chromium's player does not
    // notice: one that waited for the first frame of a video track that never got one (a
    // caller whose camera failed after its offer) stays silent. Attaching again restarts it.
    // A video track the peer adds later (a screen shared from an audio-only call) gets the
    // same restart, so the player takes up the picture.
    if (video.strictlyEquals(panel->remote_video)) {
        dom::listen(wanted, "removetrack", "onRemoteTrackRemoved");
        dom::listen(wanted, "addtrack", "onRemoteTrackRemoved");
    }
}

void on_remote_track_removed(val event) {
    if (!panel || !event["target"].strictlyEquals(panel->remote_shown)) return;
    panel->remote_video.set("srcObject", val::null());
    panel->remote_video.set("srcObject", panel->remote_shown);
    play(panel->remote_video);
}

// ---- clicks --------------------------------------------------------------------------------------

void on_cancel(val) { dispatch(HangUpIntent{}); }
void on_hang_up(val) { dispatch(HangUpIntent{}); }
void on_mute(val) { dispatch(SetMicMuted{!current_view().call.mic_muted}); }
void on_camera(val) { dispatch(SetCameraOff{!current_view().call.camera_off}); }
void on_mute_peer(val) { dispatch(SetPeerMuted{!current_view().call.peer_muted}); }
void on_share(val) { dispatch(ShareScreenIntent{!current_view().call.sharing_screen}); }
void on_stats_toggle(val) { dispatch(ShowStatsIntent{!current_view().call.stats_open}); }
void on_more(val) {
    if (!panel) return;
    panel->menu_open = !panel->menu_open;
    render(current_view().call);
    if (panel->menu_open) panel->more_menu.call<val>("querySelector", val("button")).call<void>("focus");
}
// Escape in the menu closes it and gives focus back to its button.
void on_menu_key(val event) {
    if (!panel || !event["key"].isString() || event["key"].as<std::string>() != "Escape") return;
    event.call<void>("stopPropagation");
    panel->menu_open = false;
    render(current_view().call);
    panel->more.call<void>("focus");
}
void on_volume(val event) {
    dispatch(SetPeerVolume{val::global("Number")(event["target"]["value"]).as<double>()});
}

// Autoplay with sound can be refused on a page the user has not touched: play muted rather
// than show a frozen frame, and unmute on the next click anywhere.
void on_video_play_rejected(val video, val error) {
    if (!panel || error["name"].as<std::string>() != "NotAllowedError") return;  // AbortError: new source
    if (video.strictlyEquals(panel->remote_video)) {
        panel->autoplay_blocked = true;
        apply_muted(*panel);
    }
    video.call<val>("play").call<void>("catch", callback("onVideoPlayIgnored"));
    val once = val::object();
    once.set("once", true);
    dom::document().call<void>("addEventListener", val("click"), callback("onUnmuteClick"), once);
}
void on_video_play_ignored(val) {}
void on_unmute_click(val) {
    if (!panel) return;
    panel->autoplay_blocked = false;
    apply_muted(*panel);
}

}  // namespace

void attach() {
    panel.emplace();
    Panel& p = *panel;
    dom::listen(p.cancel, "click", "onCancelClick");
    dom::listen(p.hang_up, "click", "onHangUpClick");
    dom::listen(p.mute, "click", "onMuteClick");
    dom::listen(p.camera, "click", "onCameraClick");
    dom::listen(p.mute_peer, "click", "onMutePeerClick");
    dom::listen(p.volume, "input", "onVolumeInput");
    dom::listen(p.share, "click", "onShareClick");
    dom::listen(p.more, "click", "onMoreClick");
    dom::listen(p.more_menu, "keydown", "onMoreMenuKey");
    dom::listen(p.stats_toggle, "click", "onStatsToggleClick");
    view_modes::attach(p.panel, p.remote_video);
}

namespace {

// The control that has keyboard focus, with the element whose `hidden` takes it away; or nulls.
std::pair<val, val> focused_control(Panel& p) {
    val focused = dom::document()["activeElement"];
    for (auto [control, carrier] : {std::pair<val*, val*>{&p.cancel, &p.cancel}, {&p.mute, &p.mute},
                                    {&p.camera, &p.camera}, {&p.share, &p.share}, {&p.more, &p.more},
                                    {&p.mute_peer, &p.more_menu},
                                    {&p.volume, &p.more_menu}, {&p.hang_up, &p.hang_up}}) {
        if (focused.strictlyEquals(*control)) return {*control, *carrier};
    }
    return {val::null(), val::null()};
}

// A focused control that the render hid would drop focus to the page: keyboard and screen
// reader users lose their place. It goes to the call's controls, or to the status once over.
void keep_focus(Panel& p, const val& carrier) {
    if (carrier.isNull() || !carrier["hidden"].as<bool>()) return;
    if (!p.mute["hidden"].as<bool>() || !p.hang_up["hidden"].as<bool>()) return focus_controls();
    p.status.call<void>("focus");
}

}  // namespace

void render(const CallPanel& c) {
    if (!panel) return;
    Panel& p = *panel;
    const val focus_carrier = focused_control(p).second;
    p.panel_hidden.set(p.panel, "hidden", c.phase == CallPhase::idle);
    p.stage_mode.set(p.panel, "data-stage", c.on_stage ? "on" : "off");
    p.phase.set(p.panel, "data-phase", to_string(c.phase));
    p.end_reason.set(p.panel, "data-end-reason", to_string(c.end_reason));
    p.status_text.set(p.status, c.status);
    p.timer_text.set(p.timer, c.elapsed);
    p.timer_hidden.set(p.timer, "hidden", c.elapsed.empty());
    p.quality_grade.set(p.quality, "data-quality", to_string(c.quality));
    p.quality_label_text.set(p.quality_text, c.quality_label);
    p.quality_hidden.set(p.quality, "hidden", c.quality_label.empty());

    // The stage: the peer's video, or its avatar when it sends no picture (camera off, audio
    // only, not connected yet) so nobody stares at a frozen frame.
    const bool in_call = live(c) || c.phase == CallPhase::ringing_out;
    // A shared screen is a picture too, also in an audio-only call (it added video for it).
    const bool picture = live(c) && c.remote_pc != 0 && ((c.video && !c.remote_camera_off) || c.remote_sharing);
    p.remote_picture.set(p.stage, "data-remote-picture", picture ? "on" : "off");
    p.remote_hidden.set(p.remote_video, "hidden", c.remote_pc == 0);
    p.avatar_hidden.set(p.avatar, "hidden", !in_call || picture);
    p.initials_text.set(p.avatar_initials, dom::initials(c.peer_name));
    p.avatar_name_text.set(p.avatar_name, c.peer_name);
    p.badge_text.set(p.muted_badge, c.peer_name + " is muted");
    p.badge_hidden.set(p.muted_badge, "hidden", !c.remote_mic_muted);
    p.local_hidden.set(p.local_video, "hidden", !c.show_local_video);

    // Controls. Toggles keep one name and say their state with aria-pressed (WAI-ARIA APG).
    const bool controls = c.can_hang_up || c.can_cancel;
    p.cancel_hidden.set(p.cancel, "hidden", !c.can_cancel);
    p.mute_hidden.set(p.mute, "hidden", !controls);
    p.mute_pressed.set(p.mute, "aria-pressed", c.mic_muted ? "true" : "false");
    p.mute_icon_href.set(p.mute_icon, "href", c.mic_muted ? "#i-mic-off" : "#i-mic");
    p.camera_icon_href.set(p.camera_icon, "href", c.camera_off ? "#i-video-off" : "#i-video");
    p.share_hidden.set(p.share, "hidden", !c.can_share_screen);
    p.share_pressed.set(p.share, "aria-pressed", c.sharing_screen ? "true" : "false");
    if (!c.can_hang_up) p.menu_open = false;
    p.more_hidden.set(p.more, "hidden", !c.can_hang_up);
    p.more_expanded.set(p.more, "aria-expanded", p.menu_open ? "true" : "false");
    p.menu_hidden.set(p.more_menu, "hidden", !p.menu_open);
    p.stats_pressed.set(p.stats_toggle, "aria-pressed", c.stats_open ? "true" : "false");
    p.camera_hidden.set(p.camera, "hidden", !controls || !c.video);
    p.camera_disabled.set(p.camera, "disabled", !c.can_toggle_camera);
    p.camera_pressed.set(p.camera, "aria-pressed", c.camera_off ? "true" : "false");
    p.mute_peer_hidden.set(p.mute_peer, "hidden", !c.can_hang_up);
    p.mute_peer_text.set(p.mute_peer_label, "Mute " + c.peer_name);
    p.mute_peer_pressed.set(p.mute_peer, "aria-pressed", c.peer_muted ? "true" : "false");
    p.volume_hidden.set(p.volume_field, "hidden", !c.can_hang_up);
    p.volume_text.set(p.volume_label, c.peer_name + " volume");
    p.hang_up_hidden.set(p.hang_up, "hidden", !c.can_hang_up);

    // What we hear of the peer: local only.
    p.peer_muted = c.peer_muted;
    apply_muted(p);
    if (p.volume_shown != c.peer_volume) {
        p.remote_video.set("volume", c.peer_volume);
        p.volume.set("value", val(std::to_string(c.peer_volume)));
        p.volume_shown = c.peer_volume;
    }
    keep_focus(p, focus_carrier);
    view_modes::render(c.can_hang_up);
}

void show_streams(const CallPanel& c) {
    if (!panel) return;
    Panel& p = *panel;
    show(p.local_video, p.local_shown, c.show_local_video ? media::local_stream() : val::null());
    show(p.remote_video, p.remote_shown,
         c.remote_pc != 0 ? peer_connections::remote_stream(c.remote_pc) : val::null());
}

void focus_controls() {
    if (!panel) return;
    val target = panel->mute["hidden"].as<bool>() ? panel->hang_up : panel->mute;
    if (!target["hidden"].as<bool>()) target.call<void>("focus");
}

EMSCRIPTEN_BINDINGS(peerline_call_panel) {
    emscripten::function("onCancelClick", &on_cancel);
    emscripten::function("onHangUpClick", &on_hang_up);
    emscripten::function("onMuteClick", &on_mute);
    emscripten::function("onCameraClick", &on_camera);
    emscripten::function("onMutePeerClick", &on_mute_peer);
    emscripten::function("onVolumeInput", &on_volume);
    emscripten::function("onShareClick", &on_share);
    emscripten::function("onMoreClick", &on_more);
    emscripten::function("onMoreMenuKey", &on_menu_key);
    emscripten::function("onStatsToggleClick", &on_stats_toggle);
    emscripten::function("onVideoPlayRejected", &on_video_play_rejected);
    emscripten::function("onRemoteTrackRemoved", &on_remote_track_removed);
    emscripten::function("onVideoPlayIgnored", &on_video_play_ignored);
    emscripten::function("onUnmuteClick", &on_unmute_click);
}

}  // namespace peerline::browser::call_panel
