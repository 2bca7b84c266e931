#include "http_routes.hpp"

namespace peerline::server {

bool is_loopback_client(const net::ip::address& peer, std::string_view x_forwarded_for,
                        const std::vector<Cidr>& trusted_proxies) {
    const ClientAddress client = client_address(peer, x_forwarded_for, trusted_proxies);
    boost::system::error_code ec;
    auto address = net::ip::make_address(client.ip, ec);
    if (ec) return false;
    // A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d.
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        address = net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
    }
    return address.is_loopback();
}

}  // namespace peerline::server
