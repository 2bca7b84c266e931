#include "identity.hpp"

#include <cstdint>
#include <iterator>
#include <optional>

#include "js.hpp"

namespace peerline::browser::identity {
namespace {

constexpr const char* kStorageKey = "peerline.name";

constexpr const char* kAdjectives[] = {
    "Amber", "Brave",  "Calm",   "Clever", "Swift",  "Gentle", "Bright", "Quiet",
    "Lucky", "Merry",  "Nimble", "Polar",  "Sunny",  "Witty",  "Bold",   "Cosmic",
};
constexpr const char* kAnimals[] = {
    "Otter", "Falcon", "Panda",  "Lynx",    "Heron",  "Koala",  "Badger", "Dolphin",
    "Fox",   "Owl",    "Tiger",  "Walrus",  "Gecko",  "Bison",  "Puffin", "Marten",
};

std::optional<std::string> from_url() {
    Outcome params = try_construct("URLSearchParams",
                                   array_of(val::global("location")["search"]));
    if (!params.ok) return std::nullopt;
    val name = params.value.call<val>("get", val("name"));
    if (!name.isString()) return std::nullopt;
    std::string value = name.as<std::string>();
    if (value.empty()) return std::nullopt;
    return value;
}

// localStorage throws when storage is disabled (privacy settings, sandboxed frames).
std::optional<val> storage() {
    Outcome got = try_call(val::global("Reflect"), "get",
                           array_of(val::global("window"), val("localStorage")));
    if (!got.ok || got.value.isNull() || got.value.isUndefined()) return std::nullopt;
    return got.value;
}

std::optional<std::string> remembered() {
    auto store = storage();
    if (!store) return std::nullopt;
    Outcome got = try_call(*store, "getItem", array_of(val(kStorageKey)));
    if (!got.ok || !got.value.isString()) return std::nullopt;
    std::string value = got.value.as<std::string>();
    if (value.empty()) return std::nullopt;
    return value;
}

std::string random_name() {
    val words = val::global("Uint32Array").new_(2);
    val::global("crypto").call<void>("getRandomValues", words);
    const auto a = words[0].as<std::uint32_t>() % std::size(kAdjectives);
    const auto b = words[1].as<std::uint32_t>() % std::size(kAnimals);
    return std::string(kAdjectives[a]) + " " + kAnimals[b];
}

bool contains(const std::string& haystack, const char* needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

void remember(const std::string& name) {
    if (auto store = storage()) try_call(*store, "setItem", array_of(val(kStorageKey), text(name)));
}

std::string display_name() {
    static const std::string name = [] {
        if (auto named = from_url()) return *named;  // not remembered: tabs may differ by URL
        if (auto known = remembered()) return *known;
        std::string fresh = random_name();
        remember(fresh);
        return fresh;
    }();
    return name;
}

std::string device_kind() {
    val navigator = val::global("navigator");
    const std::string agent = navigator["userAgent"].as<std::string>();
    const val touch_points = navigator["maxTouchPoints"];
    const bool touch = touch_points.isNumber() && touch_points.as<int>() > 1;
    // iPadOS asks for desktop pages and reports itself as a Mac with a touch screen.
    if (contains(agent, "iPad") || contains(agent, "Tablet") ||
        (contains(agent, "Macintosh") && touch) ||
        (contains(agent, "Android") && !contains(agent, "Mobile"))) {
        return "tablet";
    }
    if (contains(agent, "Mobi") || contains(agent, "iPhone") || contains(agent, "Android")) {
        return "mobile";
    }
    return "desktop";
}

}  // namespace peerline::browser::identity
