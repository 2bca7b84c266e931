#include "common.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace peerline::load {

double process_cpu_seconds(long pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(in, line)) return -1;
    // Field 2 (comm) may hold spaces and parentheses: count fields from the last ')'.
    const auto close = line.rfind(')');
    if (close == std::string::npos) return -1;
    std::istringstream rest(line.substr(close + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    for (int n = 3; rest >> field; ++n) {
        if (n == 14) utime = std::strtoull(field.c_str(), nullptr, 10);
        if (n == 15) {
            stime = std::strtoull(field.c_str(), nullptr, 10);
            break;
        }
    }
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

net::ip::address_v4 source_address(net::ip::address_v4 base, std::size_t group) {
    std::uint32_t a = base.to_uint();
    for (std::size_t i = 0; i < group; ++i) {
        ++a;
        while ((a & 0xff) == 0 || (a & 0xff) == 0xff) ++a;
    }
    return net::ip::address_v4(a);
}

void open_bound(tcp::socket& socket, const net::ip::address_v4& source, beast::error_code& ec) {
    socket.open(tcp::v4(), ec);
    if (ec) return;
    // A port of an earlier run may still be in TIME_WAIT towards another server port.
    socket.set_option(net::socket_base::reuse_address(true), ec);
    if (ec) return;
    socket.bind(tcp::endpoint(source, 0), ec);
}

void configure_client(WebSocket& ws, const std::string& host_port) {
    websocket::stream_base::timeout timeout{};
    timeout.handshake_timeout = std::chrono::seconds(30);
    timeout.idle_timeout = websocket::stream_base::none();
    timeout.keep_alive_pings = false;
    ws.set_option(timeout);
    const std::string origin = "http://" + host_port;
    ws.set_option(websocket::stream_base::decorator([origin](websocket::request_type& request) {
        request.set(beast::http::field::origin, origin);
        request.set(beast::http::field::user_agent, "peerline-load");
    }));
    ws.auto_fragment(false);
}

std::string_view welcome_id(std::string_view frame) {
    constexpr std::string_view key = "\"id\":\"";
    const auto at = frame.find(key);
    if (at == std::string_view::npos) return {};
    const auto begin = at + key.size();
    const auto end = frame.find('"', begin);
    if (end == std::string_view::npos) return {};
    return frame.substr(begin, end - begin);
}

std::size_t welcome_peer_count(std::string_view frame) {
    std::size_t n = 0;
    for (auto at = frame.find("\"id\":"); at != std::string_view::npos;
         at = frame.find("\"id\":", at + 1)) {
        ++n;
    }
    return n == 0 ? 0 : n - 1;
}

Args::Args(int argc, char** argv, int first) {
    for (int i = first; i < argc; ++i) {
        std::string key = argv[i];
        if (key.rfind("--", 0) != 0) {
            values_["?" + key] = "";
            continue;
        }
        key = key.substr(2);
        if (auto eq = key.find('='); eq != std::string::npos) {
            values_[key.substr(0, eq)] = key.substr(eq + 1);
        } else if (i + 1 < argc && std::string_view(argv[i + 1]).rfind("--", 0) != 0) {
            values_[key] = argv[++i];
        } else {
            values_[key] = "1";
        }
    }
}

std::string Args::str(const std::string& key, const std::string& fallback) const {
    auto it = values_.find(key);
    return it == values_.end() ? fallback : it->second;
}

double Args::num(const std::string& key, double fallback) const {
    auto it = values_.find(key);
    if (it == values_.end()) return fallback;
    char* end = nullptr;
    const double v = std::strtod(it->second.c_str(), &end);
    if (end == it->second.c_str() || *end != '\0') {
        std::fprintf(stderr, "peerline-load: --%s: not a number: '%s'\n", key.c_str(),
                     it->second.c_str());
        std::exit(2);
    }
    return v;
}

std::vector<std::string> Args::unknown(const std::vector<std::string>& known) const {
    std::vector<std::string> out;
    for (const auto& [key, value] : values_) {
        bool ok = false;
        for (const auto& k : known) ok = ok || k == key;
        if (!ok) out.push_back(key[0] == '?' ? key.substr(1) : "--" + key);
    }
    return out;
}

}  // namespace peerline::load
