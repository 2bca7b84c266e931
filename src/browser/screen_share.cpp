#include "screen_share.hpp"

#include <optional>
#include <string>

#include <emscripten/bind.h>

#include "js.hpp"
#include "media.hpp"
#include "peer_connections.hpp"
#include "shell.hpp"
#include "transceivers.hpp"

namespace peerline::browser::screen_share {
namespace {

std::optional<val> track;
int generation = 0;  // an answer for an older start (stopped meanwhile) is dropped
// StartScreenShare{add_video}: the call has no video sender; the screen gets one on this pc.
bool adds_video = false;
int share_pc = 0;

void stop_all(const val& stream) {
    val tracks = stream.call<val>("getTracks");
    for (int i = 0; i < tracks["length"].as<int>(); ++i) tracks[i].call<void>("stop");
}

std::string name_of(const val& error) {
    return error["name"].isString() ? error["name"].as<std::string>() : "";
}

// The screen on a video sender of the call's pc, in the stream its audio goes in (the caller's
// transceivers name peer_connections' stream, the callee's addTrack the local one).
val send_with_audio(const val& picture) {
    val stream = peer_connections::sent_stream(share_pc);
    if (stream.isUndefined()) stream = media::local_stream();
    return transceivers::send_video(share_pc, picture, stream);
}

void on_stream(int request, val stream) {
    val tracks = stream.call<val>("getVideoTracks");
    if (request != generation || tracks["length"].as<int>() == 0) {
        stop_all(stream);
        if (request == generation) dispatch(ScreenShareFailed{"NotFoundError", "the capture has no picture"});
        return;
    }
    val picture = tracks[0];
    picture.set("contentHint", val("detail"));
    track = picture;
    picture.call<void>("addEventListener", val("ended"), callback("onScreenEnded", request));
    val sent = adds_video ? send_with_audio(picture)
                          : val::global("Promise").call<val>("all", transceivers::replace_track(picture));
    sent.call<void>("then", callback("onScreenShared", request), callback("onScreenError", request));
}

void on_shared(int request, val) {
    if (request == generation) dispatch(ScreenShareStarted{});
}

void on_error(int request, val error) {
    if (request != generation) return;
    if (adds_video) transceivers::stop_video_sending();
    if (track) {
        track->call<void>("stop");
        track.reset();
    }
    dispatch(ScreenShareFailed{name_of(error), describe(error)});
}

void on_ended(int request, val) {
    if (request == generation) dispatch(ScreenShareEnded{});
}

void on_ignored(val) {}

}  // namespace

void start(bool add_video, int pc) {
    ++generation;
    adds_video = add_video;
    share_pc = pc;
    val devices = val::global("navigator")["mediaDevices"];
    if (devices.isUndefined() || devices["getDisplayMedia"].typeOf().as<std::string>() != "function") {
        dispatch(ScreenShareFailed{"NotSupportedError", "this browser cannot share a screen"});
        return;
    }
    val constraints = val::object();
    constraints.set("video", true);
    constraints.set("audio", false);
    Outcome asked = try_call(devices, "getDisplayMedia", array_of(constraints));
    if (!asked.ok) {
        dispatch(ScreenShareFailed{"", asked.error});
        return;
    }
    asked.value.call<void>("then", callback("onScreenStream", generation), callback("onScreenError", generation));
}

void stop(bool camera, bool remove_video) {
    ++generation;
    if (track) {
        track->call<void>("stop");
        track.reset();
    }
    if (remove_video) {
        transceivers::stop_video_sending();  // renegotiates: the peer's picture goes away
        return;
    }
    val stream = media::local_stream();
    val cameras = stream.isUndefined() ? val::array() : stream.call<val>("getVideoTracks");
    if (!camera || cameras["length"].as<int>() == 0) {
        transceivers::clear_senders("video");
        return;
    }
    val back = val::global("Promise").call<val>("all", transceivers::replace_track(cameras[0]));
    back.call<void>("catch", callback("onScreenStopIgnored"));
}

EMSCRIPTEN_BINDINGS(peerline_screen_share) {
    emscripten::function("onScreenStream", &on_stream);
    emscripten::function("onScreenShared", &on_shared);
    emscripten::function("onScreenError", &on_error);
    emscripten::function("onScreenEnded", &on_ended);
    emscripten::function("onScreenStopIgnored", &on_ignored);
}

}  // namespace peerline::browser::screen_share
