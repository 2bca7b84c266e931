#include "client_address.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace peerline::server {
namespace {

// v4-mapped IPv6 (::ffff:a.b.c.d, from a dual-stack socket) is the IPv4 address it carries.
net::ip::address unmapped(const net::ip::address& address) {
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        return net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
    }
    return address;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::optional<net::ip::address> parse_address(std::string_view text) {
    text = trim(text);
    if (text.size() > 2 && text.front() == '[') {  // "[v6]:port" or "[v6]"
        text = text.substr(1, text.find(']') - 1);
    } else if (std::count(text.begin(), text.end(), ':') == 1) {  // "v4:port"
        text = text.substr(0, text.find(':'));
    }
    boost::system::error_code ec;
    auto address = net::ip::make_address(std::string(text), ec);
    if (ec) return std::nullopt;
    return unmapped(address);
}

}  // namespace

std::optional<Cidr> Cidr::parse(std::string_view text) {
    const auto slash = text.find('/');
    boost::system::error_code ec;
    auto address = net::ip::make_address(std::string(text.substr(0, slash)), ec);
    if (ec) return std::nullopt;
    Cidr cidr;
    cidr.network_ = unmapped(address);
    const unsigned max = cidr.network_.is_v4() ? 32 : 128;
    cidr.prefix_ = max;
    if (slash != std::string_view::npos) {
        const auto digits = text.substr(slash + 1);
        auto [end, err] = std::from_chars(digits.data(), digits.data() + digits.size(), cidr.prefix_);
        if (err != std::errc{} || end != digits.data() + digits.size() || digits.empty() || cidr.prefix_ > max) {
            return std::nullopt;
        }
    }
    return cidr;
}

bool Cidr::contains(const net::ip::address& raw) const {
    const auto address = unmapped(raw);
    if (address.is_v4() != network_.is_v4()) return false;
    auto bytes_of = [](const net::ip::address& a) {
        std::array<unsigned char, 16> out{};
        if (a.is_v4()) {
            auto b = a.to_v4().to_bytes();
            std::copy(b.begin(), b.end(), out.begin());
        } else {
            out = a.to_v6().to_bytes();
        }
        return out;
    };
    const auto a = bytes_of(address);
    const auto n = bytes_of(network_);
    for (unsigned bit = 0; bit < prefix_; ++bit) {
        const unsigned mask = 0x80u >> (bit % 8);
        if ((a[bit / 8] & mask) != (n[bit / 8] & mask)) return false;
    }
    return true;
}

std::string network_key(const net::ip::address& raw) {
    const auto address = unmapped(raw);
    if (address.is_v4()) return "v4:" + address.to_string();
    auto bytes = address.to_v6().to_bytes();
    std::fill(bytes.begin() + 8, bytes.end(), 0);  // the /64: one home or office LAN
    return "v6:" + net::ip::make_address_v6(bytes).to_string() + "/64";
}

ClientAddress client_address(const net::ip::address& peer, std::string_view x_forwarded_for,
                             const std::vector<Cidr>& trusted_proxies) {
    auto trusted = [&](const net::ip::address& a) {
        for (const auto& cidr : trusted_proxies) {
            if (cidr.contains(a)) return true;
        }
        return false;
    };
    net::ip::address client = unmapped(peer);
    if (trusted(client) && !x_forwarded_for.empty()) {
        // Walk right to left: the last hop we trust told us who connected to it.
        std::string_view rest = x_forwarded_for;
        while (!rest.empty()) {
            const auto comma = rest.rfind(',');
            const auto item = comma == std::string_view::npos ? rest : rest.substr(comma + 1);
            rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(0, comma);
            auto address = parse_address(item);
            if (!address) break;
            client = *address;
            if (!trusted(client)) break;
        }
    }
    return ClientAddress{client.to_string(), network_key(client)};
}

}  // namespace peerline::server
