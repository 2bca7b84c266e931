// Parsing and serializing whole descriptions (RFC 8866 §5), and the model's small accessors.
#include "sdp/description.hpp"

#include <algorithm>
#include <cstring>

#include "sdp/attributes.hpp"
#include "sdp/limits.hpp"
#include "sdp/media_section.hpp"
#include "sdp/text.hpp"

namespace peerline::sdp {

const char* to_string(MediaKind kind) {
    switch (kind) {
        case MediaKind::audio: return "audio";
        case MediaKind::video: return "video";
        case MediaKind::application: return "application";
        case MediaKind::other: return "other";
    }
    return "?";
}

const char* to_string(Direction direction) {
    switch (direction) {
        case Direction::sendrecv: return "sendrecv";
        case Direction::sendonly: return "sendonly";
        case Direction::recvonly: return "recvonly";
        case Direction::inactive: return "inactive";
    }
    return "?";
}

const char* to_string(SetupRole role) {
    switch (role) {
        case SetupRole::actpass: return "actpass";
        case SetupRole::active: return "active";
        case SetupRole::passive: return "passive";
        case SetupRole::holdconn: return "holdconn";
    }
    return "?";
}

std::optional<std::string> Codec::parameter(std::string_view name) const {
    // fmtp parameters are "name=value" separated by ";" (RFC 7587 §7, RFC 6184 §8.1), and
    // Chrome writes "; " for some codecs, so surrounding spaces are trimmed.
    for (auto item : text::split(fmtp, ';')) {
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        const std::size_t eq = item.find('=');
        if (eq != std::string_view::npos && text::iequals(item.substr(0, eq), name)) return std::string(item.substr(eq + 1));
    }
    return std::nullopt;
}

std::optional<std::uint8_t> Codec::associated_payload_type() const {
    const auto apt = parameter("apt");
    if (!apt) return std::nullopt;
    const auto pt = text::parse_uint(*apt, 127);
    if (!pt) return std::nullopt;
    return static_cast<std::uint8_t>(*pt);
}

const Codec* MediaSection::codec(std::uint8_t payload_type) const {
    for (const auto& c : codecs) {
        if (c.payload_type == payload_type) return &c;
    }
    return nullptr;
}

const Group* Description::bundle() const {
    for (const auto& g : groups) {
        if (g.semantics == "BUNDLE") return &g;
    }
    return nullptr;
}

// RFC 9143 §7: transport attributes of a BUNDLE group may be written only in the tagged
// section (the first mid of the group); the other sections of the group inherit them.
const MediaSection* Description::bundle_tagged(const MediaSection& s) const {
    const Group* group = bundle();
    if (!group || group->mids.empty() || s.mid.empty()) return nullptr;
    bool member = false;
    for (const auto& mid : group->mids) member = member || mid == s.mid;
    if (!member) return nullptr;
    for (const auto& other : media) {
        if (other.mid == group->mids.front()) return &other;
    }
    return nullptr;
}

const Fingerprint* Description::fingerprint_of(const MediaSection& s) const {
    if (s.fingerprint) return &*s.fingerprint;
    if (const auto* tagged = bundle_tagged(s); tagged && tagged->fingerprint) return &*tagged->fingerprint;
    return fingerprint ? &*fingerprint : nullptr;
}

std::optional<SetupRole> Description::setup_of(const MediaSection& s) const {
    if (s.setup) return s.setup;
    if (const auto* tagged = bundle_tagged(s); tagged && tagged->setup) return tagged->setup;
    return setup;
}

const std::string& Description::ice_ufrag_of(const MediaSection& s) const {
    if (!s.ice_ufrag.empty()) return s.ice_ufrag;
    if (const auto* tagged = bundle_tagged(s); tagged && !tagged->ice_ufrag.empty()) return tagged->ice_ufrag;
    return ice_ufrag;
}

const std::string& Description::ice_pwd_of(const MediaSection& s) const {
    if (!s.ice_pwd.empty()) return s.ice_pwd;
    if (const auto* tagged = bundle_tagged(s); tagged && !tagged->ice_pwd.empty()) return tagged->ice_pwd;
    return ice_pwd;
}

namespace {

// Splits into lines, remembering each line's own terminator so serialization is exact.
Result<std::vector<Line>> split_lines(std::string_view input) {
    std::vector<Line> lines;
    lines.reserve(static_cast<std::size_t>(std::count(input.begin(), input.end(), '\n')) + 1);
    std::size_t start = 0;
    while (start < input.size()) {
        const std::size_t number = lines.size() + 1;
        if (lines.size() >= kMaxLines) return make_error("sdp-oversized", "description has more than " + std::to_string(kMaxLines) + " lines");
        const char* begin = input.data() + start;
        const auto* newline = static_cast<const char*>(std::memchr(begin, '\n', input.size() - start));
        std::size_t end = newline ? static_cast<std::size_t>(newline - input.data()) : input.size();
        std::string_view content = input.substr(start, end - start);
        const char* eol = newline ? "\n" : "";
        if (!content.empty() && content.back() == '\r') {
            content.remove_suffix(1);
            eol = newline ? "\r\n" : "\r";
        }
        start = end + 1;
        if (content.size() > kMaxLineBytes) return syntax_error(number, "line is longer than " + std::to_string(kMaxLineBytes) + " bytes");
        if (content.size() < 2 || content[1] != '=' || content[0] < 'a' || content[0] > 'z')
            return syntax_error(number, content.empty() ? "empty line" : "expected \"<letter>=<value>\"");
        if (std::memchr(content.data(), '\0', content.size()) || std::memchr(content.data(), '\r', content.size()))
            return syntax_error(number, "contains a NUL or a stray carriage return");
        lines.push_back({content[0], std::string(content.substr(2)), eol});
    }
    return lines;
}

std::optional<std::string> parse_origin(Origin& o, std::string_view value) {
    const auto f = text::split(value, ' ');
    if (f.size() != 6) return "o= needs \"<username> <sess-id> <sess-version> <nettype> <addrtype> <address>\"";
    if (!text::parse_uint(f[1], ~0ull)) return "o= session id is not a number";
    const auto version = text::parse_uint(f[2], ~0ull);
    if (!version) return "o= session version is not a number";
    o = {std::string(f[0]), std::string(f[1]), *version, std::string(f[3]), std::string(f[4]), std::string(f[5])};
    return std::nullopt;
}

std::optional<std::string> parse_timing(Timing& t, std::string_view value) {
    const auto f = text::split(value, ' ');
    const auto start = f.size() == 2 ? text::parse_uint(f[0], ~0ull) : std::nullopt;
    const auto stop = f.size() == 2 ? text::parse_uint(f[1], ~0ull) : std::nullopt;
    if (!start || !stop) return "t= needs \"<start> <stop>\" as numbers";
    t = {*start, *stop};
    return std::nullopt;
}

template <typename T>
std::optional<std::string> take(std::optional<T>& out, const attributes::Parsed<T>& parsed) {
    if (const auto* why = attributes::problem(parsed)) return *why;
    out = std::get<T>(parsed);
    return std::nullopt;
}

std::optional<std::string> apply_session_attribute(Description& d, std::string_view attribute) {
    const auto [name, value_or] = text::split_attribute(attribute);
    const std::string_view value = value_or.value_or("");
    if (name == "extmap-allow-mixed") { d.extmap_allow_mixed = true; return std::nullopt; }
    if (!value_or) return std::nullopt;
    if (name == "group") {
        std::optional<Group> g;
        if (auto why = take(g, attributes::group(value))) return why;
        d.groups.push_back(std::move(*g));
    } else if (name == "msid-semantic") {
        d.msid_semantic = std::string(value);
    } else if (name == "ice-options") {
        for (auto w : text::words(value)) d.ice_options.emplace_back(w);
    } else if (name == "ice-ufrag") {
        d.ice_ufrag = std::string(value);
    } else if (name == "ice-pwd") {
        d.ice_pwd = std::string(value);
    } else if (name == "fingerprint") {
        return take(d.fingerprint, attributes::fingerprint(value));
    } else if (name == "setup") {
        return take(d.setup, attributes::setup(value));
    } else if (name == "extmap") {
        std::optional<Extmap> e;
        if (auto why = take(e, attributes::extmap(value))) return why;
        d.extmaps.push_back(std::move(*e));
    }
    return std::nullopt;
}

std::optional<std::string> apply_session_line(Description& d, const Line& line, bool& seen_o, bool& seen_s, bool& seen_t) {
    switch (line.type) {
        case 'o': seen_o = true; return parse_origin(d.origin, line.value);
        case 's': seen_s = true; d.session_name = line.value; return std::nullopt;
        case 't': seen_t = true; return parse_timing(d.timing, line.value);
        case 'c': return take(d.connection, attributes::connection(line.value));
        case 'b': {
            std::optional<Bandwidth> b;
            auto why = take(b, attributes::bandwidth(line.value));
            if (b) d.bandwidths.push_back(std::move(*b));
            return why;
        }
        case 'a': return apply_session_attribute(d, line.value);
        default: return std::nullopt;
    }
}

}  // namespace

Result<Description> parse(std::string_view input) {
    if (input.size() > kMaxDescriptionBytes)
        return make_error("sdp-oversized", "description is " + std::to_string(input.size()) + " bytes, over the limit of " +
                                               std::to_string(kMaxDescriptionBytes));
    auto split = split_lines(input);
    if (!split) return split.error();
    std::vector<Line> lines = std::move(split).value();
    if (lines.empty()) return make_error("sdp-syntax", "line 1: description is empty");
    if (lines[0].type != 'v' || lines[0].value != "0") return syntax_error(1, "must be \"v=0\"");

    Description d;
    bool seen_o = false, seen_s = false, seen_t = false;
    std::size_t i = 0;
    for (; i < lines.size() && lines[i].type != 'm'; ++i) {
        if (i > 0) {
            if (auto why = apply_session_line(d, lines[i], seen_o, seen_s, seen_t)) return syntax_error(i + 1, *why);
        }
    }
    if (!seen_o) return syntax_error(i + 1, "session has no o= line before the first m= line");
    if (!seen_s) return syntax_error(i + 1, "session has no s= line before the first m= line");
    if (!seen_t) return syntax_error(i + 1, "session has no t= line before the first m= line");
    d.lines.assign(std::make_move_iterator(lines.begin()), std::make_move_iterator(lines.begin() + static_cast<std::ptrdiff_t>(i)));

    while (i < lines.size()) {
        if (d.media.size() >= kMaxMediaSections)
            return make_error("sdp-oversized", "description has more than " + std::to_string(kMaxMediaSections) + " media sections");
        const std::size_t begin = i++;
        while (i < lines.size() && lines[i].type != 'm') ++i;
        std::vector<Line> section(std::make_move_iterator(lines.begin() + static_cast<std::ptrdiff_t>(begin)),
                                  std::make_move_iterator(lines.begin() + static_cast<std::ptrdiff_t>(i)));
        auto built = build_media_section(std::move(section), begin + 1);
        if (!built) return built.error();
        d.media.push_back(std::move(built).value());
    }
    return d;
}

std::string serialize(const Description& d) {
    std::size_t size = 0;
    auto measure = [&size](const std::vector<Line>& lines) {
        for (const auto& l : lines) size += 2 + l.value.size() + l.eol.size();
    };
    measure(d.lines);
    for (const auto& m : d.media) measure(m.lines);
    std::string out;
    out.reserve(size);
    auto write = [&out](const std::vector<Line>& lines) {
        for (const auto& l : lines) {
            out += l.type;
            out += '=';
            out += l.value;
            out += l.eol;
        }
    };
    write(d.lines);
    for (const auto& m : d.media) write(m.lines);
    return out;
}

}  // namespace peerline::sdp
