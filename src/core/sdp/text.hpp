// Small, allocation-free text scanning shared by the SDP and candidate parsers.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace peerline::sdp::text {

// Index of the first `c` in `s` at or after `from`, or npos. Most SDP fields are a few bytes
// long, where a call to memchr costs more than the scan (std::string_view::find always calls
// it), so the first bytes are looked at here; URIs, fingerprints and ids go on to memchr.
inline std::size_t find(std::string_view s, char c, std::size_t from = 0) {
    constexpr std::size_t kInlineBytes = 12;
    if (from >= s.size()) return std::string_view::npos;
    const std::size_t inline_end = s.size() - from > kInlineBytes ? from + kInlineBytes : s.size();
    for (std::size_t i = from; i < inline_end; ++i) {
        if (s[i] == c) return i;
    }
    if (inline_end == s.size()) return std::string_view::npos;
    const void* hit = std::memchr(s.data() + inline_end, c, s.size() - inline_end);
    return hit ? static_cast<std::size_t>(static_cast<const char*>(hit) - s.data()) : std::string_view::npos;
}

// Splits on single spaces (RFC 8866 §5: fields are separated by exactly one space); runs of
// spaces yield empty tokens, which callers reject where a field is required.
std::vector<std::string_view> split(std::string_view s, char separator = ' ');

// The same fields as split(), one at a time and without allocating: the parsers' hot path.
class Fields {
public:
    explicit Fields(std::string_view s, char separator = ' ') : rest_(s), separator_(separator) {}
    // The next field, or false once every field (at least one, possibly empty) was returned.
    bool next(std::string_view& field) {
        if (done_) return false;
        const std::size_t end = find(rest_, separator_);
        if (end == std::string_view::npos) {
            field = rest_;
            done_ = true;
        } else {
            field = rest_.substr(0, end);
            rest_.remove_prefix(end + 1);
        }
        return true;
    }

private:
    std::string_view rest_;
    char separator_;
    bool done_ = false;
};

// How many fields split() would return.
inline std::size_t count_fields(std::string_view s, char separator = ' ') {
    std::size_t count = 1;
    for (char c : s) count += c == separator;
    return count;
}

// Like split but skips empty tokens (for lists that browsers pad, e.g. "a=msid-semantic: WMS").
std::vector<std::string_view> words(std::string_view s);

// Decimal digits only, no sign, no overflow past `max`. Inline: callers pass a constant `max`,
// so its division by ten folds away; this runs for every number of every line.
inline std::optional<std::uint64_t> parse_uint(std::string_view s, std::uint64_t max) {
    if (s.empty() || s.size() > 20) return std::nullopt;
    const std::uint64_t limit = max / 10;
    const std::uint64_t last_digit = max % 10;
    std::uint64_t value = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (value > limit || (value == limit && digit > last_digit)) return std::nullopt;
        value = value * 10 + digit;
    }
    return value;
}

// The non-empty space-separated words of `s`, appended to `out` (e.g. a=ice-options, which may
// stand at session and media level and more than once).
inline void append_words(std::string_view s, std::vector<std::string_view>& out) {
    Fields fields(s, ' ');
    std::string_view word;
    while (fields.next(word)) {
        if (!word.empty()) out.push_back(word);
    }
}

// ice-char = ALPHA / DIGIT / "+" / "/" (RFC 8839 §5.1): ufrag, pwd, foundation, transport.
inline bool is_ice_chars(std::string_view s) {
    for (char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '+' || c == '/';
        if (!ok) return false;
    }
    return true;
}

bool iequals(std::string_view a, std::string_view b);
std::string lower(std::string_view s);

// "name:value" → {"name", "value"}; "name" → {"name", nullopt}.
struct NameValue {
    std::string_view name;
    std::optional<std::string_view> value;
};
inline NameValue split_attribute(std::string_view attribute) {
    const std::size_t colon = find(attribute, ':');
    if (colon == std::string_view::npos) return {attribute, std::nullopt};
    return {attribute.substr(0, colon), attribute.substr(colon + 1)};
}

}  // namespace peerline::sdp::text
