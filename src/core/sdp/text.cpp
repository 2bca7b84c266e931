#include "sdp/text.hpp"

namespace peerline::sdp::text {

std::vector<std::string_view> split(std::string_view s, char separator) {
    std::vector<std::string_view> out;
    out.reserve(16);  // one allocation for every line browsers write; edits use this, parsers use Fields
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

}  // namespace peerline::sdp::text
