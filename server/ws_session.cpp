#include "ws_session.hpp"

#include <chrono>

#include "event_log.hpp"
#include "protocol.hpp"

namespace peerline::server {
namespace {

// The message size limit (protocol::kMaxTextFrameBytes) is enforced here, not with Beast's
// read_message_max: Beast 1.74 fails an over-limit frame at its header, sending 1009 and
// tearing the socket down at once (its teardown stops draining after one read, so a client
// still sending sees a reset, not the close). Reading just past the limit ourselves lets us
// answer `too-large`, then close with 1009 through a proper close handshake, which discards
// the rest of the frame under the close timeout. Nothing beyond limit + 1 byte is buffered.
constexpr std::size_t kNoBeastMessageLimit = 0;

}  // namespace

WsSession::WsSession(tcp::socket&& socket, std::shared_ptr<Hub> hub, std::string id)
    : ws_(std::move(socket)), hub_(std::move(hub)), id_(std::move(id)) {}

WsSession::~WsSession() {
    if (open_) hub_->close(id_);
}

void WsSession::run(Request request, std::string remote) {
    remote_ = std::move(remote);
    // Handshake 30 s; idle 300 s with keep-alive pings at half of it (a heartbeat: a peer
    // that vanished without a FIN is noticed and its peer-left sent).
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
        response.set(http::field::server, "Peerline");
    }));
    ws_.read_message_max(kNoBeastMessageLimit);
    ws_.auto_fragment(false);
    ws_.async_accept(request, beast::bind_front_handler(&WsSession::on_accept, shared_from_this()));
}

void WsSession::on_accept(beast::error_code ec) {
    if (ec) {
        log_event("websocket handshake failed remote=", remote_, ": ", ec.message());
        return;
    }
    if (!hub_->open(shared_from_this(), remote_)) {
        pending_close_ = websocket::close_reason{websocket::close_code::going_away, "server stopping"};
        return do_close();
    }
    open_ = true;
    do_read();
}

void WsSession::do_read() {
    // Read at most one byte past the limit, so an oversized message is detected without
    // buffering it. The limit is never 0: the buffer is at most kMaxTextFrameBytes here.
    const std::size_t room = protocol::kMaxTextFrameBytes + 1 - buffer_.size();
    ws_.async_read_some(buffer_, room,
                        beast::bind_front_handler(&WsSession::on_read, shared_from_this()));
}

void WsSession::on_read(beast::error_code ec, std::size_t) {
    if (ec) {
        if (ec != websocket::error::closed && ec != net::error::operation_aborted &&
                   ec != net::error::eof) {
            log_event("read ended id=", id_, ": ", ec.message());
        }
        return;  // the session ends when the last handler holding it returns
    }
    if (closing_) return;

    if (buffer_.size() > protocol::kMaxTextFrameBytes) {
        // RFC 6455 §7.4.1: 1009 = message too big to process.
        hub_->on_too_large(*this);
        buffer_.consume(buffer_.size());
        // Posted, not called: the error frame above was posted too, and the strand keeps
        // order, so the close frame follows it instead of overtaking it.
        net::post(ws_.get_executor(),
                  beast::bind_front_handler(&WsSession::close_after_writes, shared_from_this(),
                                            websocket::close_reason{websocket::close_code::too_big,
                                                                    "message too large"}));
        return;
    }
    if (!ws_.is_message_done()) return do_read();

    if (ws_.got_binary()) {
        hub_->on_binary(*this);
    } else {
        const auto data = buffer_.cdata();
        hub_->on_text(*this, std::string_view(static_cast<const char*>(data.data()), data.size()));
    }
    buffer_.consume(buffer_.size());
    if (!closing_) do_read();
}

void WsSession::send(Frame frame) {
    net::post(ws_.get_executor(), beast::bind_front_handler(&WsSession::enqueue,
                                                            shared_from_this(), std::move(frame)));
}

void WsSession::enqueue(Frame frame) {
    if (closing_ || pending_close_ || !open_) return;
    if (queue_.size() >= kMaxQueuedFrames || queued_bytes_ + frame->size() > kMaxQueuedBytes) {
        return drop("send queue full (slow reader)");
    }
    queued_bytes_ += frame->size();
    queue_.push_back(std::move(frame));
    if (queue_.size() == 1) do_write();
}

void WsSession::do_write() {
    ws_.text(true);
    ws_.async_write(net::buffer(*queue_.front()),
                    beast::bind_front_handler(&WsSession::on_write, shared_from_this()));
}

void WsSession::on_write(beast::error_code ec, std::size_t) {
    if (ec) {
        if (ec != net::error::operation_aborted) drop("write failed");
        return;
    }
    queued_bytes_ -= queue_.front()->size();
    queue_.pop_front();
    if (!queue_.empty()) return do_write();
    if (pending_close_) do_close();
}

void WsSession::go_away() {
    net::post(ws_.get_executor(), [self = shared_from_this()] {
        if (!self->open_) return self->drop("server stopping");
        self->close_after_writes({websocket::close_code::going_away, "server stopping"});
    });
}

void WsSession::close_after_writes(websocket::close_reason reason) {
    if (closing_ || pending_close_) return;
    pending_close_ = std::move(reason);
    if (queue_.empty()) do_close();
}

void WsSession::do_close() {
    if (closing_) return;
    closing_ = true;
    ws_.async_close(*pending_close_,
                    beast::bind_front_handler(&WsSession::on_close, shared_from_this()));
}

void WsSession::on_close(beast::error_code) {}

void WsSession::drop(const char* why) {
    if (dropped_) return;
    dropped_ = true;
    log_event("drop id=", id_, ": ", why);
    closing_ = true;
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(ws_).close();
}

}  // namespace peerline::server
