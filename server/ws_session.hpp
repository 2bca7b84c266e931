// One signaling WebSocket (RFC 6455), over plain TCP or TLS. Reads one message at a time and
// hands it to the hub; writes one frame at a time from a bounded queue; pings a silent peer and
// drops it if no pong comes back in time. All handlers run on the server's one io_context
// thread (net.hpp), so the hub's sends reach the queue directly, in order.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "client_address.hpp"
#include "connection.hpp"
#include "frame_queue.hpp"
#include "hub.hpp"
#include "net.hpp"
#include "static_site.hpp"

namespace peerline::server {

// A connection refused before it reaches the hub: answered with a typed error, then closed.
struct Refusal {
    std::string code;
    std::string message;
    std::uint16_t close_code;
};

template <typename Stream>
class WsSession final : public Connection, public std::enable_shared_from_this<WsSession<Stream>> {
public:
    WsSession(Stream&& stream, std::shared_ptr<Hub> hub, std::string id);
    ~WsSession() override;

    // Complete the upgrade that http_session read. With a refusal, only to say why and close.
    void run(Request request, ClientAddress address, std::optional<Refusal> refusal);

    const std::string& id() const override { return id_; }
    void set_id(std::string id) override { id_ = std::move(id); }
    void send(Frame frame) override;
    void send_binary(Frame frame) override;
    void close(std::uint16_t code, std::string reason) override;
    void go_away() override;

private:
    struct Outgoing {
        Frame frame;
        bool binary;
    };

    void on_accept(beast::error_code ec);
    void refuse(const Refusal& refusal);
    void do_read();
    void on_read(beast::error_code ec, std::size_t bytes);

    void start_timers();
    void on_hello_deadline(beast::error_code ec);
    void schedule_ping(Clock::time_point at);
    void on_ping_timer(beast::error_code ec);

    void enqueue(Outgoing out);
    void do_write();
    void on_write(beast::error_code ec, std::size_t bytes);

    // Close with `reason` once everything queued before it has been written.
    void close_after_writes(websocket::close_reason reason);
    void do_close();
    void drop(const char* why);  // abrupt TCP close: for peers that cannot be reasoned with

    websocket::stream<Stream> ws_;
    std::shared_ptr<Hub> hub_;
    std::string id_;
    ClientAddress address_;
    std::optional<Refusal> refusal_;
    beast::flat_buffer buffer_;
    Timer hello_timer_;
    Timer ping_timer_;
    Clock::time_point last_heard_{};
    Clock::time_point ping_sent_{};
    bool awaiting_pong_ = false;

    FrameQueue<Outgoing> queue_;  // front() is being written when non-empty
    std::size_t queued_bytes_ = 0;
    std::optional<websocket::close_reason> pending_close_;
    bool accepted_ = false;  // WebSocket handshake done
    bool open_ = false;      // registered with the hub
    bool closing_ = false;   // close handshake started: no more reads or new frames
    bool dropped_ = false;
};

}  // namespace peerline::server
