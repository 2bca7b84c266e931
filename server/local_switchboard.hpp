// Switchboard for one process: a map of the peers connected here, and an index of who is in
// which room, so a join costs the size of the joiner's rooms, not the number of peers online.
#pragma once

#include <mutex>
#include <unordered_map>
#include <vector>

#include "switchboard.hpp"

namespace peerline::server {

class LocalSwitchboard final : public Switchboard {
public:
    std::vector<protocol::PeerInfo> roster(const Rooms& viewer,
                                           const std::string& viewer_id) const override;
    void attach(const Member& member, std::weak_ptr<Connection> connection) override;
    void rename(const std::string& id, const std::string& name) override;
    void detach(const std::string& id) override;
    bool deliver(const Rooms& sender, const std::string& to, const Frame& frame,
                 bool binary) override;
    void announce(const Member& subject, Change change) override;
    std::size_t room_count() const override;

private:
    struct Entry {
        Member member;
        std::weak_ptr<Connection> connection;
        std::uint64_t joined = 0;  // join order for the roster
    };
    using Peer = std::unordered_map<std::string, Entry>::value_type;  // node: stable address
    using Members = std::vector<const Peer*>;                         // in join order

    // Everyone sharing a room with `rooms`, in join order, each once (under the lock).
    Members members_sharing(const Rooms& rooms) const;
    void unindex(const Peer& peer);

    mutable std::mutex mutex_;
    std::unordered_map<std::string, Entry> peers_;
    std::unordered_map<std::string, Members> rooms_;  // room_key() -> members
    std::uint64_t next_join_ = 0;
};

}  // namespace peerline::server
