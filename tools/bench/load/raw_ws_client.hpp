// A WebSocket client on a plain TCP socket, framed by our own RFC 6455 codec
// (server/ws_frames.hpp) instead of Beast's websocket::stream.
//
// Why: Beast 1.74 writes one message per write (one sendmsg per frame) and completes one
// message per read handler, which made the relay load generator spend most of a core on
// itself. Here one read parses every frame it brought in, and the frames queued for a client
// meanwhile (its partner's answers, pongs) go out in one write at the end of the handler.
//
// Single-threaded: every call must come from the io_context thread that runs the socket.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common.hpp"
#include "ws_frames.hpp"

namespace peerline::load {

class RawWsClient;

// The clients of one io_context thread that have frames queued and no write started. Frames
// are not written as they are queued but when the batch is flushed, so that everything one
// handler queues for a client shares one write. RawWsClient's own handlers flush at their end;
// code that queues frames from anywhere else (a timer, a posted start) flushes when done.
class WriteBatch {
public:
    void add(RawWsClient* client) { waiting_.push_back(client); }
    void flush();

private:
    std::vector<RawWsClient*> waiting_;
};

class RawWsClient {
public:
    // What the connection reports to its owner, all on the io_context thread.
    class Listener {
    public:
        // Connecting or the upgrade failed; nothing else is reported after this.
        virtual void on_connect_failed(const char* stage, const std::string& detail) = 0;
        // The server answered 101: frames may be queued from now on.
        virtual void on_open() = 0;
        // A whole text message. The view is valid during the call only.
        virtual void on_text(std::string_view text) = 0;
        // A whole binary message (the soak sends voice-message frames); ignored by default.
        virtual void on_binary(std::string_view) {}
        // A write went out whole that held `text_messages` text frames.
        virtual void on_sent(std::size_t text_messages) = 0;
        // The server broke the protocol (the connection is then failed and on_closed follows).
        virtual void on_protocol_error(const char* what) = 0;
        // The open connection ended: the server's close frame, an I/O error, or a protocol
        // error. Reported once.
        virtual void on_closed() = 0;

    protected:
        ~Listener() = default;
    };

    RawWsClient(net::io_context& ioc, WriteBatch& batch, Listener& listener, std::uint32_t seed);

    // Binds to `source` (port chosen by the kernel), connects to `server` and sends the
    // upgrade request for /ws with `host_port` as Host and in the Origin.
    void connect(const net::ip::address_v4& source, const tcp::endpoint& server,
                 const std::string& host_port);

    // Queue a frame: it goes out when the batch is flushed, or when the write in flight
    // completes, with everything else queued by then.
    void send_text(std::string_view payload);
    // Each frame its own send(2), as a browser's WebSocket writes each message (default: the
    // frames queued together go out in one write).
    void set_one_frame_per_write(bool on) { one_frame_per_write_ = on; }
    // The upgrade's request target (default /ws); before connect.
    void set_path(std::string path) { path_ = std::move(path); }
    // Queue a binary message, like send_text.
    void send_binary(std::string_view payload);
    // Starts the closing handshake; the socket closes when the server's close frame arrives.
    void close(std::uint16_t code);
    // Drops the TCP connection at once, without a close frame (a peer that vanished, or a
    // server that never answered our close). on_closed follows if the connection was open.
    void abort() { fail(); }

private:
    friend class WriteBatch;

    void on_connect(const beast::error_code& ec);
    void on_request_written(const beast::error_code& ec);
    void read_response();
    void on_response_bytes(const beast::error_code& ec, std::size_t n);
    void read_frames();
    void on_frame_bytes(const beast::error_code& ec, std::size_t n);
    bool parse_frames();
    bool handle(const ws::Event& event);
    void keep_unparsed(std::size_t used);

    void queue_frame(ws::Opcode opcode, std::string_view payload);
    void write_pending();
    void write_one_by_one();
    void on_written(const beast::error_code& ec);
    void finish_write();

    void fail();
    void shut_down();
    void end();
    std::uint32_t next_mask_key();

    tcp::socket socket_;
    WriteBatch& batch_;
    Listener& listener_;
    ws::FrameReader reader_;
    std::uint32_t mask_state_;     // xorshift32 for mask keys and the handshake nonce: neither
                                   // needs to be secret from a server we run ourselves

    std::vector<char> in_;         // bytes read and not yet parsed, from in_[0]
    std::size_t in_size_ = 0;

    std::string request_;          // the upgrade request while it is written
    std::string path_ = "/ws";     // request target of the upgrade
    std::string pending_;          // frames queued since the current write started
    std::string writing_;          // frames of the write under way
    std::size_t pending_texts_ = 0;
    bool one_frame_per_write_ = false;
    std::vector<std::pair<std::size_t, bool>> pending_ends_;  // one-frame mode: (end, is text) per frame
    std::size_t writing_texts_ = 0;
    bool write_in_flight_ = false;  // an async_write of writing_ is under way
    bool in_batch_ = false;         // listed in batch_ for its next flush

    bool open_ = false;            // upgraded and not yet ended
    bool close_sent_ = false;      // our close frame is queued or sent
    bool close_received_ = false;  // the server's close frame arrived: stop reading
};

}  // namespace peerline::load
