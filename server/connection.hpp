// What the hub sees of one client connection. ws_session implements it; the hub never touches
// Beast, so its rules can be exercised without sockets and sessions can change transport freely.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace peerline::server {

// One serialized frame. Shared so a broadcast serializes once and queues one buffer.
using Frame = std::shared_ptr<const std::string>;

inline Frame make_frame(std::string text) {
    return std::make_shared<const std::string>(std::move(text));
}

class Connection {
public:
    virtual ~Connection() = default;

    // Server-assigned, unguessable. Fixed after `hello`; before it, a fresh id that `hello`
    // may replace by a resumed one (set_id, called on the connection's own strand).
    virtual const std::string& id() const = 0;
    virtual void set_id(std::string id) = 0;

    // Queue a text (or binary) frame. Safe from any thread; never blocks. A reader that falls
    // too far behind is disconnected rather than buffered without bound.
    virtual void send(Frame frame) = 0;
    virtual void send_binary(Frame frame) = 0;

    // Close with this WebSocket close code once what is queued has been written.
    virtual void close(std::uint16_t code, std::string reason) = 0;

    // The server is stopping: send what is queued, then close with 1001 "going away".
    virtual void go_away() = 0;
};

}  // namespace peerline::server
