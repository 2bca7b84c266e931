// The protocol rules of signaling (docs/protocol.md): hello first, welcome + presence, relay
// with a server-stamped `from`, typed errors that keep the connection. Transport-free: it sees
// connections through `Connection` and reaches peers through a `Switchboard`.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "connection.hpp"
#include "switchboard.hpp"

namespace peerline::server {

class Hub {
public:
    explicit Hub(std::unique_ptr<Switchboard> switchboard);

    // Lifecycle of one connection, called by its session. False if the server is stopping
    // (the session then closes with 1001 instead of joining).
    bool open(const std::shared_ptr<Connection>& connection, std::string_view remote);
    void close(const std::string& id);

    // One complete message from the client.
    void on_text(Connection& connection, std::string_view text);
    void on_binary(Connection& connection);
    // A frame over protocol::kMaxTextFrameBytes: answers `too-large`; the session then closes.
    void on_too_large(Connection& connection);

    // Server shutdown: every connection closes with 1001; no presence is sent any more.
    void stop();
    std::size_t connection_count() const;

private:
    struct Local {
        std::weak_ptr<Connection> connection;
        bool greeted = false;
    };

    void on_hello(Connection& connection, const protocol::Hello& hello);
    void on_signal(Connection& connection, const protocol::SignalTo& signal);
    void reject(Connection& connection, const std::string& code, const std::string& message,
                const std::string& ref);

    std::unique_ptr<Switchboard> switchboard_;
    mutable std::mutex mutex_;  // guards locals_ and stopping_; never held while sending
    std::unordered_map<std::string, Local> locals_;
    bool stopping_ = false;
};

}  // namespace peerline::server
