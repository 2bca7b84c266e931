#include "local_switchboard.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace peerline::server {

std::vector<protocol::PeerInfo> LocalSwitchboard::roster(const Rooms& viewer,
                                                         const std::string& viewer_id) const {
    std::vector<std::pair<std::uint64_t, protocol::PeerInfo>> found;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [id, entry] : peers_) {
            if (id == viewer_id) continue;
            auto via = entry.member.rooms.shared_with(viewer);
            if (via.empty()) continue;
            protocol::PeerInfo peer = entry.member.peer;
            peer.via = std::move(via);
            found.emplace_back(entry.joined, std::move(peer));
        }
    }
    std::sort(found.begin(), found.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<protocol::PeerInfo> out;
    out.reserve(found.size());
    for (auto& [order, peer] : found) out.push_back(std::move(peer));
    return out;
}

void LocalSwitchboard::attach(const Member& member, std::weak_ptr<Connection> connection) {
    std::lock_guard lock(mutex_);
    peers_[member.peer.id] = Entry{member, std::move(connection), next_join_++};
}

void LocalSwitchboard::rename(const std::string& id, const std::string& name) {
    std::lock_guard lock(mutex_);
    if (auto it = peers_.find(id); it != peers_.end()) it->second.member.peer.name = name;
}

void LocalSwitchboard::detach(const std::string& id) {
    std::lock_guard lock(mutex_);
    peers_.erase(id);
}

bool LocalSwitchboard::deliver(const Rooms& sender, const std::string& to, const Frame& frame,
                               bool binary) {
    std::shared_ptr<Connection> target;
    {
        std::lock_guard lock(mutex_);
        auto it = peers_.find(to);
        if (it == peers_.end() || !it->second.member.rooms.shares_with(sender)) return false;
        target = it->second.connection.lock();
    }
    if (!target) return false;  // its session is ending; its peer-left is on the way
    if (binary) target->send_binary(frame);
    else target->send(frame);
    return true;
}

void LocalSwitchboard::announce(const Member& subject, Change change) {
    // Collect under the lock, send outside it: send() may end up releasing the last reference
    // to a session, whose destructor comes back here through the hub.
    std::vector<std::pair<std::shared_ptr<Connection>, std::vector<std::string>>> targets;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [id, entry] : peers_) {
            if (id == subject.peer.id) continue;
            auto via = subject.rooms.shared_with(entry.member.rooms);
            if (via.empty()) continue;
            if (auto connection = entry.connection.lock()) {
                targets.emplace_back(std::move(connection), std::move(via));
            }
        }
    }
    // At most three distinct frames (network, invite, both): serialize each once.
    std::map<std::vector<std::string>, Frame> frames;
    auto frame_for = [&](const std::vector<std::string>& via) -> const Frame& {
        auto& frame = frames[via];
        if (frame) return frame;
        if (change == Change::left) {
            frame = make_frame(protocol::serialize(protocol::PeerLeft{subject.peer.id}));
        } else {
            protocol::PeerInfo peer = subject.peer;
            peer.via = via;
            frame = make_frame(protocol::serialize(
                protocol::ServerMessage{protocol::PeerJoined{std::move(peer), change == Change::updated}}));
        }
        return frame;
    };
    for (const auto& [target, via] : targets) {
        target->send(frame_for(change == Change::left ? std::vector<std::string>{} : via));
    }
}

std::size_t LocalSwitchboard::room_count() const {
    std::set<std::string> rooms;
    std::lock_guard lock(mutex_);
    for (const auto& [id, entry] : peers_) {
        rooms.insert("n:" + entry.member.rooms.network);
        if (!entry.member.rooms.invite.empty()) rooms.insert("i:" + entry.member.rooms.invite);
    }
    return rooms.size();
}

}  // namespace peerline::server
