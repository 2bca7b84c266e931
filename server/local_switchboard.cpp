#include "local_switchboard.hpp"

#include <algorithm>

namespace peerline::server {

std::vector<protocol::PeerInfo> LocalSwitchboard::roster() const {
    std::vector<const Entry*> entries;
    std::lock_guard lock(mutex_);
    entries.reserve(peers_.size());
    for (const auto& [id, entry] : peers_) entries.push_back(&entry);
    std::sort(entries.begin(), entries.end(),
              [](const Entry* a, const Entry* b) { return a->joined < b->joined; });
    std::vector<protocol::PeerInfo> out;
    out.reserve(entries.size());
    for (const Entry* entry : entries) out.push_back(entry->peer);
    return out;
}

void LocalSwitchboard::attach(const protocol::PeerInfo& peer,
                              std::weak_ptr<Connection> connection) {
    std::lock_guard lock(mutex_);
    peers_[peer.id] = Entry{peer, std::move(connection), next_join_++};
}

void LocalSwitchboard::detach(const std::string& id) {
    std::lock_guard lock(mutex_);
    peers_.erase(id);
}

bool LocalSwitchboard::deliver(const std::string& id, const Frame& frame) {
    std::shared_ptr<Connection> target;
    {
        std::lock_guard lock(mutex_);
        auto it = peers_.find(id);
        if (it == peers_.end()) return false;
        target = it->second.connection.lock();
    }
    if (!target) return false;  // its session is ending; its peer-left is on the way
    target->send(frame);
    return true;
}

void LocalSwitchboard::publish(const Frame& frame, const std::string& except_id) {
    // Collect under the lock, send outside it: send() may end up releasing the last reference
    // to a session, whose destructor comes back here through the hub.
    std::vector<std::shared_ptr<Connection>> targets;
    {
        std::lock_guard lock(mutex_);
        targets.reserve(peers_.size());
        for (const auto& [id, entry] : peers_) {
            if (id == except_id) continue;
            if (auto connection = entry.connection.lock()) targets.push_back(std::move(connection));
        }
    }
    for (const auto& target : targets) target->send(frame);
}

}  // namespace peerline::server
