#include "shortcuts.hpp"

#include <string>

#include <emscripten/bind.h>

#include "dom.hpp"
#include "shell.hpp"

namespace peerline::browser::shortcuts {
namespace {

val toggle = val::undefined();  // the "Single-key shortcuts" checkbox

bool typing(const val& target) {
    if (target.isNull() || target.isUndefined()) return false;
    if (target["isContentEditable"].isTrue()) return true;
    const val tag = target["tagName"];
    if (!tag.isString()) return false;
    const std::string name = tag.as<std::string>();
    if (name == "TEXTAREA" || name == "SELECT") return true;
    if (name != "INPUT") return false;
    // Checkboxes, radios, ranges and buttons take no text: letters pass through to us.
    const std::string type = target["type"].as<std::string>();
    return !(type == "checkbox" || type == "radio" || type == "range" || type == "button");
}

void on_key(val event) {
    if (event["defaultPrevented"].isTrue() || event["repeat"].isTrue()) return;
    if (event["ctrlKey"].isTrue() || event["metaKey"].isTrue() || event["altKey"].isTrue()) return;
    // Chromium's autofill sends keydown as a plain Event without a key; IME composition keys
    // belong to the text being composed.
    if (!event["key"].isString() || event["isComposing"].isTrue()) return;
    const std::string key = event["key"].as<std::string>();
    const CallPanel& call = current_view().call;
    if (key == "Escape") {
        if (!call.can_accept) return;
        event.call<void>("preventDefault");
        dispatch(DeclineIntent{});
        return;
    }
    if (typing(event["target"]) || (!toggle.isUndefined() && !toggle["checked"].as<bool>())) return;
    const bool controls = call.can_hang_up || call.can_cancel;
    if ((key == "m" || key == "M") && controls) {
        dispatch(SetMicMuted{!call.mic_muted});
    } else if ((key == "v" || key == "V") && call.can_toggle_camera) {
        dispatch(SetCameraOff{!call.camera_off});
    } else if ((key == "h" || key == "H") && controls) {
        dispatch(HangUpIntent{});
    } else {
        return;
    }
    event.call<void>("preventDefault");
}

}  // namespace

void attach() {
    toggle = dom::by_id("shortcutsOn");
    if (toggle.isNull()) toggle = val::undefined();
    dom::listen(dom::document(), "keydown", "onShortcutKey");
}

EMSCRIPTEN_BINDINGS(peerline_shortcuts) { emscripten::function("onShortcutKey", &on_key); }

}  // namespace peerline::browser::shortcuts
