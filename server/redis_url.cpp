#include "redis_url.hpp"

#include <charconv>

namespace peerline::server {
namespace {

bool parse_number(std::string_view text, unsigned long max, unsigned long& out) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return !text.empty() && ec == std::errc{} && end == text.data() + text.size() && out <= max;
}

}  // namespace

std::string RedisAddress::display() const {
    const bool v6 = host.find(':') != std::string::npos;
    return "redis://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + "/" + std::to_string(db);
}

std::optional<RedisAddress> parse_redis_url(std::string_view url, std::string& error) {
    constexpr std::string_view scheme = "redis://";
    if (url.substr(0, scheme.size()) != scheme) {
        error = "must start with redis:// (rediss:// is not supported)";
        return std::nullopt;
    }
    std::string_view rest = url.substr(scheme.size());
    RedisAddress out;
    if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
        const std::string_view credentials = rest.substr(0, at);
        rest = rest.substr(at + 1);
        const auto colon = credentials.find(':');
        if (colon == std::string_view::npos) {
            error = "credentials must be [user]:password";
            return std::nullopt;
        }
        out.user = std::string(credentials.substr(0, colon));
        out.password = std::string(credentials.substr(colon + 1));
    }
    std::string_view authority = rest;
    if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
        authority = rest.substr(0, slash);
        unsigned long db = 0;
        const auto digits = rest.substr(slash + 1);
        if (!digits.empty() && !parse_number(digits, 1'000'000, db)) {
            error = "database must be a number";
            return std::nullopt;
        }
        out.db = static_cast<unsigned>(db);
    }
    std::string_view port_text;
    bool has_port = false;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) {
            error = "unclosed [ in host";
            return std::nullopt;
        }
        out.host = std::string(authority.substr(1, close - 1));
        const auto after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') {
                error = "expected :port after ]";
                return std::nullopt;
            }
            port_text = after.substr(1);
            has_port = true;
        }
    } else if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
        out.host = std::string(authority.substr(0, colon));
        port_text = authority.substr(colon + 1);
        has_port = true;
    } else {
        out.host = std::string(authority);
    }
    if (out.host.empty()) {
        error = "no host";
        return std::nullopt;
    }
    if (has_port) {
        unsigned long port = 0;
        if (!parse_number(port_text, 65535, port) || port == 0) {
            error = "port must be 1-65535";
            return std::nullopt;
        }
        out.port = static_cast<std::uint16_t>(port);
    }
    return out;
}

}  // namespace peerline::server
