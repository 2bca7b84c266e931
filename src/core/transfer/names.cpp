#include "transfer/names.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

#include "transfer/limits.hpp"

namespace peerline::transfer {
namespace {

constexpr std::uint32_t kInvalid = 0xFFFFFFFF;

// Decodes one UTF-8 sequence at `pos` (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF).
// Returns kInvalid and length 1 for anything else.
std::uint32_t decode(std::string_view s, std::size_t pos, std::size_t& length) {
    const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(s[i]); };
    const std::uint8_t b0 = byte(pos);
    length = 1;
    if (b0 < 0x80) return b0;
    std::size_t n = 0;
    std::uint32_t cp = 0, min = 0;
    if ((b0 & 0xE0) == 0xC0) { n = 2; cp = b0 & 0x1F; min = 0x80; }
    else if ((b0 & 0xF0) == 0xE0) { n = 3; cp = b0 & 0x0F; min = 0x800; }
    else if ((b0 & 0xF8) == 0xF0) { n = 4; cp = b0 & 0x07; min = 0x10000; }
    else return kInvalid;
    if (pos + n > s.size()) return kInvalid;
    for (std::size_t i = 1; i < n; ++i) {
        if ((byte(pos + i) & 0xC0) != 0x80) return kInvalid;
        cp = (cp << 6) | (byte(pos + i) & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return kInvalid;
    length = n;
    return cp;
}

bool is_control(std::uint32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

// Characters that reorder or hide text: "invoice\u202Efdp.exe" shows as "invoiceexe.pdf".
bool is_bidi_or_separator(std::uint32_t cp) {
    return cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF;
}

bool is_forbidden_in_name(std::uint32_t cp) {
    switch (cp) {
        case '<': case '>': case ':': case '"': case '|': case '?': case '*': return true;
        default: return false;
    }
}

// Back up to the start of a UTF-8 sequence so that s[0, cut) is whole characters.
std::size_t utf8_boundary(std::string_view s, std::size_t cut) {
    while (cut > 0 && cut < s.size() && (static_cast<std::uint8_t>(s[cut]) & 0xC0) == 0x80) --cut;
    return cut;
}

bool is_reserved_device(std::string_view name) {
    const std::string_view stem = name.substr(0, name.find('.'));
    std::string upper;
    for (char c : stem) upper.push_back(static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c));
    // Windows ignores trailing spaces of the stem: "CON .txt" is CON too.
    while (!upper.empty() && upper.back() == ' ') upper.pop_back();
    static constexpr std::array<const char*, 4> kPlain = {"CON", "PRN", "AUX", "NUL"};
    if (std::find(kPlain.begin(), kPlain.end(), upper) != kPlain.end()) return true;
    return upper.size() == 4 && (upper.compare(0, 3, "COM") == 0 || upper.compare(0, 3, "LPT") == 0) &&
           upper[3] >= '0' && upper[3] <= '9';
}

void trim_dots_and_spaces(std::string& s, bool front) {
    if (front) {
        std::size_t i = 0;
        while (i < s.size() && (s[i] == '.' || s[i] == ' ')) ++i;
        s.erase(0, i);
    } else {
        while (!s.empty() && (s.back() == '.' || s.back() == ' ')) s.pop_back();
    }
}

// Keeps the extension (if short) and shortens the stem so the whole fits kMaxNameBytes.
std::string cap_length(const std::string& name) {
    if (name.size() <= kMaxNameBytes) return name;
    constexpr std::size_t kMaxKeptExtension = 20;
    const std::size_t dot = name.rfind('.');
    std::string extension;
    if (dot != std::string::npos && dot > 0 && name.size() - dot <= kMaxKeptExtension) {
        extension = name.substr(dot);
    }
    const std::string stem = name.substr(0, name.size() - extension.size());
    std::string cut = stem.substr(0, utf8_boundary(stem, kMaxNameBytes - extension.size()));
    trim_dots_and_spaces(cut, /*front=*/false);
    return cut + extension;
}

}  // namespace

std::string sanitize_file_name(std::string_view name) {
    // '/' and '\\' are ASCII, so they never occur inside a multi-byte sequence.
    const std::size_t slash = name.find_last_of("/\\");
    if (slash != std::string_view::npos) name.remove_prefix(slash + 1);

    std::string out;
    out.reserve(name.size());
    for (std::size_t pos = 0; pos < name.size();) {
        std::size_t length = 1;
        const std::uint32_t cp = decode(name, pos, length);
        if (cp == kInvalid || is_control(cp) || is_bidi_or_separator(cp) || is_forbidden_in_name(cp)) {
            out.push_back('_');
        } else {
            out.append(name.substr(pos, length));
        }
        pos += length;
    }
    trim_dots_and_spaces(out, /*front=*/true);
    trim_dots_and_spaces(out, /*front=*/false);
    if (is_reserved_device(out)) out.insert(0, "_");
    out = cap_length(out);
    if (out.empty()) out = "file";
    return out;
}

std::string safe_mime(std::string_view mime) {
    static const std::string kFallback = "application/octet-stream";
    if (mime.size() > kMaxMimeBytes) return kFallback;
    std::string type;
    for (char c : mime.substr(0, mime.find(';'))) {
        if (c == ' ' || c == '\t') continue;
        type.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
    }
    const auto is_token = [](std::string_view s) {
        return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == '_';
        });
    };
    const std::size_t slash = type.find('/');
    if (slash == std::string::npos) return kFallback;
    const std::string_view top = std::string_view(type).substr(0, slash);
    const std::string_view sub = std::string_view(type).substr(slash + 1);
    if (!is_token(top) || !is_token(sub)) return kFallback;
    const bool safe =
        top == "audio" || top == "video" ||
        (top == "image" && sub.find("svg") == std::string_view::npos && sub.find("xml") == std::string_view::npos) ||
        type == "text/plain" || type == "text/csv" || type == "application/pdf" ||
        type == "application/zip" || type == "application/gzip" || type == "application/json";
    return safe ? type : kFallback;
}

std::string clean_reason(std::string_view reason) {
    std::string out;
    out.reserve(std::min(reason.size(), kMaxReasonBytes));
    for (std::size_t pos = 0; pos < reason.size();) {
        std::size_t length = 1;
        const std::uint32_t cp = decode(reason, pos, length);
        std::string_view piece = reason.substr(pos, length);
        if (cp == kInvalid) piece = "?";
        else if (is_control(cp)) piece = " ";
        else if (is_bidi_or_separator(cp)) piece = "";
        if (out.size() + piece.size() > kMaxReasonBytes) break;
        out.append(piece);
        pos += length;
    }
    return out;
}

}  // namespace peerline::transfer
