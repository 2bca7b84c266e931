#include "media.hpp"

#include <optional>

#include <emscripten/bind.h>

#include "js.hpp"
#include "shell.hpp"

namespace peerline::browser::media {
namespace {

std::optional<val> stream;
int generation = 0;  // a stream that arrives after StopMedia (or a newer request) is stopped

void stop_tracks(const val& media_stream) {
    val tracks = media_stream.call<val>("getTracks");
    const int count = tracks["length"].as<int>();
    for (int i = 0; i < count; ++i) tracks[i].call<void>("stop");
}

void on_stream(int request, val media_stream) {
    if (request != generation) {
        stop_tracks(media_stream);
        return;
    }
    stream = media_stream;
    dispatch(MediaReady{});
}

void on_error(int request, val error) {
    if (request != generation) return;
    dispatch(MediaFailed{describe(error)});
}

}  // namespace

void request(bool audio, bool video) {
    stop();
    const int request = ++generation;
    val devices = val::global("navigator")["mediaDevices"];
    if (devices.isUndefined()) {  // insecure context (plain http to a LAN address)
        dispatch(MediaFailed{"Camera and microphone need https (or localhost)"});
        return;
    }
    val constraints = val::object();
    constraints.set("audio", audio);
    constraints.set("video", video);
    Outcome asked = try_call(devices, "getUserMedia", array_of(constraints));
    if (!asked.ok) {
        dispatch(MediaFailed{asked.error});
        return;
    }
    asked.value.call<void>("then", callback("onMediaStream", request),
                           callback("onMediaError", request));
}

void stop() {
    ++generation;
    if (!stream) return;
    stop_tracks(*stream);
    stream.reset();
}

val local_stream() { return stream ? *stream : val::undefined(); }

EMSCRIPTEN_BINDINGS(peerline_media) {
    emscripten::function("onMediaStream", &on_stream);
    emscripten::function("onMediaError", &on_error);
}

}  // namespace peerline::browser::media
