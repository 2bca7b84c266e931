// Invite links: "Invite" makes a room id of 128 random bits, joins it, and shows the link (copy
// button and QR code) that lets a device on another network join this room.
#pragma once

#include <string>

#include "view.hpp"

namespace peerline::browser::invite {

// The invite room named by the page's URL (?room=…), or "".
std::string room_from_url();
void attach();
void render(const View& view);

}  // namespace peerline::browser::invite
