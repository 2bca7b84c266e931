// The soak's same-minute baseline: a reference relay with no history, timed beside the server.
//
// Whether a server "stays flat" for 30 minutes cannot be read from its own p99 and CPU per
// message alone on a shared machine: when the machine slows down (other tenants, frequency), they
// move too, and a quiet run showed p50, p99 and CPU rising together in scattered minutes. So the
// soak also runs a minimal relay in a child process forked at start: it reads each small message
// from one loopback TCP socket and writes it to another, the shape of the server's work with none
// of its state. Its latency and CPU per message, taken in the same interval, move with the
// machine and not with the server's age; the drift of the server's figures divided by them is
// what the soak checks (`p99_rel`, `cpu_rel`).
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>

#include "histogram.hpp"

namespace peerline::soak {

struct ReferenceReading {
    double p50_us = 0, p99_us = 0;
    double cpu_us_per_msg = -1;  // the relay process's CPU over the interval, per message
    std::uint64_t messages = 0;
};

class ReferenceRelay {
public:
    // Forks the relay process and connects to it; call before any other thread starts
    // (fork copies only the calling thread). rate: messages/s, > 0.
    explicit ReferenceRelay(double rate);
    ~ReferenceRelay();
    ReferenceRelay(const ReferenceRelay&) = delete;
    ReferenceRelay& operator=(const ReferenceRelay&) = delete;

    bool ok() const { return child_ > 0 && in_ >= 0 && out_ >= 0; }
    void start();                 // the sending and receiving threads
    ReferenceReading take();      // the interval since the last take(), then starts a new one

private:
    void send_loop();
    void receive_loop();

    double rate_;
    long child_ = -1;
    int in_ = -1, out_ = -1;      // we write to in_, the relay writes what it read to out_
    std::atomic<bool> stop_{false};
    std::thread sender_, receiver_;
    std::mutex mutex_;
    load::Histogram latency_;
    std::uint64_t messages_ = 0;
    double cpu_before_s_ = -1;
};

}  // namespace peerline::soak
