// The signaling WebSocket to ws(s)://<page host>/ws: ServerOpened / ServerText / ServerClosed.
#pragma once

#include <string>

namespace peerline::browser::socket {

void open();
// Sends one text frame if the socket is open; otherwise the frame is dropped (the core learns
// of the outage from ServerClosed and resends what matters after ServerOpened).
void send(const std::string& text);

}  // namespace peerline::browser::socket
