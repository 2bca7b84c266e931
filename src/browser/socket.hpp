// The signaling WebSocket to ws(s)://<page host>/ws: ServerOpened / ServerText /
// ServerBinary / ServerClosed.
#pragma once

#include <string>

namespace peerline::browser::socket {

// Opens a new socket (closing a previous one without reporting it). Answers ServerOpened, then
// ServerText per frame, and ServerClosed once when it closes or could not open.
void open();
// Sends one text frame if the socket is open; otherwise the frame is dropped (the core learns
// of the outage from ServerClosed and resends what matters after ServerOpened).
void send(const std::string& text);

}  // namespace peerline::browser::socket
