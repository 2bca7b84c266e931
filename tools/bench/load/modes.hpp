// The two things peerline-load does. Each prints human lines on stderr and one
// machine-readable `RESULT key=value ...` line on stdout (run.sh parses it).
#pragma once

#include <string>
#include <vector>

#include "common.hpp"

namespace peerline::load {

struct Target {
    std::string host = "127.0.0.1";
    unsigned short port = 8080;
    std::string host_port() const { return host + ":" + std::to_string(port); }
};

struct RelayConfig {
    Target target;
    int clients = 1000;             // even: clients form pairs
    double rate = 0;                // total msg/s over all senders; 0 = unpaced (closed loop)
    double warmup_s = 1;
    double duration_s = 5;
    int threads = 1;
    int window = 8;                 // unpaced: messages in flight per sender
    int max_in_flight = 64;         // paced: a sender this far behind skips its turn
    int pairs_per_source = 1;       // pairs sharing one 127.x source address (one network room)
    net::ip::address_v4 source_base = net::ip::make_address_v4("127.1.0.1");
    int payload_bytes = 120;        // size of the fake ICE candidate string in `data`
    std::vector<long> server_pids;  // report their CPU time (summed) over the measured window
    int connect_concurrency = 200;  // handshakes in progress at once, per thread
    unsigned short port2 = 0;       // > 0: the second client of every pair connects here (a
                                    // second instance), so every message crosses instances
    bool one_frame_per_write = false;  // each frame its own send(2), as browsers send
    bool peerjs = false;            // speak the PeerJS server's protocol (npm `peer`) instead
};

struct IdleConfig {
    Target target;
    int connections = 1000;
    int per_source = 100;           // connections per 127.x source address
    net::ip::address_v4 source_base = net::ip::make_address_v4("127.2.0.1");
    double hold_s = 10;
    bool hello = true;
    int connect_concurrency = 256;
    double connect_timeout_s = 120;
};

int run_relay(const RelayConfig& config);
int run_idle(const IdleConfig& config);

}  // namespace peerline::load
