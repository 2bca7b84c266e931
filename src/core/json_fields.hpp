// Reading one member of a JSON object that a peer sent: present, of the right type and within a
// size, or nothing. Shared by every parser of peer-made JSON (signals, transfer messages, voice
// message headers), so each states its own limit and none can forget one.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace peerline::json_fields {

// object[key] if it is a string of at most `max` bytes.
inline std::optional<std::string> bounded_string(const nlohmann::json& object, const char* key, std::size_t max) {
    auto it = object.find(key);
    if (it == object.end() || !it->is_string()) return std::nullopt;
    const auto& s = it->get_ref<const std::string&>();
    if (s.size() > max) return std::nullopt;
    return s;
}

// object[key] if it is a JSON boolean, else `fallback` (a peer may send anything there).
inline bool boolean(const nlohmann::json& object, const char* key, bool fallback = false) {
    auto it = object.find(key);
    return it != object.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

}  // namespace peerline::json_fields
