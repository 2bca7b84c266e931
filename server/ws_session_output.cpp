// What a session sends and how it closes (ws_session.hpp): the bounded queue, one write in
// flight carrying every frame queued so far, control frames first, the close handshake and its
// deadline. Reading, the handshake and the heartbeat are in ws_session.cpp.
#include "ws_session.hpp"

#include "event_log.hpp"
#include "streams.hpp"

namespace peerline::server {
namespace {

// One write carries the frames queued so far, up to about this many bytes (at least one frame).
constexpr std::size_t kWriteBatchBytes = 64 * 1024;

}  // namespace

// ---- writing --------------------------------------------------------------------------------

// Called on the io_context thread (the hub runs in session handlers), dispatch queues the
// frame at once, in call order, with no allocation; from another thread it would post.
template <typename Stream>
void WsSession<Stream>::send(Frame frame) {
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this(), frame = std::move(frame)]() mutable {
        self->enqueue({std::move(frame), ws::Opcode::text});
    });
}

template <typename Stream>
void WsSession<Stream>::send_binary(Frame frame) {
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this(), frame = std::move(frame)]() mutable {
        self->enqueue({std::move(frame), ws::Opcode::binary});
    });
}

template <typename Stream>
void WsSession<Stream>::enqueue(Outgoing out) {
    if (pending_close_ || !accepted_ || socket_closed_) return;
    const Limits& limits = hub_->limits();
    if (queue_.size() >= limits.send_queue_frames ||
        queued_bytes_ + out.frame->size() > limits.send_queue_bytes) {
        hub_->count_rejection("slow-reader", id_);
        return drop("send queue full (slow reader)");
    }
    queued_bytes_ += out.frame->size();
    queue_.push_back(std::move(out));
    schedule_write();
}

// The write starts after the current handler: every frame it queues for this peer (a burst
// of relayed signals, a roster) goes out in that one write.
template <typename Stream>
void WsSession<Stream>::schedule_write() {
    if (writing_ || write_scheduled_) return;
    write_scheduled_ = true;
    net::post(stream_.get_executor(), [self = this->shared_from_this()] {
        self->write_scheduled_ = false;
        if (!self->writing_) self->do_write();
    });
}

template <typename Stream>
void WsSession<Stream>::do_write() {
    if (socket_closed_) return;
    out_.clear();
    out_frames_ = out_bytes_ = 0;
    if (!close_sent_) {
        if (ping_due_) ws::append_frame(out_, ws::Opcode::ping, {});
        if (pong_due_) ws::append_frame(out_, ws::Opcode::pong, *pong_due_);
    }
    ping_due_ = false;
    pong_due_.reset();
    while (!queue_.empty() && (out_.empty() || out_.size() < kWriteBatchBytes)) {
        const Outgoing& item = queue_.front();
        ws::append_frame(out_, item.opcode, *item.frame);
        ++out_frames_;
        out_bytes_ += item.frame->size();
        queue_.pop_front();
    }
    if (queue_.empty() && pending_close_ && !close_sent_) {
        const CloseFrame& close = *pending_close_;
        ws::append_frame(out_, ws::Opcode::close, close.code ? ws::close_payload(close.code, close.reason) : "");
        close_sent_ = true;
    }
    if (out_.empty()) return;
    writing_ = true;
    auto handler = beast::bind_front_handler(&WsSession::on_write, this->shared_from_this());
    // Plain TCP writes on the socket itself: beast::basic_stream's timeout wrapper is not needed
    // (a stuck peer is caught by the queue limit, the heartbeat and the close deadline).
    if constexpr (kIsTls<Stream>) net::async_write(stream_, net::buffer(out_), std::move(handler));
    else net::async_write(stream_.socket(), net::buffer(out_), std::move(handler));
}

template <typename Stream>
void WsSession<Stream>::on_write(beast::error_code ec, std::size_t) {
    writing_ = false;
    if (ec) {
        if (ec != net::error::operation_aborted && !socket_closed_) drop("write failed");
        return;
    }
    Metrics& metrics = hub_->metrics();
    metrics.messages_out += out_frames_;
    metrics.bytes_out += out_bytes_;
    queued_bytes_ -= out_bytes_;
    if (close_sent_) {
        // Failing, or the peer has answered: the server closes TCP first (§7.1.1). Else the
        // peer's close is awaited under the close deadline.
        if (fail_after_close_ || peer_closed_ || peer_ended_) finish();
        return;
    }
    if (!queue_.empty() || pending_close_ || ping_due_ || pong_due_) return do_write();
    if (peer_ended_) return close_socket();
    std::string().swap(out_);  // idle connections hold no write buffer
}

// ---- closing --------------------------------------------------------------------------------

template <typename Stream>
void WsSession<Stream>::close(std::uint16_t code, std::string reason) {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&WsSession::close_after_writes, this->shared_from_this(),
                                            CloseFrame{code, std::move(reason)}, false));
}

template <typename Stream>
void WsSession<Stream>::go_away() {
    net::post(stream_.get_executor(), [self = this->shared_from_this()] {
        if (!self->accepted_) return self->drop("server stopping");
        self->close_after_writes({ws::close_code::going_away, "server stopping"});
    });
}

template <typename Stream>
void WsSession<Stream>::close_after_writes(CloseFrame frame, bool fail) {
    if (pending_close_ || socket_closed_) return;
    pending_close_ = std::move(frame);
    fail_after_close_ = fail;
    hello_timer_.cancel();
    // From now on the ping timer is the close deadline: what is queued, our close frame and
    // the peer's answer must all be through by then (a peer that stopped reading never is).
    awaiting_pong_ = false;
    ping_timer_.expires_after(hub_->limits().handshake_timeout);
    ping_timer_.async_wait(beast::bind_front_handler(&WsSession::on_ping_timer, this->shared_from_this()));
    schedule_write();
}

template <typename Stream>
void WsSession<Stream>::finish() {
    if (socket_closed_ || lingering_) return;
    if (!fail_after_close_ || peer_closed_ || peer_ended_) return close_socket();
    lingering_ = true;  // read_ended closes; the close deadline bounds the wait
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_send, ignored);
}

template <typename Stream>
void WsSession<Stream>::close_socket() {
    if (socket_closed_) return;
    socket_closed_ = true;
    hello_timer_.cancel();
    ping_timer_.cancel();
    // TLS ends without close_notify: the WebSocket close frames have already said goodbye, and
    // waiting for the peer's close_notify would only hold the connection open longer.
    auto& lowest = beast::get_lowest_layer(stream_);
    beast::error_code ignored;
    lowest.socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest.close();
}

template <typename Stream>
void WsSession<Stream>::drop(const char* why) {
    if (socket_closed_) return;
    log_event("drop", {{"id", id_}, {"why", why}});
    close_socket();
}

// The class itself is instantiated once, in ws_session.cpp (a class may be explicitly
// instantiated only once in a program); the members defined here, one by one.
#define PEERLINE_WS_SESSION_OUTPUT(Stream)                                              \
    template void WsSession<Stream>::send(Frame);                                       \
    template void WsSession<Stream>::send_binary(Frame);                                \
    template void WsSession<Stream>::enqueue(Outgoing);                                 \
    template void WsSession<Stream>::schedule_write();                                  \
    template void WsSession<Stream>::do_write();                                        \
    template void WsSession<Stream>::on_write(beast::error_code, std::size_t);          \
    template void WsSession<Stream>::close(std::uint16_t, std::string);                 \
    template void WsSession<Stream>::go_away();                                         \
    template void WsSession<Stream>::close_after_writes(CloseFrame, bool);              \
    template void WsSession<Stream>::finish();                                          \
    template void WsSession<Stream>::close_socket();                                    \
    template void WsSession<Stream>::drop(const char*);
PEERLINE_WS_SESSION_OUTPUT(PlainStream)
PEERLINE_WS_SESSION_OUTPUT(TlsStream)
#undef PEERLINE_WS_SESSION_OUTPUT

}  // namespace peerline::server
