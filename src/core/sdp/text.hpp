// Small, allocation-light text scanning shared by the SDP and candidate parsers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace peerline::sdp::text {

// Splits on single spaces (RFC 8866 §5: fields are separated by exactly one space); runs of
// spaces yield empty tokens, which callers reject where a field is required.
std::vector<std::string_view> split(std::string_view s, char separator = ' ');

// Like split but skips empty tokens (for lists that browsers pad, e.g. "a=msid-semantic: WMS").
std::vector<std::string_view> words(std::string_view s);

// Decimal digits only, no sign, no overflow past `max`.
std::optional<std::uint64_t> parse_uint(std::string_view s, std::uint64_t max);

bool iequals(std::string_view a, std::string_view b);
std::string lower(std::string_view s);

// "name:value" → {"name", "value"}; "name" → {"name", nullopt}.
struct NameValue {
    std::string_view name;
    std::optional<std::string_view> value;
};
NameValue split_attribute(std::string_view attribute);

}  // namespace peerline::sdp::text
