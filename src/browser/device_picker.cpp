#include "device_picker.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <emscripten/bind.h>

#include "dom.hpp"
#include "shell.hpp"

namespace peerline::browser::device_picker {
namespace {

struct Select {
    const char* kind;    // MediaDeviceInfo.kind
    const char* noun;    // for unnamed devices: "Microphone 2"
    val node;
    std::optional<std::vector<std::pair<std::string, std::string>>> listed;  // (id, label) shown
    std::optional<std::string> selected;
};

std::optional<std::vector<Select>> selects;

void fill(Select& s, const std::vector<std::pair<std::string, std::string>>& options) {
    s.node.set("textContent", val(""));
    val fallback = dom::element("option");
    fallback.set("value", val(""));
    fallback.set("textContent", val("Default"));
    s.node.call<void>("append", fallback);
    int n = 0;
    for (const auto& [id, label] : options) {
        val option = dom::element("option");
        option.set("value", text(id));
        option.set("textContent", text(label.empty() ? std::string(s.noun) + " " + std::to_string(++n) : label));
        s.node.call<void>("append", option);
    }
    s.listed = options;
    s.selected.reset();  // the options changed: set the value again
}

void on_change(std::string kind, val event) {
    dispatch(SelectDevice{std::move(kind), event["target"]["value"].as<std::string>()});
}

// The header's Settings button and the call's "More > Devices" open the same dialog. showModal
// keeps focus inside it and Esc closes it; without <dialog>, the open attribute does.
void on_open_settings(val) {
    val dialog = dom::by_id("settings");
    if (dialog["open"].isTrue()) return;
    Outcome shown = try_call(dialog, "showModal", val::array());
    if (!shown.ok) dialog.call<void>("setAttribute", val("open"), val(""));
}

}  // namespace

void attach() {
    selects.emplace();
    selects->push_back(Select{"audioinput", "Microphone", dom::by_id("micSelect"), {}, {}});
    selects->push_back(Select{"videoinput", "Camera", dom::by_id("cameraSelect"), {}, {}});
    selects->push_back(Select{"audiooutput", "Speaker", dom::by_id("speakerSelect"), {}, {}});
    for (Select& s : *selects) dom::listen(s.node, "change", "onDeviceSelect", val(s.kind));
    dom::listen(dom::by_id("settingsButton"), "click", "onOpenSettings");
    dom::listen(dom::by_id("devicesButton"), "click", "onOpenSettings");
    // Chromium and Edge can route a media element to a chosen speaker; others use the default.
    val probe = dom::by_id("remoteVideo");
    if (probe.isNull() || probe["setSinkId"].typeOf().as<std::string>() != "function") {
        selects->back().node.set("disabled", true);
        selects->back().node.set("title", val("This browser always uses the default speaker"));
    }
    for (Select& s : *selects) fill(s, {});
}

void render(const DeviceChoice& choice) {
    if (!selects) return;
    for (Select& s : *selects) {
        std::vector<std::pair<std::string, std::string>> options;
        for (const MediaDevice& d : choice.devices) {
            if (d.kind == s.kind) options.emplace_back(d.id, d.label);
        }
        if (s.listed != options) fill(s, options);
        const std::string& wanted = std::string(s.kind) == "audioinput"   ? choice.audio_input
                                    : std::string(s.kind) == "videoinput" ? choice.video_input
                                                                          : choice.audio_output;
        if (s.selected != wanted) {
            s.node.set("value", text(wanted));
            s.selected = wanted;
        }
    }
}

EMSCRIPTEN_BINDINGS(peerline_device_picker) {
    emscripten::function("onDeviceSelect", &on_change);
    emscripten::function("onOpenSettings", &on_open_settings);
}

}  // namespace peerline::browser::device_picker
