// The seam for growing past one machine (DESIGN.md "Growing past one machine"): who is online,
// in which rooms, and how to reach them. LocalSwitchboard serves one process; RedisSwitchboard
// (--redis) joins many instances into one service. Sessions, the hub and the protocol do not
// know which one they talk to.
#pragma once

#include <memory>
#include <string>
#include <utility>
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

// Who should hear of a presence change, each with the rooms it shares with the subject (`via`).
using PresenceTargets = std::vector<std::pair<std::shared_ptr<Connection>, std::vector<std::string>>>;

// Sends `subject`'s change to every target: at most three distinct frames (network, invite,
// both), each serialized once, and every recipient queues the same immutable buffer. Every
// switchboard announces through it, so peers hear the same words whichever instance they are on.
void send_presence(const Member& subject, Change change, const PresenceTargets& targets);

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

    // The server is shutting down: leave the other instances (nothing for one process).
    virtual void stop() {}
    // The link to the other instances, for /healthz and logs ("" for one process), and whether
    // this instance should take new clients at all.
    virtual std::string link_state() const { return {}; }
    virtual bool healthy() const { return true; }
    // Extra Prometheus lines about that link.
    virtual std::string metrics_text() const { return {}; }
};

}  // namespace peerline::server
