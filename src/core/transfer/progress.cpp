#include "transfer/progress.hpp"

#include <cmath>

namespace peerline::transfer {

void Progress::tick(std::uint64_t done, std::uint64_t total, int elapsed_ms) {
    if (elapsed_ms <= 0) return;
    const std::uint64_t delta = done >= last_done_ ? done - last_done_ : 0;
    last_done_ = done;
    const double instant = static_cast<double>(delta) * 1000.0 / elapsed_ms;
    rate_ = has_rate_ ? kWeight * instant + (1 - kWeight) * rate_ : instant;
    has_rate_ = true;
    const std::uint64_t remaining = total > done ? total - done : 0;
    if (remaining == 0) {
        eta_ = 0;
    } else if (rate_ < 1.0) {
        eta_ = -1;  // stalled: no honest estimate
    } else {
        const double seconds = std::ceil(static_cast<double>(remaining) / rate_);
        eta_ = seconds > 359999 ? -1 : static_cast<int>(seconds);  // > 100 h says nothing
    }
}

}  // namespace peerline::transfer
