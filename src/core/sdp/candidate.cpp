#include "sdp/candidate.hpp"

#include "sdp/limits.hpp"
#include "sdp/text.hpp"

namespace peerline::sdp {

const char* to_string(CandidateType type) {
    switch (type) {
        case CandidateType::host: return "host";
        case CandidateType::srflx: return "srflx";
        case CandidateType::prflx: return "prflx";
        case CandidateType::relay: return "relay";
    }
    return "?";
}

const char* to_string(TcpType type) {
    switch (type) {
        case TcpType::active: return "active";
        case TcpType::passive: return "passive";
        case TcpType::so: return "so";
    }
    return "?";
}

bool Candidate::is_udp() const { return text::iequals(transport, "udp"); }
bool Candidate::is_tcp() const { return text::iequals(transport, "tcp"); }

const std::string_view* Candidate::extension(std::string_view name) const {
    for (const auto& [key, value] : extensions) {
        if (key == name) return &value;
    }
    return nullptr;
}

namespace {

Error candidate_error(std::string message) { return make_error("sdp-bad-candidate", std::move(message)); }

// Addresses are IPv4, IPv6 or FQDN; we do not resolve, only refuse what cannot be any of them.
bool is_address_chars(std::string_view s) {
    if (s.empty() || s.size() > 255) return false;
    for (char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '.' || c == ':' || c == '-' || c == '%' || c == '_';
        if (!ok) return false;
    }
    return true;
}

std::optional<CandidateType> parse_type(std::string_view s) {
    if (s == "host") return CandidateType::host;
    if (s == "srflx") return CandidateType::srflx;
    if (s == "prflx") return CandidateType::prflx;
    if (s == "relay") return CandidateType::relay;
    return std::nullopt;
}

std::optional<TcpType> parse_tcp_type(std::string_view s) {
    if (s == "active") return TcpType::active;
    if (s == "passive") return TcpType::passive;
    if (s == "so") return TcpType::so;
    return std::nullopt;
}

}  // namespace

Result<Candidate> parse_candidate(std::string_view input) {
    if (input.size() > kMaxCandidateBytes) return candidate_error("candidate is longer than 1024 bytes");
    if (input.substr(0, 2) == "a=") input.remove_prefix(2);
    if (input.substr(0, 10) != "candidate:") return candidate_error("does not start with \"candidate:\"");
    input.remove_prefix(10);

    const std::size_t count = text::count_fields(input, ' ');
    if (count < 8) return candidate_error("has fewer than the 8 required fields");
    if (count % 2 != 0) return candidate_error("has a name without a value after \"typ\"");
    text::Fields fields(input, ' ');
    std::string_view field;

    Candidate c;
    fields.next(field);
    if (field.empty() || field.size() > 32 || !text::is_ice_chars(field))
        return candidate_error("foundation must be 1-32 characters of [A-Za-z0-9+/]");
    c.foundation = field;

    fields.next(field);
    const auto component = text::parse_uint(field, 256);
    if (!component || *component == 0) return candidate_error("component must be a number 1-256");
    c.component = static_cast<std::uint16_t>(*component);

    fields.next(field);
    if (field.empty() || !text::is_ice_chars(field)) return candidate_error("transport is empty or malformed");
    c.transport = field;

    fields.next(field);
    const auto priority = text::parse_uint(field, 0xFFFFFFFFu);
    if (!priority) return candidate_error("priority must be a number 0-4294967295");
    c.priority = static_cast<std::uint32_t>(*priority);

    fields.next(field);
    if (!is_address_chars(field)) return candidate_error("connection address is empty or malformed");
    c.address = field;

    fields.next(field);
    const auto port = text::parse_uint(field, 65535);
    if (!port) return candidate_error("port must be a number 0-65535");
    c.port = static_cast<std::uint16_t>(*port);

    fields.next(field);
    if (field != "typ") return candidate_error("expected \"typ\" after the port");
    fields.next(field);
    const auto type = parse_type(field);
    if (!type) return candidate_error("type must be host, srflx, prflx or relay");
    c.type = *type;

    // One allocation for the extensions: browsers write 2-5 pairs, the cap bounds a hostile count.
    const std::size_t pairs = (count - 8) / 2;
    if (pairs > 0) c.extensions.reserve(pairs < kMaxCandidateExtensions ? pairs : kMaxCandidateExtensions);
    std::string_view name, value;
    while (fields.next(name) && fields.next(value)) {
        if (name.empty() || value.empty()) return candidate_error("has an empty extension name or value");
        if (name == "raddr" && !c.related_address) {
            if (!is_address_chars(value)) return candidate_error("raddr is malformed");
            c.related_address = value;
        } else if (name == "rport" && !c.related_port) {
            const auto rport = text::parse_uint(value, 65535);
            if (!rport) return candidate_error("rport must be a number 0-65535");
            c.related_port = static_cast<std::uint16_t>(*rport);
        } else if (name == "tcptype" && !c.tcp_type) {
            const auto tcp_type = parse_tcp_type(value);
            if (!tcp_type) return candidate_error("tcptype must be active, passive or so");
            c.tcp_type = *tcp_type;
        } else {
            if (c.extensions.size() >= kMaxCandidateExtensions) return candidate_error("has too many extensions");
            c.extensions.emplace_back(name, value);
        }
    }
    return c;
}

std::string to_string(const Candidate& c) {
    std::string out = "candidate:";
    auto add = [&out](std::string_view part) { out.append(part.data(), part.size()); };
    add(c.foundation);
    out += ' ' + std::to_string(c.component) + ' ';
    add(c.transport);
    out += ' ' + std::to_string(c.priority) + ' ';
    add(c.address);
    out += ' ' + std::to_string(c.port) + " typ " + to_string(c.type);
    if (c.related_address) {
        out += " raddr ";
        add(*c.related_address);
    }
    if (c.related_port) out += " rport " + std::to_string(*c.related_port);
    if (c.tcp_type) out += std::string(" tcptype ") + to_string(*c.tcp_type);
    for (const auto& extension : c.extensions) {
        out += ' ';
        add(extension.first);
        out += ' ';
        add(extension.second);
    }
    return out;
}

}  // namespace peerline::sdp
