#include "media.hpp"

#include <optional>

#include <emscripten/bind.h>

#include "devices.hpp"
#include "js.hpp"
#include "permissions.hpp"
#include "shell.hpp"

namespace peerline::browser::media {
namespace {

std::optional<val> stream;
int current_generation = 0;  // a stream that arrives after StopMedia (or a newer request) is stopped
bool request_open = false;   // the current generation's getUserMedia has not answered yet

void stop_tracks(const val& media_stream) {
    val tracks = media_stream.call<val>("getTracks");
    const int count = tracks["length"].as<int>();
    for (int i = 0; i < count; ++i) tracks[i].call<void>("stop");
}

int count_of(const val& media_stream, const char* getter) {
    return media_stream.call<val>(getter)["length"].as<int>();
}

// {deviceId: id} is "ideal": a device that went away falls back to another rather than failing.
val constraint(bool wanted, const std::string& device) {
    if (!wanted) return val(false);
    if (device.empty()) return val(true);
    val c = val::object();
    c.set("deviceId", text(device));
    return c;
}

void ask(int request, bool audio, bool video, const std::string& audio_device,
         const std::string& video_device, bool retry_without_camera) {
    val devices = val::global("navigator")["mediaDevices"];
    if (devices.isUndefined()) {  // insecure context (plain http to a LAN address)
        dispatch(MediaFailed{"Camera and microphone need https (or localhost)"});
        return;
    }
    val constraints = val::object();
    constraints.set("audio", constraint(audio, audio_device));
    constraints.set("video", constraint(video, video_device));
    Outcome asked = try_call(devices, "getUserMedia", array_of(constraints));
    if (!asked.ok) {
        dispatch(MediaFailed{asked.error});
        return;
    }
    asked.value.call<void>("then", callback("onMediaStream", request),
                           callback("onMediaError", request, retry_without_camera, text(audio_device)));
}

void on_stream(int request, val media_stream) {
    if (request != current_generation) {
        stop_tracks(media_stream);
        return;
    }
    stream = media_stream;
    request_open = false;
    dispatch(MediaReady{count_of(media_stream, "getAudioTracks") > 0,
                        count_of(media_stream, "getVideoTracks") > 0});
    devices::list_if_unlabelled();  // labels become readable once a device is open
    devices::apply_deferred_switches();
}

void on_error(int request, bool retry_without_camera, std::string audio_device, val error) {
    if (request != current_generation) return;
    const std::string name = error["name"].isString() ? error["name"].as<std::string>() : "";
    // No camera, or one that is busy or refuses the constraints, or blocked for this site while
    // the microphone is not: a call can go on with the microphone alone (MediaReady{video:
    // false}); the peer then sees our avatar. A refusal of both is the user's no.
    const bool refused = name == "NotAllowedError" || name == "SecurityError";
    const bool only_camera_blocked = permissions::denied("camera") && !permissions::denied("microphone");
    if (retry_without_camera && (!refused || only_camera_blocked)) {
        ask(request, true, false, audio_device, {}, false);
        return;
    }
    request_open = false;
    dispatch(MediaFailed{describe(error)});
    devices::apply_deferred_switches();  // nothing open: they are answered as kept for next time
}

}  // namespace

void request(bool audio, bool video, const std::string& audio_device, const std::string& video_device) {
    stop();
    request_open = true;
    ask(current_generation, audio, video, audio_device, video_device, audio && video);
}

void stop() {
    ++current_generation;
    request_open = false;
    if (stream) {
        stop_tracks(*stream);
        stream.reset();
    }
    devices::apply_deferred_switches();  // nothing open now: kept for the next call
}

void set_track_enabled(const std::string& kind, bool enabled) {
    if (!stream) return;
    val tracks = stream->call<val>(kind == "audio" ? "getAudioTracks" : "getVideoTracks");
    const int count = tracks["length"].as<int>();
    for (int i = 0; i < count; ++i) tracks[i].set("enabled", enabled);
}

void swap_track(val track) {
    if (!stream) {
        track.call<void>("stop");
        return;
    }
    const bool audio = track["kind"].as<std::string>() == "audio";
    val old_tracks = stream->call<val>(audio ? "getAudioTracks" : "getVideoTracks");
    const int count = old_tracks["length"].as<int>();
    for (int i = 0; i < count; ++i) {
        val old = old_tracks[i];
        track.set("enabled", old["enabled"]);
        stream->call<void>("removeTrack", old);
        old.call<void>("stop");
    }
    stream->call<void>("addTrack", track);
}

int generation() { return current_generation; }

bool opening() { return request_open; }

val local_stream() { return stream ? *stream : val::undefined(); }

EMSCRIPTEN_BINDINGS(peerline_media) {
    emscripten::function("onMediaStream", &on_stream);
    emscripten::function("onMediaError", &on_error);
}

}  // namespace peerline::browser::media
