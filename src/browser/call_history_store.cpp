#include "call_history_store.hpp"

#include <optional>

#include <emscripten/bind.h>

#include "dom.hpp"
#include "js.hpp"
#include "shell.hpp"

namespace peerline::browser::call_history_store {
namespace {

constexpr const char* kKey = "peerline.calls";

// localStorage throws when storage is disabled (privacy settings, sandboxed frames).
std::optional<val> storage() {
    Outcome got = try_call(val::global("Reflect"), "get", array_of(val::global("window"), val("localStorage")));
    if (!got.ok || got.value.isNull() || got.value.isUndefined()) return std::nullopt;
    return got.value;
}

void on_storage(val event) {
    val key = event["key"];
    // key null: another tab cleared all of this origin's storage.
    if (!key.isNull() && !(key.isString() && key.as<std::string>() == kKey)) return;
    load();
}

}  // namespace

void watch() { dom::listen(val::global("window"), "storage", "onCallHistoryStorage"); }

void load() {
    auto store = storage();
    if (!store) return dispatch(CallHistoryLoaded{false, ""});
    Outcome got = try_call(*store, "getItem", array_of(val(kKey)));
    if (!got.ok) return dispatch(CallHistoryLoaded{false, ""});
    dispatch(CallHistoryLoaded{true, got.value.isString() ? got.value.as<std::string>() : std::string()});
}

void save(const std::string& json) {
    if (auto store = storage()) try_call(*store, "setItem", array_of(val(kKey), text(json)));
}

EMSCRIPTEN_BINDINGS(peerline_call_history_store) {
    emscripten::function("onCallHistoryStorage", &on_storage);
}

}  // namespace peerline::browser::call_history_store
