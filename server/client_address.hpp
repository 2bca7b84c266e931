// Where a client connects from, as far as rooms and per-address limits are concerned
// (DESIGN.md "Rooms"): the socket's peer address, or the X-Forwarded-For address when the socket
// peer is a trusted proxy. Its network key groups addresses behind one router: IPv4 /32,
// IPv6 /64. Neither ever leaves the server.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net.hpp"

namespace peerline::server {

class Cidr {
public:
    // "10.0.0.0/8", "::1/128", "127.0.0.1" (a single address). Nothing if malformed.
    static std::optional<Cidr> parse(std::string_view text);
    bool contains(const net::ip::address& address) const;

private:
    net::ip::address network_;
    unsigned prefix_ = 0;
};

struct ClientAddress {
    std::string ip;           // for per-address limits and logs
    std::string network_key;  // the network room
};

// `x_forwarded_for` is the raw header (may be empty). The rightmost entry not itself a trusted
// proxy is the client (each proxy appends what it saw); malformed entries end the walk.
ClientAddress client_address(const net::ip::address& peer, std::string_view x_forwarded_for,
                             const std::vector<Cidr>& trusted_proxies);

std::string network_key(const net::ip::address& address);

}  // namespace peerline::server
