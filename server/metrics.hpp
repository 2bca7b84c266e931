// Counters for /metrics in the Prometheus text exposition format (version 0.0.4). Cheap to bump
// from any thread; gauges that the hub knows better are passed in when rendering.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace peerline::server {

struct Gauges {
    std::size_t connections = 0;  // open WebSockets
    std::size_t peers = 0;        // of which said hello
    std::size_t rooms = 0;
};

class Metrics {
public:
    std::atomic<std::uint64_t> connections_total{0};
    std::atomic<std::uint64_t> messages_in{0};
    std::atomic<std::uint64_t> messages_out{0};
    std::atomic<std::uint64_t> bytes_in{0};
    std::atomic<std::uint64_t> bytes_out{0};
    std::atomic<std::uint64_t> http_requests{0};

    void rejected(std::string_view reason);
    std::string render(const Gauges& gauges) const;

private:
    mutable std::mutex mutex_;
    std::map<std::string, std::uint64_t, std::less<>> rejections_;
};

}  // namespace peerline::server
