// Switchboard for one process: a map of the peers connected here.
#pragma once

#include <mutex>
#include <unordered_map>

#include "switchboard.hpp"

namespace peerline::server {

class LocalSwitchboard final : public Switchboard {
public:
    std::vector<protocol::PeerInfo> roster() const override;
    void attach(const protocol::PeerInfo& peer, std::weak_ptr<Connection> connection) override;
    void detach(const std::string& id) override;
    bool deliver(const std::string& id, const Frame& frame) override;
    void publish(const Frame& frame, const std::string& except_id) override;

private:
    struct Entry {
        protocol::PeerInfo peer;
        std::weak_ptr<Connection> connection;
        std::uint64_t joined = 0;  // join order for the roster
    };

    mutable std::mutex mutex_;
    std::unordered_map<std::string, Entry> peers_;
    std::uint64_t next_join_ = 0;
};

}  // namespace peerline::server
