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

const std::string* Candidate::extension(std::string_view name) const {
    for (const auto& [key, value] : extensions) {
        if (key == name) return &value;
    }
    return nullptr;
}

namespace {

Error candidate_error(std::string message) { return make_error("sdp-bad-candidate", std::move(message)); }

// ice-char = ALPHA / DIGIT / "+" / "/" (RFC 8839 §5.1)
bool is_ice_chars(std::string_view s) {
    for (char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '+' || c == '/';
        if (!ok) return false;
    }
    return true;
}

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

    const auto fields = text::split(input, ' ');
    if (fields.size() < 8) return candidate_error("has fewer than the 8 required fields");
    if (fields.size() % 2 != 0) return candidate_error("has a name without a value after \"typ\"");

    Candidate c;
    if (fields[0].empty() || fields[0].size() > 32 || !is_ice_chars(fields[0]))
        return candidate_error("foundation must be 1-32 characters of [A-Za-z0-9+/]");
    c.foundation = std::string(fields[0]);

    const auto component = text::parse_uint(fields[1], 256);
    if (!component || *component == 0) return candidate_error("component must be a number 1-256");
    c.component = static_cast<std::uint16_t>(*component);

    if (fields[2].empty() || !is_ice_chars(fields[2])) return candidate_error("transport is empty or malformed");
    c.transport = std::string(fields[2]);

    const auto priority = text::parse_uint(fields[3], 0xFFFFFFFFu);
    if (!priority) return candidate_error("priority must be a number 0-4294967295");
    c.priority = static_cast<std::uint32_t>(*priority);

    if (!is_address_chars(fields[4])) return candidate_error("connection address is empty or malformed");
    c.address = std::string(fields[4]);

    const auto port = text::parse_uint(fields[5], 65535);
    if (!port) return candidate_error("port must be a number 0-65535");
    c.port = static_cast<std::uint16_t>(*port);

    if (fields[6] != "typ") return candidate_error("expected \"typ\" after the port");
    const auto type = parse_type(fields[7]);
    if (!type) return candidate_error("type must be host, srflx, prflx or relay");
    c.type = *type;

    for (std::size_t i = 8; i + 1 < fields.size(); i += 2) {
        const std::string_view name = fields[i];
        const std::string_view value = fields[i + 1];
        if (name.empty() || value.empty()) return candidate_error("has an empty extension name or value");
        if (name == "raddr" && !c.related_address) {
            if (!is_address_chars(value)) return candidate_error("raddr is malformed");
            c.related_address = std::string(value);
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
            c.extensions.emplace_back(std::string(name), std::string(value));
        }
    }
    return c;
}

std::string to_string(const Candidate& c) {
    std::string out = "candidate:" + c.foundation + ' ' + std::to_string(c.component) + ' ' + c.transport + ' ' +
                      std::to_string(c.priority) + ' ' + c.address + ' ' + std::to_string(c.port) + " typ " +
                      to_string(c.type);
    if (c.related_address) out += " raddr " + *c.related_address;
    if (c.related_port) out += " rport " + std::to_string(*c.related_port);
    if (c.tcp_type) out += std::string(" tcptype ") + to_string(*c.tcp_type);
    for (const auto& [name, value] : c.extensions) out += ' ' + name + ' ' + value;
    return out;
}

}  // namespace peerline::sdp
