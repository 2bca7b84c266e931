// `--redis redis://[[user]:password@]host[:port][/db]`: where the switchboard's Redis is.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace peerline::server {

struct RedisAddress {
    std::string host;  // name or IP (an IPv6 literal without its brackets)
    std::uint16_t port = 6379;
    std::string user;      // Redis 6 ACL user; empty: AUTH with the password alone
    std::string password;  // empty: no AUTH
    unsigned db = 0;

    std::string display() const;  // for logs: never the password
};

// Nothing, with `error` set, if `url` is not of that shape.
std::optional<RedisAddress> parse_redis_url(std::string_view url, std::string& error);

}  // namespace peerline::server
