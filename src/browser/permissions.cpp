#include "permissions.hpp"

#include <map>
#include <string>

#include <emscripten/bind.h>

#include "js.hpp"
#include "shell.hpp"

namespace peerline::browser::permissions {
namespace {

std::map<std::string, std::string> last_state;  // kind -> "granted" | "denied" | "prompt"

void tell(const std::string& kind, const val& status) {
    const std::string state = status["state"].isString() ? status["state"].as<std::string>() : "prompt";
    last_state[kind] = state;
    dispatch(DevicePermission{kind, state == "granted"});
}

void on_change(std::string kind, val event) { tell(kind, event["target"]); }

void on_status(std::string kind, val status) {
    tell(kind, status);
    status.set("onchange", callback("onPermissionChange", text(kind)));
}

void on_unknown(val) {}  // e.g. Firefox before 131 has no "camera": a prompt is assumed

}  // namespace

bool denied(const std::string& kind) {
    auto found = last_state.find(kind);
    return found != last_state.end() && found->second == "denied";
}

void watch() {
    val api = val::global("navigator")["permissions"];
    if (api.isUndefined()) return;
    for (const char* kind : {"microphone", "camera"}) {
        val descriptor = val::object();
        descriptor.set("name", val(kind));
        Outcome asked = try_call(api, "query", array_of(descriptor));
        if (!asked.ok) continue;
        asked.value.call<void>("then", callback("onPermissionStatus", val(kind)), callback("onPermissionUnknown"));
    }
}

EMSCRIPTEN_BINDINGS(peerline_permissions) {
    emscripten::function("onPermissionStatus", &on_status);
    emscripten::function("onPermissionChange", &on_change);
    emscripten::function("onPermissionUnknown", &on_unknown);
}

}  // namespace peerline::browser::permissions
