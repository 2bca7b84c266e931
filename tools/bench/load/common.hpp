// Shared pieces of peerline-load: Beast aliases, clocks, /proc readings, source addresses,
// option parsing, and the few string scans the clients do on server frames.
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace peerline::load {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using WebSocket = websocket::stream<tcp::socket>;

inline std::uint64_t now_ns() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                          std::chrono::steady_clock::now().time_since_epoch())
                                          .count());
}

// utime + stime of a process, in seconds (/proc/PID/stat fields 14 and 15). -1 if unreadable.
double process_cpu_seconds(long pid);

// `base` advanced by `group` usable host addresses: last octets 0 and 255 are skipped so every
// group gets an address that looks ordinary. All of 127/8 is loopback on Linux.
net::ip::address_v4 source_address(net::ip::address_v4 base, std::size_t group);

// The server connection every client makes: bound to `source` (port chosen by the kernel), so
// clients can spread over many loopback addresses and each address has its own 28k ports.
void open_bound(tcp::socket& socket, const net::ip::address_v4& source, beast::error_code& ec);
inline void open_bound(WebSocket& ws, const net::ip::address_v4& source, beast::error_code& ec) {
    open_bound(ws.next_layer(), source, ec);
}

// Handshake options shared by all clients: an Origin the server will see as same-origin,
// no keep-alive pings of our own, a fixed handshake timeout.
void configure_client(WebSocket& ws, const std::string& host_port);

// The connection's own id in a `welcome`: the first "id" field. Both servers put it before
// the roster (Peerline's JSON has sorted keys: iceServers, id, peers; the Node relay writes id
// first). Empty if absent.
std::string_view welcome_id(std::string_view frame);

// How many peers a `welcome` lists: the number of "id" fields after the first.
std::size_t welcome_peer_count(std::string_view frame);

inline bool is_type(std::string_view frame, std::string_view type_field) {
    return frame.find(type_field) != std::string_view::npos;
}

// --key value / --key=value options; flags without a value get "1".
class Args {
public:
    Args(int argc, char** argv, int first);
    bool has(const std::string& key) const { return values_.count(key) != 0; }
    std::string str(const std::string& key, const std::string& fallback) const;
    double num(const std::string& key, double fallback) const;
    std::vector<std::string> unknown(const std::vector<std::string>& known) const;

private:
    std::map<std::string, std::string> values_;
};

}  // namespace peerline::load
