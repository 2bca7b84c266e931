#include "metrics.hpp"

#include <sstream>

namespace peerline::server {
namespace {

void metric(std::ostringstream& out, const char* name, const char* type, const char* help,
            std::uint64_t value) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n'
        << name << ' ' << value << '\n';
}

}  // namespace

void Metrics::rejected(std::string_view reason) {
    std::lock_guard lock(mutex_);
    auto it = rejections_.find(reason);
    if (it == rejections_.end()) it = rejections_.emplace(std::string(reason), 0).first;
    ++it->second;
}

std::string Metrics::render(const Gauges& g) const {
    std::ostringstream out;
    metric(out, "peerline_connections", "gauge", "Open WebSocket connections.", g.connections);
    metric(out, "peerline_peers", "gauge", "Connections that said hello.", g.peers);
    metric(out, "peerline_rooms", "gauge", "Rooms (network and invite) with someone in them.", g.rooms);
    metric(out, "peerline_connections_total", "counter", "WebSocket connections accepted.",
           connections_total);
    metric(out, "peerline_messages_in_total", "counter", "WebSocket messages received.", messages_in);
    metric(out, "peerline_messages_out_total", "counter", "WebSocket messages sent.", messages_out);
    metric(out, "peerline_bytes_in_total", "counter", "WebSocket payload bytes received.", bytes_in);
    metric(out, "peerline_bytes_out_total", "counter", "WebSocket payload bytes sent.", bytes_out);
    metric(out, "peerline_http_requests_total", "counter", "HTTP requests read.", http_requests);
    out << "# HELP peerline_rejections_total Rejected messages and connections, by reason.\n"
           "# TYPE peerline_rejections_total counter\n";
    std::lock_guard lock(mutex_);
    for (const auto& [reason, count] : rejections_) {
        out << "peerline_rejections_total{reason=\"" << reason << "\"} " << count << '\n';
    }
    return out.str();
}

}  // namespace peerline::server
