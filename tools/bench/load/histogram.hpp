// Log-linear latency histogram (HDR-style): exact below 128 ns, then 64 sub-buckets per power
// of two (< 1.6 % relative error). Fixed size, no allocation when recording; one per thread,
// merged at the end.
#pragma once

#include <array>
#include <cstdint>

namespace peerline::load {

class Histogram {
public:
    void record(std::uint64_t value) {
        ++counts_[index_of(value)];
        ++count_;
        if (value > max_) max_ = value;
    }

    void merge(const Histogram& other) {
        for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
        count_ += other.count_;
        if (other.max_ > max_) max_ = other.max_;
    }

    std::uint64_t count() const { return count_; }
    std::uint64_t max() const { return max_; }

    // The value at quantile q (0..1): the middle of the bucket holding it, never above max().
    std::uint64_t quantile(double q) const {
        if (count_ == 0) return 0;
        auto rank = static_cast<std::uint64_t>(q * static_cast<double>(count_ - 1)) + 1;
        std::uint64_t seen = 0;
        for (std::size_t i = 0; i < counts_.size(); ++i) {
            seen += counts_[i];
            if (seen >= rank) {
                const std::uint64_t mid = middle_of(i);
                return mid < max_ ? mid : max_;
            }
        }
        return max_;
    }

private:
    static constexpr int kLinear = 128;  // values below are their own bucket
    static constexpr int kSub = 64;      // buckets per power of two above

    static std::size_t index_of(std::uint64_t v) {
        if (v < kLinear) return static_cast<std::size_t>(v);
        const int msb = 63 - __builtin_clzll(v);
        const int shift = msb - 6;  // >= 1; (v >> shift) is in [64, 128)
        return kLinear + static_cast<std::size_t>(shift - 1) * kSub + ((v >> shift) - kSub);
    }

    static std::uint64_t middle_of(std::size_t i) {
        if (i < kLinear) return i;
        const std::size_t k = i - kLinear;
        const int shift = static_cast<int>(k / kSub) + 1;
        const std::uint64_t top = k % kSub + kSub;
        return (top << shift) + ((std::uint64_t{1} << shift) >> 1);
    }

    std::array<std::uint64_t, kLinear + 57 * kSub> counts_{};
    std::uint64_t count_ = 0;
    std::uint64_t max_ = 0;
};

}  // namespace peerline::load
