// One signaling WebSocket (RFC 6455), over plain TCP or TLS, framed by ws_frames (not Beast's
// websocket::stream: see ws_frames.hpp for why).
//
// Reading: every frame one read brought in is handed to the hub in that one handler. Over plain
// TCP the session waits for readability and reads into one buffer shared by all sessions (the
// server has one thread), so an idle connection holds no read buffer; over TLS it reads into its
// own. Writing: frames queue (bounded: a reader that falls behind is dropped) and go out
// together, one write in flight, started once the handler that queued them has finished. So
// the frames a burst of reads produces for one peer cost one system call, not one each.
// Heartbeat: a silent peer is pinged and dropped if no pong comes back in time.
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
#include "ws_frames.hpp"

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

    // Answer the upgrade that http_session read. With a refusal, only to say why and close.
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
        ws::Opcode opcode;
    };
    struct CloseFrame {
        std::uint16_t code = 0;  // 0: a close frame without a code (answering one without)
        std::string reason;
    };

    void on_handshake_written(bool accepted, beast::error_code ec, std::size_t);
    void on_accept();
    void refuse(const Refusal& refusal);

    void do_read();
    void on_readable(beast::error_code ec);                 // plain TCP
    void on_read(beast::error_code ec, std::size_t bytes);  // TLS
    void on_bytes(char* data, std::size_t size);
    void on_event(const ws::Event& event);
    void on_message(const ws::Event& event);
    void read_ended(beast::error_code ec);

    void start_timers();
    void on_hello_deadline(beast::error_code ec);
    void schedule_ping(Clock::time_point at);
    void on_ping_timer(beast::error_code ec);

    void enqueue(Outgoing out);
    void schedule_write();
    void do_write();
    void on_write(beast::error_code ec, std::size_t bytes);

    // Close with `frame` once everything queued before it has been written. `fail`: the peer
    // broke the protocol, so the TCP connection ends right after the close frame (§7.1.7)
    // instead of waiting for the peer's answer.
    void close_after_writes(CloseFrame frame, bool fail = false);
    // After the close frames: close TCP, or, when the peer may still be sending (it broke the
    // protocol), stop sending and read to its end first: closing with unread bytes would send
    // a reset, which can destroy our close frame before the peer reads it.
    void finish();
    void close_socket();
    void drop(const char* why);  // abrupt TCP close: for peers that cannot be reasoned with

    Stream stream_;
    std::shared_ptr<Hub> hub_;
    std::string id_;
    ClientAddress address_;
    std::optional<Refusal> refusal_;
    ws::FrameReader reader_;
    std::string partial_;                  // received bytes of a frame not complete yet
    std::unique_ptr<char[]> tls_buffer_;   // TLS only: what a read decrypts into
    Timer hello_timer_;
    Timer ping_timer_;                     // heartbeat; once closing, the close deadline
    Clock::time_point last_heard_{};
    Clock::time_point ping_sent_{};
    bool awaiting_pong_ = false;

    // Control frames jump the data queue (they go first in the next write, as Beast sent them)
    // and do not count toward its limits: one ping of ours, and a pong for the latest ping of
    // the peer's (RFC 6455 §5.5.3 allows answering only the latest).
    bool ping_due_ = false;
    std::optional<std::string> pong_due_;

    FrameQueue<Outgoing> queue_;           // not yet in a write
    std::size_t queued_bytes_ = 0;         // queued plus in the write in flight
    std::string out_;                      // the bytes of the write in flight
    std::size_t out_frames_ = 0;           // data frames in it (for metrics)
    std::size_t out_bytes_ = 0;            // their payload bytes (metrics; leave queued_bytes_)
    bool writing_ = false;
    bool write_scheduled_ = false;

    std::optional<CloseFrame> pending_close_;  // decided: no new frames are queued
    bool fail_after_close_ = false;
    bool close_sent_ = false;   // our close frame is written or being written
    bool peer_closed_ = false;  // the peer's close frame arrived
    bool peer_ended_ = false;   // the peer's end of stream arrived while we were still writing
    bool lingering_ = false;    // finish(): our side is shut, reading to the peer's end
    bool accepted_ = false;     // 101 written
    bool open_ = false;         // registered with the hub
    bool socket_closed_ = false;
};

}  // namespace peerline::server
