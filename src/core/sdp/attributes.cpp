#include "sdp/attributes.hpp"

#include "sdp/text.hpp"

namespace peerline::sdp::attributes {

namespace {

bool is_ice_chars(std::string_view s) {
    for (char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '+' || c == '/';
        if (!ok) return false;
    }
    return true;
}

bool is_hex_pair_list(std::string_view s) {
    // RFC 8122 §5: 2UHEX *(":" 2UHEX); browsers also write lower case, so accept both.
    if (s.size() < 2 || (s.size() + 1) % 3 != 0) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (i % 3 == 2) {
            if (c != ':') return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}

}  // namespace

Parsed<Fingerprint> fingerprint(std::string_view value) {
    const auto fields = text::split(value, ' ');
    if (fields.size() != 2 || fields[0].empty()) return std::string("expected \"<hash> <hex:hex:...>\"");
    if (!is_hex_pair_list(fields[1])) return std::string("fingerprint is not colon-separated hex");
    return Fingerprint{text::lower(fields[0]), std::string(fields[1])};
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
    const std::size_t space = value.find(' ');
    if (space == std::string_view::npos) return std::string("expected \"<id> <uri>\"");
    std::string_view id_part = value.substr(0, space);
    std::string_view rest = value.substr(space + 1);
    Extmap e;
    const std::size_t slash = id_part.find('/');
    if (slash != std::string_view::npos) {
        const auto dir = direction(id_part.substr(slash + 1));
        if (!dir) return std::string("extmap direction must be sendrecv, sendonly, recvonly or inactive");
        e.direction = dir;
        id_part = id_part.substr(0, slash);
    }
    const auto id = text::parse_uint(id_part, 4095);  // RFC 8285 §5: 1-14 one-byte, up to 255 two-byte
    if (!id || *id == 0) return std::string("extmap id must be a number 1-4095");
    e.id = static_cast<std::uint16_t>(*id);
    const std::size_t uri_end = rest.find(' ');
    e.uri = std::string(rest.substr(0, uri_end));
    if (e.uri.empty()) return std::string("extmap URI is empty");
    if (uri_end != std::string_view::npos) e.attributes = std::string(rest.substr(uri_end + 1));
    return e;
}

Parsed<Group> group(std::string_view value) {
    const auto fields = text::words(value);
    if (fields.empty()) return std::string("group has no semantics");
    Group g{std::string(fields[0]), {}};
    for (std::size_t i = 1; i < fields.size(); ++i) g.mids.emplace_back(fields[i]);
    return g;
}

Parsed<Connection> connection(std::string_view value) {
    const auto fields = text::split(value, ' ');
    if (fields.size() != 3 || fields[0].empty() || fields[1].empty() || fields[2].empty())
        return std::string("expected \"c=<nettype> <addrtype> <address>\"");
    return Connection{std::string(fields[0]), std::string(fields[1]), std::string(fields[2])};
}

Parsed<Bandwidth> bandwidth(std::string_view value) {
    const std::size_t colon = value.find(':');
    if (colon == std::string_view::npos || colon == 0) return std::string("expected \"b=<type>:<value>\"");
    const auto number = text::parse_uint(value.substr(colon + 1), 0xFFFFFFFFFFull);
    if (!number) return std::string("bandwidth is not a number");
    return Bandwidth{std::string(value.substr(0, colon)), *number};
}

std::optional<Direction> direction(std::string_view name) {
    if (name == "sendrecv") return Direction::sendrecv;
    if (name == "sendonly") return Direction::sendonly;
    if (name == "recvonly") return Direction::recvonly;
    if (name == "inactive") return Direction::inactive;
    return std::nullopt;
}

std::optional<std::string> ice_ufrag_problem(std::string_view value) {
    if (value.size() < 4 || value.size() > 256 || !is_ice_chars(value))
        return std::string("ice-ufrag must be 4-256 characters of [A-Za-z0-9+/]");
    return std::nullopt;
}

std::optional<std::string> ice_pwd_problem(std::string_view value) {
    if (value.size() < 22 || value.size() > 256 || !is_ice_chars(value))
        return std::string("ice-pwd must be 22-256 characters of [A-Za-z0-9+/]");
    return std::nullopt;
}

}  // namespace peerline::sdp::attributes
