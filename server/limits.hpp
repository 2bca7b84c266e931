// The limits a connection lives under (docs/protocol.md "Limits"), and the two small meters
// that enforce the rate rules: a token bucket for messages, a sliding count of errors.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol.hpp"

namespace peerline::server {

using Clock = std::chrono::steady_clock;

struct Limits {
    std::size_t max_text_bytes = protocol::kMaxTextFrameBytes;
    std::size_t max_binary_bytes = protocol::kMaxBinaryFrameBytes;
    double rate = 50;          // messages per second, sustained
    double burst = 200;        // messages at once (bucket size)
    std::size_t max_per_address = 64;
    std::size_t send_queue_bytes = 4 * 1024 * 1024;
    std::size_t send_queue_frames = 1024;
    std::chrono::milliseconds handshake_timeout{10'000};  // TCP accept -> `hello`
    std::chrono::milliseconds ping_interval{20'000};
    std::chrono::milliseconds ping_timeout{20'000};
    std::size_t abuse_errors = 30;                       // this many errors ...
    std::chrono::milliseconds abuse_window{10'000};      // ... within this window -> 1008

    // What `welcome.limits` tells the client.
    nlohmann::json to_json() const {
        return nlohmann::json{{"maxTextBytes", max_text_bytes},
                              {"maxBinaryBytes", max_binary_bytes},
                              {"maxNameBytes", protocol::kMaxNameBytes},
                              {"messagesPerSecond", rate},
                              {"burst", burst},
                              {"pingIntervalMs", ping_interval.count()},
                              {"pingTimeoutMs", ping_timeout.count()}};
    }
};

// Classic token bucket: `burst` tokens, refilled at `rate` per second; a message takes one.
class TokenBucket {
public:
    TokenBucket(double rate, double burst, Clock::time_point now)
        : rate_(rate), burst_(burst), tokens_(burst), last_(now) {}

    bool take(Clock::time_point now) {
        const std::chrono::duration<double> elapsed = now - last_;
        last_ = now;
        tokens_ = std::min(burst_, tokens_ + elapsed.count() * rate_);
        if (tokens_ < 1) return false;
        tokens_ -= 1;
        return true;
    }

private:
    double rate_;
    double burst_;
    double tokens_;
    Clock::time_point last_;
};

// Counts errors in a sliding window; `add` says when the count reached the limit. A vector, not
// a deque: most connections never err, and an empty vector costs no allocation (libstdc++'s
// deque allocates ~0.6 KB up front); it never holds more than `limit` entries.
class StrikeCounter {
public:
    StrikeCounter(std::size_t limit, Clock::duration window) : limit_(limit), window_(window) {}

    bool add(Clock::time_point now) {
        strikes_.push_back(now);
        auto expired = strikes_.begin();
        while (expired != strikes_.end() &&
               (now - *expired > window_ || static_cast<std::size_t>(strikes_.end() - expired) > limit_)) {
            ++expired;
        }
        strikes_.erase(strikes_.begin(), expired);
        return limit_ > 0 && strikes_.size() >= limit_;
    }

private:
    std::size_t limit_;
    Clock::duration window_;
    std::vector<Clock::time_point> strikes_;
};

}  // namespace peerline::server
