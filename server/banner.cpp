#include "banner.hpp"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <algorithm>

namespace peerline::server {

std::vector<net::ip::address> lan_addresses() {
    std::vector<net::ip::address> out;
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) return out;
    for (ifaddrs* it = list; it; it = it->ifa_next) {
        if (!it->ifa_addr || !(it->ifa_flags & IFF_UP) || (it->ifa_flags & IFF_LOOPBACK)) continue;
        if (it->ifa_addr->sa_family == AF_INET) {
            const auto* sin = reinterpret_cast<const sockaddr_in*>(it->ifa_addr);
            out.push_back(net::ip::address_v4(ntohl(sin->sin_addr.s_addr)));
        } else if (it->ifa_addr->sa_family == AF_INET6) {
            const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(it->ifa_addr);
            net::ip::address_v6::bytes_type bytes;
            std::copy(std::begin(sin6->sin6_addr.s6_addr), std::end(sin6->sin6_addr.s6_addr), bytes.begin());
            net::ip::address_v6 v6(bytes);
            if (!v6.is_link_local()) out.push_back(v6);  // link-local needs a zone: no good in a URL
        }
    }
    freeifaddrs(list);
    std::stable_partition(out.begin(), out.end(), [](const auto& a) { return a.is_v4(); });
    return out;
}

std::string url_for(bool tls, const net::ip::address& address, unsigned short port) {
    const std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
    return std::string(tls ? "https://" : "http://") + host + ":" + std::to_string(port) + "/";
}

}  // namespace peerline::server
