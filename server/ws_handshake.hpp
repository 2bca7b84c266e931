// The server's side of the WebSocket opening handshake (RFC 6455 §4.2) on a request Beast has
// parsed: the 101 answer, or why not. http_session has already checked that it is a GET upgrade
// to websocket on /ws; this checks the version and key and computes Sec-WebSocket-Accept.
#pragma once

#include <string>
#include <string_view>

#include "static_site.hpp"

namespace peerline::server {

struct HandshakeAnswer {
    bool accepted = false;
    std::string response;  // the raw HTTP response to write: 101, or 400 / 426 with a reason
    std::string refused_because;  // for the log, when not accepted
};

HandshakeAnswer answer_upgrade(const Request& request);

// base64(SHA-1(key + the RFC's GUID)): proves to the client that a WebSocket server answered.
std::string websocket_accept_key(std::string_view client_key);

}  // namespace peerline::server
