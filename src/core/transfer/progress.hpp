// Rate and ETA of one transfer, advanced only by the progress timer's ticks (the core has no
// clock). The rate is an exponentially weighted moving average over ticks so that one slow
// tick (a GC pause, a busy main thread) does not make the ETA jump.
#pragma once

#include <cstdint>

namespace peerline::transfer {

class Progress {
public:
    // `done` bytes of `total` so far, `elapsed_ms` since the previous tick (or the start).
    void tick(std::uint64_t done, std::uint64_t total, int elapsed_ms);

    double bytes_per_second() const { return rate_; }
    int eta_seconds() const { return eta_; }  // -1: unknown

private:
    static constexpr double kWeight = 0.3;  // of the newest tick: ~2 s memory at 500 ms ticks
    std::uint64_t last_done_ = 0;
    bool has_rate_ = false;
    double rate_ = 0;
    int eta_ = -1;
};

}  // namespace peerline::transfer
