// Who is online across all instances, in which rooms, in join order, and where each one is: a
// connection of this process, or another instance (by its id). The Redis switchboard keeps it
// as a mirror of the presence in Redis, so `deliver` and `roster` answer at once without a round
// trip. Not thread-safe: used on the server's one io thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "connection.hpp"
#include "switchboard.hpp"

namespace peerline::server {

struct Placed {
    Member member;
    std::weak_ptr<Connection> connection;  // set iff here
    std::string instance;                  // empty iff here
    std::uint64_t joined = 0;              // join order: microseconds since the epoch at hello
    bool here() const { return instance.empty(); }
};

class PresenceIndex {
public:
    const Placed* find(const std::string& id) const;
    // Insert or replace the entry of placed.member.peer.id.
    void put(Placed placed);
    bool rename(const std::string& id, const std::string& name);
    bool erase(const std::string& id);

    // Everyone sharing a room with `rooms`, in join order, each once.
    std::vector<const Placed*> sharing(const Rooms& rooms) const;
    std::vector<std::string> ids_at(const std::string& instance) const;
    std::vector<const Placed*> here() const;
    std::vector<std::string> instances() const;  // other instances with someone here
    std::size_t room_count() const { return rooms_.size(); }
    std::size_t size() const { return peers_.size(); }

private:
    using Order = std::pair<std::uint64_t, std::string>;  // (joined, id): ties broken by id
    void index(const Placed& placed);
    void unindex(const Placed& placed);

    std::unordered_map<std::string, Placed> peers_;                  // id -> entry (stable nodes)
    std::unordered_map<std::string, std::map<Order, const Placed*>> rooms_;  // room key -> members
};

// The two kinds of room share one index; the prefixes keep their keys apart.
inline std::string network_room_key(const Rooms& rooms) { return rooms.network.empty() ? "" : "n:" + rooms.network; }
inline std::string invite_room_key(const Rooms& rooms) { return rooms.invite.empty() ? "" : "i:" + rooms.invite; }

}  // namespace peerline::server
