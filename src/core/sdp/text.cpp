#include "sdp/text.hpp"

namespace peerline::sdp::text {

std::vector<std::string_view> split(std::string_view s, char separator) {
    std::vector<std::string_view> out;
    out.reserve(16);  // one allocation for every line browsers write (candidates have ~12 fields)
    std::size_t start = 0;
    while (true) {
        const std::size_t end = s.find(separator, start);
        if (end == std::string_view::npos) {
            out.push_back(s.substr(start));
            return out;
        }
        out.push_back(s.substr(start, end - start));
        start = end + 1;
    }
}

std::vector<std::string_view> words(std::string_view s) {
    std::vector<std::string_view> out;
    for (auto token : split(s, ' ')) {
        if (!token.empty()) out.push_back(token);
    }
    return out;
}

std::optional<std::uint64_t> parse_uint(std::string_view s, std::uint64_t max) {
    if (s.empty() || s.size() > 20) return std::nullopt;
    // One division per call, not per digit: this runs for every number of every line.
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

static char lower_ascii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower_ascii(a[i]) != lower_ascii(b[i])) return false;
    }
    return true;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = lower_ascii(c);
    return out;
}

NameValue split_attribute(std::string_view attribute) {
    const std::size_t colon = attribute.find(':');
    if (colon == std::string_view::npos) return {attribute, std::nullopt};
    return {attribute.substr(0, colon), attribute.substr(colon + 1)};
}

}  // namespace peerline::sdp::text
