// The seam for growing past one machine (DESIGN.md "Growing past one machine"): who is online
// and how to reach them. The in-process LocalSwitchboard is the only implementation today; a
// Redis pub/sub one can sit beside it later without touching sessions, the hub or the protocol.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "connection.hpp"
#include "protocol.hpp"

namespace peerline::server {

class Switchboard {
public:
    virtual ~Switchboard() = default;

    // Everyone who said hello and is still online, in join order.
    virtual std::vector<protocol::PeerInfo> roster() const = 0;

    // `peer` said hello on `connection` (held weakly: the session owns itself).
    virtual void attach(const protocol::PeerInfo& peer, std::weak_ptr<Connection> connection) = 0;
    virtual void detach(const std::string& id) = 0;

    // Deliver to one peer wherever it is connected. False if no such peer is online.
    virtual bool deliver(const std::string& id, const Frame& frame) = 0;

    // Presence: deliver to every online peer except `except_id`.
    virtual void publish(const Frame& frame, const std::string& except_id) = 0;
};

}  // namespace peerline::server
