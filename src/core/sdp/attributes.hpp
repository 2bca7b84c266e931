// Parsers for the attributes that may appear at session level and at media level. Each returns
// the typed value or a short reason (no line number; the caller adds it). Typed values view
// the text they were parsed from.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "sdp/description.hpp"

namespace peerline::sdp::attributes {

template <typename T>
using Parsed = std::variant<T, std::string>;  // value, or the reason it is malformed

// The result views `value`, except a hash name written in capitals, which is lowered into `text`.
Parsed<Fingerprint> fingerprint(std::string_view value, TextStore& text);
Parsed<SetupRole> setup(std::string_view value);
Parsed<Extmap> extmap(std::string_view value);
Parsed<Group> group(std::string_view value);
Parsed<Connection> connection(std::string_view value);
Parsed<Bandwidth> bandwidth(std::string_view value);
std::optional<Direction> direction(std::string_view attribute_name);

// ICE credentials (RFC 8839 §5.4): ufrag 4-256 and pwd 22-256 ice-chars. Browsers enforce
// this, so we refuse earlier with a clearer reason.
std::optional<std::string> ice_ufrag_problem(std::string_view value);
std::optional<std::string> ice_pwd_problem(std::string_view value);

template <typename T>
const std::string* problem(const Parsed<T>& parsed) {
    return std::get_if<std::string>(&parsed);
}

}  // namespace peerline::sdp::attributes
