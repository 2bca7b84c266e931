#include "view_modes.hpp"

#include <optional>
#include <string>

#include <emscripten/bind.h>

#include "dom.hpp"
#include "shell.hpp"

namespace peerline::browser::view_modes {
namespace {

struct Modes {
    val stage = val::undefined();
    val video = val::undefined();
    val fullscreen = dom::by_id("fullscreenToggle");
    val pip = dom::by_id("pipToggle");
    dom::Attribute fullscreen_pressed, pip_pressed;
    dom::Flag fullscreen_hidden, pip_hidden;
    bool in_call = false;
};

std::optional<Modes> modes;

bool supported(const val& target, const char* method) {
    return target[method].typeOf().as<std::string>() == "function";
}

bool fullscreen_on() {
    val element = dom::document()["fullscreenElement"];
    return !element.isNull() && !element.isUndefined();
}

bool pip_on() {
    val element = dom::document()["pictureInPictureElement"];
    return !element.isNull() && !element.isUndefined();
}

void show_state() {
    if (!modes) return;
    modes->fullscreen_pressed.set(modes->fullscreen, "aria-pressed", fullscreen_on() ? "true" : "false");
    modes->pip_pressed.set(modes->pip, "aria-pressed", pip_on() ? "true" : "false");
}

// The request returned a promise (or threw): a rejection is said plainly.
void request(const val& target, const char* method, const char* what) {
    Outcome asked = try_call(target, method, val::array());
    if (!asked.ok) {
        dispatch(PageRequestFailed{what, asked.error});
        return;
    }
    if (!asked.value.isUndefined() && supported(asked.value, "then")) {
        asked.value.call<void>("then", callback("onViewModeChanged"), callback("onViewModeFailed", val(what)));
    }
}

void on_fullscreen_click(val) {
    if (!modes) return;
    if (fullscreen_on()) request(dom::document(), "exitFullscreen", "full screen");
    else request(modes->stage, "requestFullscreen", "full screen");
}

void on_pip_click(val) {
    if (!modes) return;
    if (pip_on()) request(dom::document(), "exitPictureInPicture", "picture-in-picture");
    else request(modes->video, "requestPictureInPicture", "picture-in-picture");
}

void on_changed(val) { show_state(); }
void on_failed(std::string what, val error) {
    show_state();
    dispatch(PageRequestFailed{std::move(what), describe(error)});
}

}  // namespace

void attach(val stage, val video) {
    modes.emplace();
    Modes& m = *modes;
    m.stage = stage;
    m.video = video;
    dom::listen(m.fullscreen, "click", "onFullscreenClick");
    dom::listen(m.pip, "click", "onPipClick");
    dom::listen(dom::document(), "fullscreenchange", "onViewModeChanged");
    dom::listen(video, "enterpictureinpicture", "onViewModeChanged");
    dom::listen(video, "leavepictureinpicture", "onViewModeChanged");
}

void render(bool in_call) {
    if (!modes) return;
    Modes& m = *modes;
    // Browsers without an API (Firefox has no requestPictureInPicture) show no toggle for it.
    m.fullscreen_hidden.set(m.fullscreen, "hidden", !supported(m.stage, "requestFullscreen"));
    m.pip_hidden.set(m.pip, "hidden", !supported(m.video, "requestPictureInPicture"));
    if (m.in_call && !in_call) {
        if (fullscreen_on()) request(dom::document(), "exitFullscreen", "full screen");
        if (pip_on()) request(dom::document(), "exitPictureInPicture", "picture-in-picture");
    }
    m.in_call = in_call;
    show_state();
}

EMSCRIPTEN_BINDINGS(peerline_view_modes) {
    emscripten::function("onFullscreenClick", &on_fullscreen_click);
    emscripten::function("onPipClick", &on_pip_click);
    emscripten::function("onViewModeChanged", &on_changed);
    emscripten::function("onViewModeFailed", &on_failed);
}

}  // namespace peerline::browser::view_modes
