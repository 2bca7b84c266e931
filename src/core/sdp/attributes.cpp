#include "sdp/attributes.hpp"

#include <algorithm>

#include "sdp/text.hpp"

namespace peerline::sdp::attributes {

namespace {

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

bool is_hex_pair_list(std::string_view s) {
    // RFC 8122 §5: 2UHEX *(":" 2UHEX); browsers also write lower case, so accept both.
    if (s.size() < 2 || (s.size() + 1) % 3 != 0) return false;
    for (std::size_t i = 0; i < s.size(); i += 3) {
        if (!is_hex(s[i]) || !is_hex(s[i + 1]) || (i + 2 < s.size() && s[i + 2] != ':')) return false;
    }
    return true;
}

}  // namespace

Parsed<Fingerprint> fingerprint(std::string_view value, TextStore& text) {
    const std::size_t space = text::find(value, ' ');
    if (space == 0 || space == std::string_view::npos || text::find(value, ' ', space + 1) != std::string_view::npos)
        return std::string("expected \"<hash> <hex:hex:...>\"");
    const std::string_view hash = value.substr(0, space);
    const std::string_view hex = value.substr(space + 1);
    if (!is_hex_pair_list(hex)) return std::string("fingerprint is not colon-separated hex");
    // Hash names compare case-insensitively (RFC 8122 §5); browsers write lower case, so the
    // lowered copy is the rare path.
    const bool lower = std::none_of(hash.begin(), hash.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    return Fingerprint{lower ? hash : text.keep(text::lower(hash)), hex};
}

Parsed<SetupRole> setup(std::string_view value) {
    if (value == "actpass") return SetupRole::actpass;
    if (value == "active") return SetupRole::active;
    if (value == "passive") return SetupRole::passive;
    if (value == "holdconn") return SetupRole::holdconn;
    return std::string("setup must be actpass, active, passive or holdconn");
}

Parsed<Extmap> extmap(std::string_view value) {
    // a=extmap:<value>["/"<direction>] <URI> <extensionattributes>
    const std::size_t space = text::find(value, ' ');
    if (space == std::string_view::npos) return std::string("expected \"<id> <uri>\"");
    std::string_view id_part = value.substr(0, space);
    std::string_view rest = value.substr(space + 1);
    Extmap e;
    const std::size_t slash = text::find(id_part, '/');
    if (slash != std::string_view::npos) {
        const auto dir = direction(id_part.substr(slash + 1));
        if (!dir) return std::string("extmap direction must be sendrecv, sendonly, recvonly or inactive");
        e.direction = dir;
        id_part = id_part.substr(0, slash);
    }
    const auto id = text::parse_uint(id_part, 4095);  // RFC 8285 §5: 1-14 one-byte, up to 255 two-byte
    if (!id || *id == 0) return std::string("extmap id must be a number 1-4095");
    e.id = static_cast<std::uint16_t>(*id);
    const std::size_t uri_end = text::find(rest, ' ');
    e.uri = rest.substr(0, uri_end);
    if (e.uri.empty()) return std::string("extmap URI is empty");
    if (uri_end != std::string_view::npos) e.attributes = rest.substr(uri_end + 1);
    return e;
}

Parsed<Group> group(std::string_view value) {
    Group g;
    text::Fields fields(value, ' ');
    std::string_view field;
    while (fields.next(field)) {
        if (field.empty()) continue;  // browsers pad: "a=group:BUNDLE  0"
        if (g.semantics.empty()) g.semantics = field;
        else g.mids.push_back(field);
    }
    if (g.semantics.empty()) return std::string("group has no semantics");
    return g;
}

Parsed<Connection> connection(std::string_view value) {
    Connection c;
    text::Fields fields(value, ' ');
    std::string_view extra;
    const bool three = fields.next(c.net_type) && fields.next(c.address_type) && fields.next(c.address) && !fields.next(extra);
    if (!three || c.net_type.empty() || c.address_type.empty() || c.address.empty())
        return std::string("expected \"c=<nettype> <addrtype> <address>\"");
    return c;
}

Parsed<Bandwidth> bandwidth(std::string_view value) {
    const std::size_t colon = text::find(value, ':');
    if (colon == std::string_view::npos || colon == 0) return std::string("expected \"b=<type>:<value>\"");
    const auto number = text::parse_uint(value.substr(colon + 1), 0xFFFFFFFFFFull);
    if (!number) return std::string("bandwidth is not a number");
    return Bandwidth{value.substr(0, colon), *number};
}

std::optional<Direction> direction(std::string_view name) {
    if (name == "sendrecv") return Direction::sendrecv;
    if (name == "sendonly") return Direction::sendonly;
    if (name == "recvonly") return Direction::recvonly;
    if (name == "inactive") return Direction::inactive;
    return std::nullopt;
}

std::optional<std::string> ice_ufrag_problem(std::string_view value) {
    if (value.size() < 4 || value.size() > 256 || !text::is_ice_chars(value))
        return std::string("ice-ufrag must be 4-256 characters of [A-Za-z0-9+/]");
    return std::nullopt;
}

std::optional<std::string> ice_pwd_problem(std::string_view value) {
    if (value.size() < 22 || value.size() > 256 || !text::is_ice_chars(value))
        return std::string("ice-pwd must be 22-256 characters of [A-Za-z0-9+/]");
    return std::nullopt;
}

}  // namespace peerline::sdp::attributes
