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

std::optional<std::string_view> Codec::parameter(std::string_view name) const {
    // fmtp parameters are "name=value" separated by ";" (RFC 7587 §7, RFC 6184 §8.1), and
    // Chrome writes "; " for some codecs, so surrounding spaces are trimmed.
    text::Fields items(fmtp, ';');
    std::string_view item;
    while (items.next(item)) {
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        const std::size_t eq = text::find(item, '=');
        if (eq != std::string_view::npos && text::iequals(item.substr(0, eq), name)) return item.substr(eq + 1);
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

std::string_view TextStore::set_parsed(std::string_view parsed) {
    auto piece = std::make_shared<const std::string>(parsed);
    const std::string_view view = *piece;
    if (pieces_.empty()) pieces_.push_back(std::move(piece));
    else pieces_[0] = std::move(piece);
    return view;
}

std::string_view TextStore::parsed() const { return pieces_.empty() ? std::string_view() : std::string_view(*pieces_[0]); }

std::string_view TextStore::keep(std::string text) {
    if (pieces_.empty()) pieces_.emplace_back();  // [0] stays the parsed text, even if there is none
    pieces_.push_back(std::make_shared<const std::string>(std::move(text)));
    return *pieces_.back();
}

void TextStore::share(const TextStore& other) {
    if (pieces_.empty()) pieces_.emplace_back();  // [0] is reserved for a parsed text
    for (const auto& piece : other.pieces_) {
        if (!piece) continue;
        bool known = false;
        for (const auto& mine : pieces_) known = known || mine == piece;
        if (!known) pieces_.push_back(piece);
    }
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

std::string_view Description::ice_ufrag_of(const MediaSection& s) const {
    if (!s.ice_ufrag.empty()) return s.ice_ufrag;
    if (const auto* tagged = bundle_tagged(s); tagged && !tagged->ice_ufrag.empty()) return tagged->ice_ufrag;
    return ice_ufrag;
}

std::string_view Description::ice_pwd_of(const MediaSection& s) const {
    if (!s.ice_pwd.empty()) return s.ice_pwd;
    if (const auto* tagged = bundle_tagged(s); tagged && !tagged->ice_pwd.empty()) return tagged->ice_pwd;
    return ice_pwd;
}

namespace {

// The fields of `value` into `out[0..n)`, true only if there are exactly n of them.
bool exact_fields(std::string_view value, std::string_view* out, std::size_t n) {
    text::Fields fields(value, ' ');
    std::size_t count = 0;
    std::string_view field;
    while (fields.next(field)) {
        if (count == n) return false;
        out[count++] = field;
    }
    return count == n;
}

// Splits into lines viewing `text`, remembering each line's own terminator so serialization is
// exact. One memchr finds each line's end and one each carriage return; a NUL is looked for
// once in the whole text. Errors come in the same order a line-by-line check would give them.
Result<std::vector<Line>> split_lines(std::string_view text) {
    std::vector<Line> lines;
    lines.reserve(text.size() / 32 + 16);  // browsers' lines average ~40 bytes: one allocation
    const char* const end = text.data() + text.size();
    const char* nul = static_cast<const char*>(std::memchr(text.data(), '\0', text.size()));
    if (!nul) nul = end;
    const char* cr = text.data() - 1;  // the next carriage return at or after p, once looked up
    const char* p = text.data();
    while (p < end) {
        const std::size_t number = lines.size() + 1;
        if (lines.size() >= kMaxLines) return make_error("sdp-oversized", "description has more than " + std::to_string(kMaxLines) + " lines");
        const auto* newline = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
        const char* content_end = newline ? newline : end;
        std::string_view eol = newline ? "\n" : "";
        if (content_end > p && content_end[-1] == '\r') {
            --content_end;
            eol = newline ? "\r\n" : "\r";
        }
        const std::string_view content(p, static_cast<std::size_t>(content_end - p));
        if (content.size() > kMaxLineBytes) return syntax_error(number, "line is longer than " + std::to_string(kMaxLineBytes) + " bytes");
        if (content.size() < 2 || content[1] != '=' || content[0] < 'a' || content[0] > 'z')
            return syntax_error(number, content.empty() ? "empty line" : "expected \"<letter>=<value>\"");
        if (cr < p) {
            cr = static_cast<const char*>(std::memchr(p, '\r', static_cast<std::size_t>(end - p)));
            if (!cr) cr = end;
        }
        if (nul < content_end || cr < content_end) return syntax_error(number, "contains a NUL or a stray carriage return");
        lines.push_back({content[0], content.substr(2), eol});
        p = newline ? newline + 1 : end;
    }
    return lines;
}

std::optional<std::string> parse_origin(Origin& o, std::string_view value) {
    std::string_view f[6];
    if (!exact_fields(value, f, 6)) return "o= needs \"<username> <sess-id> <sess-version> <nettype> <addrtype> <address>\"";
    if (!text::parse_uint(f[1], ~0ull)) return "o= session id is not a number";
    const auto version = text::parse_uint(f[2], ~0ull);
    if (!version) return "o= session version is not a number";
    o = {f[0], f[1], *version, f[3], f[4], f[5]};
    return std::nullopt;
}

std::optional<std::string> parse_timing(Timing& t, std::string_view value) {
    std::string_view f[2];
    const bool two = exact_fields(value, f, 2);
    const auto start = two ? text::parse_uint(f[0], ~0ull) : std::nullopt;
    const auto stop = two ? text::parse_uint(f[1], ~0ull) : std::nullopt;
    if (!start || !stop) return "t= needs \"<start> <stop>\" as numbers";
    t = {*start, *stop};
    return std::nullopt;
}

template <typename T>
std::optional<std::string> take(std::optional<T>& out, attributes::Parsed<T>&& parsed) {
    if (const auto* why = attributes::problem(parsed)) return *why;
    out = std::get<T>(std::move(parsed));
    return std::nullopt;
}

std::optional<std::string> apply_session_attribute(Description& d, std::string_view attribute) {
    const auto name_value = text::split_attribute(attribute);
    const std::string_view name = name_value.name;
    const std::string_view value = name_value.value.value_or("");
    if (name == "extmap-allow-mixed") { d.extmap_allow_mixed = true; return std::nullopt; }
    if (!name_value.value) return std::nullopt;
    if (name == "group") {
        std::optional<Group> g;
        if (auto why = take(g, attributes::group(value))) return why;
        d.groups.push_back(std::move(*g));
    } else if (name == "msid-semantic") {
        d.msid_semantic = value;
    } else if (name == "ice-options") {
        text::append_words(value, d.ice_options);
    } else if (name == "ice-ufrag") {
        d.ice_ufrag = value;
    } else if (name == "ice-pwd") {
        d.ice_pwd = value;
    } else if (name == "fingerprint") {
        return take(d.fingerprint, attributes::fingerprint(value, d.text));
    } else if (name == "setup") {
        return take(d.setup, attributes::setup(value));
    } else if (name == "extmap") {
        std::optional<Extmap> e;
        if (auto why = take(e, attributes::extmap(value))) return why;
        d.extmaps.push_back(*e);
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
            if (b) d.bandwidths.push_back(*b);
            return why;
        }
        case 'a': return apply_session_attribute(d, line.value);
        default: return std::nullopt;
    }
}

// Where the bytes of `line` end in `parsed`, if they still lie there verbatim
// ("<type>=<value><eol>"), else nullptr. Addresses are compared as integers: the line may view
// an unrelated piece of text an edit kept.
const char* verbatim_end(const Line& line, std::string_view parsed) {
    const auto first = reinterpret_cast<std::uintptr_t>(parsed.data());
    const auto value = reinterpret_cast<std::uintptr_t>(line.value.data());
    if (value < first + 2 || value - first + line.value.size() + line.eol.size() > parsed.size()) return nullptr;
    const char* begin = line.value.data() - 2;
    const char* value_end = line.value.data() + line.value.size();
    if (begin[0] != line.type || begin[1] != '=' || std::memcmp(value_end, line.eol.data(), line.eol.size()) != 0) return nullptr;
    return value_end + line.eol.size();
}

}  // namespace

Result<Description> parse(std::string_view input) {
    if (input.size() > kMaxDescriptionBytes)
        return make_error("sdp-oversized", "description is " + std::to_string(input.size()) + " bytes, over the limit of " +
                                               std::to_string(kMaxDescriptionBytes));
    Description d;
    auto split = split_lines(d.text.set_parsed(input));
    if (!split) return split.error();
    const std::vector<Line>& lines = split.value();
    if (lines.empty()) return make_error("sdp-syntax", "line 1: description is empty");
    if (lines[0].type != 'v' || lines[0].value != "0") return syntax_error(1, "must be \"v=0\"");

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
    d.lines.assign(lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(i));

    const auto sections = static_cast<std::size_t>(
        std::count_if(lines.begin() + static_cast<std::ptrdiff_t>(i), lines.end(), [](const Line& l) { return l.type == 'm'; }));
    d.media.reserve(std::min(sections, kMaxMediaSections));
    while (i < lines.size()) {
        if (d.media.size() >= kMaxMediaSections)
            return make_error("sdp-oversized", "description has more than " + std::to_string(kMaxMediaSections) + " media sections");
        const std::size_t begin = i++;
        while (i < lines.size() && lines[i].type != 'm') ++i;
        MediaSection& section = d.media.emplace_back();
        section.lines.assign(lines.begin() + static_cast<std::ptrdiff_t>(begin), lines.begin() + static_cast<std::ptrdiff_t>(i));
        section.first_line = begin + 1;
        section.text = d.text;
        auto built = build_media_section(section);
        if (!built) return built.error();
    }
    return d;
}

std::string serialize(const Description& d) {
    std::size_t size = 0;
    auto measure = [&size](const std::vector<Line>& lines) {
        for (const auto& l : lines) size += 2 + l.value.size() + 2;  // at most "\r\n" each
    };
    measure(d.lines);
    for (const auto& m : d.media) measure(m.lines);
    std::string out;
    out.reserve(size);
    // An unmodified description is one run, copied at once; edited lines break it into pieces.
    const std::string_view parsed = d.text.parsed();
    // Only the input's last line may lack "\n" (kept so an unmodified description round-trips).
    // If edits put lines after it, it gets "\r\n": else the next line would be glued to it.
    const Line* last = !d.media.empty() && !d.media.back().lines.empty() ? &d.media.back().lines.back()
                       : !d.lines.empty()                               ? &d.lines.back()
                                                                        : nullptr;
    const char* run_begin = nullptr;
    const char* run_end = nullptr;
    auto write = [&](const std::vector<Line>& lines) {
        for (const auto& l : lines) {
            const bool unterminated = l.eol.empty() || l.eol.back() != '\n';
            const bool needs_break = unterminated && &l != last;
            const char* end = needs_break ? nullptr : verbatim_end(l, parsed);
            const char* begin = end ? l.value.data() - 2 : nullptr;
            if (begin && begin == run_end) {
                run_end = end;
                continue;
            }
            if (run_begin) out.append(run_begin, static_cast<std::size_t>(run_end - run_begin));
            run_begin = begin;
            run_end = end;
            if (begin) continue;
            out += l.type;
            out += '=';
            out.append(l.value.data(), l.value.size());
            if (needs_break) out += "\r\n";
            else out.append(l.eol.data(), l.eol.size());
        }
    };
    write(d.lines);
    for (const auto& m : d.media) write(m.lines);
    if (run_begin) out.append(run_begin, static_cast<std::size_t>(run_end - run_begin));
    return out;
}

}  // namespace peerline::sdp
