// What the server prints on start (stdout): the local URL first (scripts parse that line),
// then the LAN URLs found with getifaddrs, then a QR code of the first LAN URL for phones.
#pragma once

#include <string>
#include <vector>

#include "net.hpp"

namespace peerline::server {

// Non-loopback addresses of interfaces that are up (IPv4 first), for URLs and certificates.
std::vector<net::ip::address> lan_addresses();

std::string url_for(bool tls, const net::ip::address& address, unsigned short port);

// The QR code of `text` drawn with Unicode half blocks, two modules per character row, light
// modules drawn as blocks (reads on the usual dark terminal), with a quiet zone.
std::string qr_text(const std::string& text);

}  // namespace peerline::server
