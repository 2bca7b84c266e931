#include "sdp/edit.hpp"

#include <algorithm>

#include "sdp/media_section.hpp"
#include "sdp/text.hpp"

namespace peerline::sdp {

namespace {

// Re-derives the typed view after a line edit. Edits only write well-formed lines, so this
// fails only if the caller passed a malformed value; then the section is left unchanged.
// `text` is the section's store plus the edit's new line, whose value views it.
Result<bool> rebuild(MediaSection& section, std::vector<Line> lines, TextStore text) {
    MediaSection rebuilt;
    rebuilt.lines = std::move(lines);
    rebuilt.first_line = section.first_line;
    rebuilt.text = std::move(text);
    auto built = build_media_section(rebuilt);
    if (!built) return built.error();
    section = std::move(rebuilt);
    return true;
}

std::string_view eol_of(const MediaSection& section) {
    return section.lines.empty() || section.lines[0].eol.empty() ? std::string_view("\r\n") : section.lines[0].eol;
}

// Index of the first a=<name>:<pt>... line for this payload type, or npos.
std::size_t find_payload_line(const std::vector<Line>& lines, std::string_view name, std::uint8_t pt) {
    const std::string prefix = std::string(name) + ':' + std::to_string(pt);
    for (std::size_t i = 1; i < lines.size(); ++i) {
        const std::string_view v = lines[i].value;
        if (lines[i].type == 'a' && v.substr(0, prefix.size()) == prefix &&
            (v.size() == prefix.size() || v[prefix.size()] == ' '))
            return i;
    }
    return std::string::npos;
}

// Inserts before index `at`; when appending after an unterminated last line, that line takes
// the terminator and the new one goes without, so the text stays well-formed and as it was.
void insert_line(std::vector<Line>& lines, std::size_t at, Line line) {
    if (at > 0 && lines[at - 1].eol.empty()) std::swap(lines[at - 1].eol, line.eol);
    lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(at), std::move(line));
}

bool is_payload_attribute(const Line& line) {
    if (line.type != 'a') return false;
    const auto name = text::split_attribute(line.value).name;
    return name == "rtpmap" || name == "fmtp" || name == "rtcp-fb";
}

}  // namespace

Result<bool> set_format_order(MediaSection& section, const std::vector<std::string>& formats) {
    for (const auto& f : formats) {
        if (std::count(formats.begin(), formats.end(), f) != 1 ||
            std::find(section.formats.begin(), section.formats.end(), f) == section.formats.end())
            return make_error("sdp-bad-edit", "format \"" + f + "\" is not in the m= line, or is listed twice");
    }
    if (formats.empty()) return make_error("sdp-bad-edit", "an m= line needs at least one format");
    auto lines = section.lines;
    auto text = section.text;
    const auto fields = text::split(lines[0].value, ' ');
    std::string value = std::string(fields[0]) + ' ' + std::string(fields[1]) + ' ' + std::string(fields[2]);
    for (const auto& f : formats) value += ' ' + f;
    lines[0].value = text.keep(std::move(value));
    return rebuild(section, std::move(lines), std::move(text));
}

Result<bool> set_format_parameters(MediaSection& section, std::uint8_t pt, const Parameters& parameters) {
    auto lines = section.lines;
    auto text = section.text;
    const std::size_t fmtp = find_payload_line(lines, "fmtp", pt);
    std::vector<std::string> items;
    if (fmtp != std::string::npos) {
        const std::string_view v = lines[fmtp].value;
        const std::size_t space = v.find(' ');
        if (space != std::string::npos) {
            for (auto item : text::split(v.substr(space + 1), ';')) {
                while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
                if (!item.empty()) items.emplace_back(item);
            }
        }
    }
    for (const auto& parameter : parameters) {
        const std::string& name = parameter.first;  // not a structured binding: lambdas below capture it
        const std::string entry = name + '=' + parameter.second;
        auto same = std::find_if(items.begin(), items.end(), [&](const std::string& item) {
            const std::size_t eq = item.find('=');
            return text::iequals(std::string_view(item).substr(0, eq), name);
        });
        if (same != items.end()) *same = entry;
        else items.push_back(entry);
    }
    std::string value = "fmtp:" + std::to_string(pt) + ' ';
    for (std::size_t i = 0; i < items.size(); ++i) value += (i ? ";" : "") + items[i];
    if (fmtp != std::string::npos) {
        lines[fmtp].value = text.keep(std::move(value));
    } else {
        const std::size_t rtpmap = find_payload_line(lines, "rtpmap", pt);
        if (rtpmap == std::string::npos) return make_error("sdp-bad-edit", "payload type " + std::to_string(pt) + " has no a=rtpmap");
        insert_line(lines, rtpmap + 1, Line{'a', text.keep(std::move(value)), eol_of(section)});
    }
    return rebuild(section, std::move(lines), std::move(text));
}

Result<bool> set_attribute(MediaSection& section, std::string_view name, std::string_view value) {
    auto lines = section.lines;
    auto text = section.text;
    const std::string_view text_value = text.keep(std::string(name) + ':' + std::string(value));
    for (auto& line : lines) {
        if (line.type == 'a' && text::split_attribute(line.value).name == name) {
            line.value = text_value;
            return rebuild(section, std::move(lines), std::move(text));
        }
    }
    std::size_t at = lines.size();
    for (std::size_t i = lines.size(); i-- > 1;) {
        if (is_payload_attribute(lines[i])) { at = i + 1; break; }
    }
    insert_line(lines, at, Line{'a', text_value, eol_of(section)});
    return rebuild(section, std::move(lines), std::move(text));
}

Result<bool> set_bandwidth(MediaSection& section, std::string_view type, std::uint64_t value) {
    auto lines = section.lines;
    auto text = section.text;
    const std::string_view text_value = text.keep(std::string(type) + ':' + std::to_string(value));
    std::size_t at = 1;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        const char t = lines[i].type;
        if (t == 'b' && text::split_attribute(lines[i].value).name == type) {
            lines[i].value = text_value;
            return rebuild(section, std::move(lines), std::move(text));
        }
        if (t == 'i' || t == 'c' || t == 'b') at = i + 1;
        if (t == 'a' || t == 'k') break;
    }
    insert_line(lines, at, Line{'b', text_value, eol_of(section)});
    return rebuild(section, std::move(lines), std::move(text));
}

}  // namespace peerline::sdp
