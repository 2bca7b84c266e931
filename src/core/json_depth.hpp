// Structural scans of JSON from outside, run before (or instead of) a full nlohmann parse.
//
// json_nests_deeper_than: nlohmann parses deep nesting iteratively, but copying, dumping and
// destroying a value recurse once per level, so a document of 64 KiB of `[` (~32k levels) could
// overflow a small Wasm stack. Callers refuse text nested past their limit.
//
// scan_json_object: the relay's fast path. A relayed `signal` only needs its `type`, `to` and
// the byte span of `data`, so instead of building (and then re-serializing) a DOM, the server
// validates the text in one pass and splices `data` into the outgoing frame unchanged.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace peerline {

// True if `text` nests arrays/objects deeper than `limit`. Brackets inside strings don't count.
bool json_nests_deeper_than(std::string_view text, int limit);

// One top-level member of an object: raw key text between its quotes (escapes not decoded) and
// the raw text of its value (a string value keeps its quotes).
struct JsonMember {
    std::string_view key;
    std::string_view value;
};

// Top-level members in document order; a fixed capacity keeps the scan allocation-free.
struct JsonMembers {
    static constexpr std::size_t kCapacity = 8;
    std::array<JsonMember, kCapacity> items{};
    std::size_t count = 0;
};

// Validates `text` as exactly one JSON object (RFC 8259), nested at most `max_depth` levels
// (the object itself is level 1), and fills `out` with its top-level members.
//
// Deliberately conservative: it may refuse text that nlohmann::json::parse accepts (a UTF-8
// byte-order mark, more than kCapacity members), but it never accepts text nlohmann refuses:
// strings are checked for control characters, escapes, surrogate pairs and well-formed UTF-8
// exactly as nlohmann 3.11 checks them, and numbers that would overflow a double are refused.
// So `false` means "take the full parser's path", which then reports the precise error.
bool scan_json_object(std::string_view text, int max_depth, JsonMembers& out);

}  // namespace peerline
