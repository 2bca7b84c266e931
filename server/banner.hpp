// What the server prints on start (stdout): the local URL first (scripts parse that line),
// then the LAN URLs found with getifaddrs; main.cpp adds a QR code of the first LAN URL
// (qr_code.hpp) for phones.
#pragma once

#include <string>
#include <vector>

#include "net.hpp"

namespace peerline::server {

// Non-loopback addresses of interfaces that are up (IPv4 first), for URLs and certificates.
std::vector<net::ip::address> lan_addresses();

std::string url_for(bool tls, const net::ip::address& address, unsigned short port);

}  // namespace peerline::server
