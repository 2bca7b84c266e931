// The seam for growing past one machine (DESIGN.md "Growing past one machine"): who is online,
// in which rooms, and how to reach them. The in-process LocalSwitchboard is the only
// implementation today; a Redis pub/sub one can sit beside it later without touching sessions,
// the hub or the protocol.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "connection.hpp"
#include "protocol.hpp"
#include "rooms.hpp"

namespace peerline::server {

struct Member {
    protocol::PeerInfo peer;  // `via` unused here: it depends on who looks
    Rooms rooms;
};

enum class Change { joined, updated, left };

class Switchboard {
public:
    virtual ~Switchboard() = default;

    // Everyone online sharing a room with `viewer` (except `viewer_id`), in join order, each
    // with `via` saying which rooms they share.
    virtual std::vector<protocol::PeerInfo> roster(const Rooms& viewer,
                                                   const std::string& viewer_id) const = 0;

    // `member` said hello on `connection` (held weakly: the session owns itself).
    virtual void attach(const Member& member, std::weak_ptr<Connection> connection) = 0;
    virtual void rename(const std::string& id, const std::string& name) = 0;
    virtual void detach(const std::string& id) = 0;

    // Deliver to peer `to` if it is online and shares a room with `sender`. False otherwise:
    // the caller cannot tell "offline" from "not in your rooms", and neither can the client.
    virtual bool deliver(const Rooms& sender, const std::string& to, const Frame& frame,
                         bool binary) = 0;

    // Presence: tell everyone sharing a room with `subject` (except itself).
    virtual void announce(const Member& subject, Change change) = 0;

    // Distinct rooms with someone in them (for /metrics).
    virtual std::size_t room_count() const = 0;
};

}  // namespace peerline::server
