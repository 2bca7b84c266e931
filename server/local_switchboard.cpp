#include "local_switchboard.hpp"

#include <algorithm>
#include <map>

namespace peerline::server {
namespace {

// The two kinds of room share one index; the prefixes keep their keys apart.
std::string network_room(const Rooms& rooms) { return rooms.network.empty() ? "" : "n:" + rooms.network; }
std::string invite_room(const Rooms& rooms) { return rooms.invite.empty() ? "" : "i:" + rooms.invite; }

}  // namespace

LocalSwitchboard::Members LocalSwitchboard::members_sharing(const Rooms& rooms) const {
    static const Members none;
    auto find = [&](const std::string& key) -> const Members& {
        if (key.empty()) return none;
        auto it = rooms_.find(key);
        return it == rooms_.end() ? none : it->second;
    };
    const Members& network = find(network_room(rooms));
    const Members& invite = find(invite_room(rooms));
    // Merge the two join-ordered lists; someone in both rooms appears once.
    Members out;
    out.reserve(network.size() + invite.size());
    std::merge(network.begin(), network.end(), invite.begin(), invite.end(), std::back_inserter(out),
               [](const Peer* a, const Peer* b) { return a->second.joined < b->second.joined; });
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::vector<protocol::PeerInfo> LocalSwitchboard::roster(const Rooms& viewer,
                                                         const std::string& viewer_id) const {
    std::vector<protocol::PeerInfo> out;
    std::lock_guard lock(mutex_);
    const Members members = members_sharing(viewer);
    out.reserve(members.size());
    for (const Peer* peer : members) {
        if (peer->first == viewer_id) continue;
        protocol::PeerInfo info = peer->second.member.peer;
        info.via = peer->second.member.rooms.shared_with(viewer);
        out.push_back(std::move(info));
    }
    return out;
}

void LocalSwitchboard::attach(const Member& member, std::weak_ptr<Connection> connection) {
    std::lock_guard lock(mutex_);
    if (auto old = peers_.find(member.peer.id); old != peers_.end()) {
        unindex(*old);
        peers_.erase(old);
    }
    const auto [it, inserted] =
        peers_.emplace(member.peer.id, Entry{member, std::move(connection), next_join_++});
    // The newest join is the last in join order: appending keeps each room sorted.
    for (const auto& key : {network_room(member.rooms), invite_room(member.rooms)}) {
        if (!key.empty()) rooms_[key].push_back(&*it);
    }
}

void LocalSwitchboard::unindex(const Peer& peer) {
    for (const auto& key : {network_room(peer.second.member.rooms), invite_room(peer.second.member.rooms)}) {
        if (key.empty()) continue;
        auto room = rooms_.find(key);
        if (room == rooms_.end()) continue;
        auto& members = room->second;
        members.erase(std::remove(members.begin(), members.end(), &peer), members.end());
        if (members.empty()) rooms_.erase(room);
    }
}

void LocalSwitchboard::rename(const std::string& id, const std::string& name) {
    std::lock_guard lock(mutex_);
    if (auto it = peers_.find(id); it != peers_.end()) it->second.member.peer.name = name;
}

void LocalSwitchboard::detach(const std::string& id) {
    std::lock_guard lock(mutex_);
    auto it = peers_.find(id);
    if (it == peers_.end()) return;
    unindex(*it);
    peers_.erase(it);
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
    PresenceTargets targets;
    {
        std::lock_guard lock(mutex_);
        for (const Peer* peer : members_sharing(subject.rooms)) {
            if (peer->first == subject.peer.id) continue;
            if (auto connection = peer->second.connection.lock()) {
                targets.emplace_back(std::move(connection), subject.rooms.shared_with(peer->second.member.rooms));
            }
        }
    }
    send_presence(subject, change, targets);
}

std::size_t LocalSwitchboard::room_count() const {
    std::lock_guard lock(mutex_);
    return rooms_.size();
}

}  // namespace peerline::server
