// A session's outgoing frames, oldest first. Not std::deque: libstdc++'s deque allocates a
// 512-byte block (plus its map) as soon as it is constructed, ~0.6 KB per idle connection; this
// queue holds nothing until something is queued and gives its memory back once drained.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace peerline::server {

template <typename T>
class FrameQueue {
public:
    bool empty() const { return head_ == items_.size(); }
    std::size_t size() const { return items_.size() - head_; }
    T& front() { return items_[head_]; }

    void push_back(T item) { items_.push_back(std::move(item)); }

    void pop_front() {
        items_[head_++] = T{};  // release the frame now, not at the next compaction
        if (head_ == items_.size()) {
            items_.clear();
            head_ = 0;
            if (items_.capacity() > kKeptCapacity) items_.shrink_to_fit();  // after a burst
        } else if (head_ >= kKeptCapacity && head_ * 2 >= items_.size()) {
            // A reader that never quite catches up: drop the written prefix, amortized O(1).
            items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
            head_ = 0;
        }
    }

private:
    static constexpr std::size_t kKeptCapacity = 16;
    std::vector<T> items_;
    std::size_t head_ = 0;  // items_[head_] is the oldest frame still queued
};

}  // namespace peerline::server
