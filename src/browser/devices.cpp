#include "devices.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include <emscripten/bind.h>

#include "dom.hpp"
#include "js.hpp"
#include "media.hpp"
#include "transceivers.hpp"
#include "shell.hpp"

namespace peerline::browser::devices {
namespace {

val media_devices() { return val::global("navigator")["mediaDevices"]; }

// The last listing lacked ids or names (no permission yet): a granted getUserMedia should list
// again. Once every device has its name, devicechange alone keeps the list current.
bool missing_labels = true;

void answer(const std::string& kind, const std::string& id, bool ok, const std::string& reason) {
    dispatch(DeviceSwitched{kind, id, ok, reason});
}

void on_listed(val list) {
    DevicesListed listed;
    const int count = list["length"].as<int>();
    for (int i = 0; i < count; ++i) {
        val info = list[i];
        const std::string id = info["deviceId"].as<std::string>();
        // "" is the core's "default"; Chrome's own "default"/"communications" entries repeat a
        // real device, and ids are empty before permission (nothing to choose yet).
        if (id.empty() || id == "default" || id == "communications") continue;
        listed.devices.push_back(MediaDevice{id, info["kind"].as<std::string>(),
                                             info["label"].as<std::string>()});
    }
    missing_labels = listed.devices.empty() ||
                     std::any_of(listed.devices.begin(), listed.devices.end(),
                                 [](const MediaDevice& d) { return d.label.empty(); });
    dispatch(std::move(listed));
}

void on_list_failed(val) {}  // nothing to choose from; the default devices still work
void on_device_change(val) { list(); }

// ---- microphone and camera ---------------------------------------------------------------------

void on_switch_done(std::string kind, std::string id, val) { answer(kind, id, true, {}); }

void open_input(const std::string& kind, const std::string& id, bool second_try);

// Stops the call's camera tracks (they stay in the stream, ended); the deviceId of the first
// ("" if the browser does not say), or nothing when no camera track was open.
std::optional<std::string> let_go_of_camera() {
    val stream = media::local_stream();
    if (stream.isUndefined()) return std::nullopt;
    val tracks = stream.call<val>("getVideoTracks");
    if (tracks["length"].as<int>() == 0) return std::nullopt;
    val settings = tracks[0].call<val>("getSettings");
    std::string id = settings["deviceId"].isString() ? settings["deviceId"].as<std::string>() : "";
    for (int i = 0; i < tracks["length"].as<int>(); ++i) tracks[i].call<void>("stop");
    return id;
}

std::string camera_before_retry;  // the camera let go of for a second try, to reopen if it fails

void on_switch_failed(std::string kind, std::string id, bool second_try, val error) {
    const std::string name = error["name"].isString() ? error["name"].as<std::string>() : "";
    const bool busy = name == "NotReadableError" || name == "AbortError";
    // Many phones open one camera at a time: the new one is busy while ours is open. Let go of
    // ours and ask again (the peer sees a moment without picture).
    if (kind == "videoinput" && !second_try && busy && !media::local_stream().isUndefined()) {
        camera_before_retry = let_go_of_camera().value_or("");
        return open_input(kind, id, true);
    }
    answer(kind, id, false, describe(error));
    // The second try failed too: back to the camera we had, so the call keeps its picture.
    if (kind == "videoinput" && second_try && !camera_before_retry.empty() && camera_before_retry != id) {
        open_input(kind, std::exchange(camera_before_retry, {}), true);
    }
}

// Camera off stops the camera (Chromium keeps it, and its light, on while a track is only
// disabled) and sends nothing; camera on opens it again. Per getUserMedia generation, so a new
// call starts with its camera as opened.
int released_generation = -1;
std::string released_camera;  // the stopped camera's deviceId, to open again
bool camera_released() { return released_generation == media::generation(); }

void on_switch_stream(int generation, std::string kind, std::string id, val stream) {
    val tracks = stream.call<val>("getTracks");
    // The call ended (or media was reopened), or the camera was turned off again, while the
    // device was opening: nothing failed, and the choice stays (the core already holds it).
    const bool unwanted = generation != media::generation() || (kind == "videoinput" && camera_released());
    if (unwanted || tracks["length"].as<int>() == 0) {
        for (int i = 0; i < tracks["length"].as<int>(); ++i) tracks[i].call<void>("stop");
        return answer(kind, id, true, {});
    }
    if (kind == "videoinput") camera_before_retry.clear();  // the new camera is open
    val track = tracks[0];
    media::swap_track(track);
    val promises = transceivers::replace_track(track);
    val::global("Promise").call<val>("all", promises)
        .call<void>("then", callback("onSwitchDone", text(kind), text(id)),
                    callback("onSwitchFailed", text(kind), text(id), /*second_try=*/true));
}

// Devices chosen while the call's own getUserMedia was still opening (kind -> id): that request
// named the old device, so the switch waits for its stream (media.cpp) and then applies.
std::map<std::string, std::string> deferred;

void switch_input(const std::string& kind, const std::string& id) {
    if (kind == "videoinput" && camera_released()) {  // opened when the camera is turned on
        released_camera = id;
        return answer(kind, id, true, {});
    }
    if (media::local_stream().isUndefined() && media::opening()) {
        deferred[kind] = id;
        return;
    }
    // Nothing of that kind is open (no call, or an audio-only one): the choice is used next time.
    val stream = media::local_stream();
    if (stream.isUndefined() ||
        stream.call<val>(kind == "audioinput" ? "getAudioTracks" : "getVideoTracks")["length"].as<int>() == 0) {
        return answer(kind, id, true, {});
    }
    open_input(kind, id, false);
}

void open_input(const std::string& kind, const std::string& id, bool second_try) {
    val constraint = val(true);
    if (!id.empty()) {
        val exact = val::object();
        exact.set("exact", text(id));
        constraint = val::object();
        constraint.set("deviceId", exact);
    }
    val constraints = val::object();
    constraints.set("audio", kind == "audioinput" ? constraint : val(false));
    constraints.set("video", kind == "videoinput" ? constraint : val(false));
    Outcome asked = try_call(media_devices(), "getUserMedia", array_of(constraints));
    if (!asked.ok) return answer(kind, id, false, asked.error);
    asked.value.call<void>("then", callback("onSwitchStream", media::generation(), text(kind), text(id)),
                           callback("onSwitchFailed", text(kind), text(id), second_try));
}

// ---- speaker -------------------------------------------------------------------------------------

void switch_output(const std::string& id) {
    val remote = dom::by_id("remoteVideo");
    if (remote.isNull() || remote["setSinkId"].typeOf().as<std::string>() != "function") {
        return answer("audiooutput", id, false, "this browser cannot choose the speaker");
    }
    Outcome set = try_call(remote, "setSinkId", array_of(text(id)));
    if (!set.ok) return answer("audiooutput", id, false, set.error);
    set.value.call<void>("then", callback("onSwitchDone", val("audiooutput"), text(id)),
                         callback("onSwitchFailed", val("audiooutput"), text(id), /*second_try=*/true));
}

}  // namespace

void watch() {
    val devices = media_devices();
    if (devices.isUndefined()) return;
    dom::listen(devices, "devicechange", "onDeviceChange");
}

void list() {
    val devices = media_devices();
    if (devices.isUndefined()) return;
    Outcome asked = try_call(devices, "enumerateDevices", val::array());
    if (!asked.ok) return;
    asked.value.call<void>("then", callback("onDevicesListed"), callback("onDevicesListFailed"));
}

void list_if_unlabelled() {
    if (missing_labels) list();
}

void set_camera(bool on) {
    if (on && camera_released()) {
        released_generation = -1;
        media::set_track_enabled("video", true);  // the stopped track's flag, which the new one takes
        return switch_input("videoinput", released_camera);
    }
    media::set_track_enabled("video", on);
    if (on || camera_released()) return;
    auto stopped = let_go_of_camera();
    if (!stopped) return;  // no camera open (not yet, or none): nothing to release
    released_camera = *stopped;
    released_generation = media::generation();
    transceivers::clear_senders("video");
}

void apply_deferred_switches() {
    auto waiting = std::move(deferred);
    deferred.clear();
    for (const auto& [kind, id] : waiting) switch_input(kind, id);
}

void switch_device(const std::string& kind, const std::string& device_id) {
    if (kind == "audiooutput") return switch_output(device_id);
    if (kind == "audioinput" || kind == "videoinput") return switch_input(kind, device_id);
    answer(kind, device_id, false, "unknown device kind");
}

EMSCRIPTEN_BINDINGS(peerline_devices) {
    emscripten::function("onDevicesListed", &on_listed);
    emscripten::function("onDevicesListFailed", &on_list_failed);
    emscripten::function("onDeviceChange", &on_device_change);
    emscripten::function("onSwitchDone", &on_switch_done);
    emscripten::function("onSwitchFailed", &on_switch_failed);
    emscripten::function("onSwitchStream", &on_switch_stream);
}

}  // namespace peerline::browser::devices
