// Server-assigned connection ids. They are the only name a peer has on the wire, and a later
// resume token signs them, so they must be unguessable: 128 bits from the kernel's CSPRNG.
#pragma once

#include <string>

namespace peerline::server {

// 32 lowercase hex characters.
std::string make_peer_id();

}  // namespace peerline::server
