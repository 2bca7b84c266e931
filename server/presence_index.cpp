#include "presence_index.hpp"

#include <algorithm>
#include <set>

namespace peerline::server {

const Placed* PresenceIndex::find(const std::string& id) const {
    auto it = peers_.find(id);
    return it == peers_.end() ? nullptr : &it->second;
}

void PresenceIndex::put(Placed placed) {
    const std::string id = placed.member.peer.id;
    erase(id);
    auto [it, inserted] = peers_.emplace(id, std::move(placed));
    index(it->second);
}

bool PresenceIndex::rename(const std::string& id, const std::string& name) {
    auto it = peers_.find(id);
    if (it == peers_.end()) return false;
    it->second.member.peer.name = name;
    return true;
}

bool PresenceIndex::erase(const std::string& id) {
    auto it = peers_.find(id);
    if (it == peers_.end()) return false;
    unindex(it->second);
    peers_.erase(it);
    return true;
}

void PresenceIndex::index(const Placed& placed) {
    for (const auto& key : {network_room_key(placed.member.rooms), invite_room_key(placed.member.rooms)}) {
        if (!key.empty()) rooms_[key].emplace(Order{placed.joined, placed.member.peer.id}, &placed);
    }
}

void PresenceIndex::unindex(const Placed& placed) {
    for (const auto& key : {network_room_key(placed.member.rooms), invite_room_key(placed.member.rooms)}) {
        if (key.empty()) continue;
        auto room = rooms_.find(key);
        if (room == rooms_.end()) continue;
        room->second.erase(Order{placed.joined, placed.member.peer.id});
        if (room->second.empty()) rooms_.erase(room);
    }
}

std::vector<const Placed*> PresenceIndex::sharing(const Rooms& rooms) const {
    static const std::map<Order, const Placed*> none;
    auto find_room = [&](const std::string& key) -> const std::map<Order, const Placed*>& {
        if (key.empty()) return none;
        auto it = rooms_.find(key);
        return it == rooms_.end() ? none : it->second;
    };
    const auto& network = find_room(network_room_key(rooms));
    const auto& invite = find_room(invite_room_key(rooms));
    std::vector<const Placed*> out;
    out.reserve(network.size() + invite.size());
    auto a = network.begin();
    auto b = invite.begin();
    // Merge two join-ordered rooms; someone in both appears once.
    while (a != network.end() || b != invite.end()) {
        if (b == invite.end() || (a != network.end() && a->first < b->first)) {
            out.push_back((a++)->second);
        } else if (a == network.end() || b->first < a->first) {
            out.push_back((b++)->second);
        } else {
            out.push_back(a->second);
            ++a;
            ++b;
        }
    }
    return out;
}

std::vector<std::string> PresenceIndex::ids_at(const std::string& instance) const {
    std::vector<std::string> out;
    for (const auto& [id, placed] : peers_) {
        if (placed.instance == instance) out.push_back(id);
    }
    return out;
}

std::vector<const Placed*> PresenceIndex::here() const {
    std::vector<const Placed*> out;
    for (const auto& [id, placed] : peers_) {
        if (placed.here()) out.push_back(&placed);
    }
    return out;
}

std::vector<std::string> PresenceIndex::instances() const {
    std::set<std::string> out;
    for (const auto& [id, placed] : peers_) {
        if (!placed.here()) out.insert(placed.instance);
    }
    return {out.begin(), out.end()};
}

}  // namespace peerline::server
