// One signaling WebSocket (RFC 6455). Reads one message at a time and hands it to the hub;
// writes one frame at a time from a bounded queue. All handlers run on the connection's strand.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "connection.hpp"
#include "hub.hpp"
#include "net.hpp"
#include "static_site.hpp"

namespace peerline::server {

// A reader that lets more than this pile up is disconnected: signaling is small and bursty,
// so either limit means the peer stopped reading.
constexpr std::size_t kMaxQueuedFrames = 1024;
constexpr std::size_t kMaxQueuedBytes = 4 * 1024 * 1024;

class WsSession final : public Connection, public std::enable_shared_from_this<WsSession> {
public:
    WsSession(tcp::socket&& socket, std::shared_ptr<Hub> hub, std::string id);
    ~WsSession() override;

    // Complete the upgrade that http_session read.
    void run(Request request, std::string remote);

    const std::string& id() const override { return id_; }
    void send(Frame frame) override;
    void go_away() override;

private:
    void on_accept(beast::error_code ec);
    void do_read();
    void on_read(beast::error_code ec, std::size_t bytes);

    void enqueue(Frame frame);
    void do_write();
    void on_write(beast::error_code ec, std::size_t bytes);

    // Close with `reason` once everything queued before it has been written.
    void close_after_writes(websocket::close_reason reason);
    void do_close();
    void on_close(beast::error_code ec);
    void drop(const char* why);  // abrupt TCP close: for peers that cannot be reasoned with

    websocket::stream<beast::tcp_stream> ws_;
    std::shared_ptr<Hub> hub_;
    std::string id_;
    std::string remote_;
    beast::flat_buffer buffer_;

    std::deque<Frame> queue_;  // front() is being written when non-empty
    std::size_t queued_bytes_ = 0;
    std::optional<websocket::close_reason> pending_close_;
    bool open_ = false;     // handshake done and registered with the hub
    bool closing_ = false;  // close handshake started: no more reads or new frames
    bool dropped_ = false;
};

}  // namespace peerline::server
