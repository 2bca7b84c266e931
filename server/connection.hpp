// What the hub sees of one client connection. ws_session implements it; the hub never touches
// Beast, so its rules can be exercised without sockets and sessions can change transport freely.
#pragma once

#include <memory>
#include <string>

namespace peerline::server {

// One serialized text frame. Shared so a broadcast serializes once and queues one buffer.
using Frame = std::shared_ptr<const std::string>;

inline Frame make_frame(std::string text) {
    return std::make_shared<const std::string>(std::move(text));
}

class Connection {
public:
    virtual ~Connection() = default;

    // Server-assigned, unguessable, fixed for the connection's life.
    virtual const std::string& id() const = 0;

    // Queue a text frame. Safe from any thread; never blocks. A reader that falls too far
    // behind is disconnected rather than buffered without bound.
    virtual void send(Frame frame) = 0;

    // The server is stopping: send what is queued, then close with 1001 "going away".
    virtual void go_away() = 0;
};

}  // namespace peerline::server
