// What one peerline-soak run does: how many peers, how fast they talk and churn, how long,
// and what it samples. main.cpp fills it from the command line.
#pragma once

#include <string>
#include <vector>

#include "common.hpp"

namespace peerline::soak {

namespace net = load::net;

struct SoakConfig {
    std::string host = "127.0.0.1";
    unsigned short port = 8080;
    int peers = 1000;               // even: peers talk in fixed pairs
    int per_source = 8;             // peers per 127.x source address: one network room each
    net::ip::address_v4 source_base = net::ip::make_address_v4("127.40.0.1");
    int threads = 2;
    double duration_s = 60;         // traffic, churn and sampling, after everyone is welcomed
    double interval_s = 60;         // one sample row per interval
    double warmup_s = 300;          // rows ending before this are left out of the drift
    double signal_rate = 1000;      // signals/s over all peers
    double binary_rate = 50;        // voice-message binary frames/s over all peers
    int binary_bytes = 16 * 1024;   // payload bytes of each binary frame
    int signal_bytes = 120;         // bytes of the fake candidate in each signal
    double churn_per_minute = 0.1;  // fraction of the peers that reconnect (with resume) per minute
    double provoke_rate = 1;        // errors/s provoked on purpose (unknown peer, bad JSON)
    long server_pid = 0;            // > 0: sample its RSS, open fds and CPU
    double max_drift_pct = 5;       // the verdict's bound on each checked drift
    std::vector<std::string> drift_checked = {"rss", "fds"};  // of rss, fds, cpu, p99, cpu_rel, p99_rel
    double reference_rate = 1000;   // messages/s through the reference relay (0: none)
    int connect_concurrency = 200;  // handshakes in progress at once, per thread
    double connect_timeout_s = 180;

    std::string host_port() const { return host + ":" + std::to_string(port); }
};

}  // namespace peerline::soak
