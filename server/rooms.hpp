// The rooms one client is in (DESIGN.md "Rooms"): always its network room, optionally one
// invite room. Two clients see each other, and may signal each other, iff they share one.
#pragma once

#include <string>
#include <vector>

#include "protocol.hpp"

namespace peerline::server {

struct Rooms {
    std::string network;  // network_key(): never sent to any client
    std::string invite;   // hello.room, empty if none

    // What `peer.via` says to a viewer in `viewer` about a peer in *this.
    std::vector<std::string> shared_with(const Rooms& viewer) const {
        std::vector<std::string> via;
        if (!network.empty() && network == viewer.network) via.emplace_back(protocol::via::kNetwork);
        if (!invite.empty() && invite == viewer.invite) via.emplace_back(protocol::via::kInvite);
        return via;
    }
    // Asked once per relayed message: no allocation.
    bool shares_with(const Rooms& other) const {
        return (!network.empty() && network == other.network) ||
               (!invite.empty() && invite == other.invite);
    }
};

}  // namespace peerline::server
