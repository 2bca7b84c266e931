#include "ws_session.hpp"

#include <algorithm>
#include <chrono>

#include <boost/beast/ssl.hpp>

#include "event_log.hpp"
#include "protocol.hpp"

namespace peerline::server {
namespace {

// Message size limits are enforced here, not with Beast's read_message_max: Beast 1.74 fails an
// over-limit frame at its header, sending 1009 and tearing the socket down at once (its
// teardown stops draining after one read, so a client still sending sees a reset, not the
// close). Reading just past the limit ourselves lets us answer `too-large`, then close with 1009
// through a proper close handshake, which discards the rest of the frame under the close
// timeout. Nothing beyond limit + 1 byte is buffered.
constexpr std::size_t kNoBeastMessageLimit = 0;

}  // namespace

template <typename Stream>
WsSession<Stream>::WsSession(Stream&& stream, std::shared_ptr<Hub> hub, std::string id)
    : ws_(std::move(stream)), hub_(std::move(hub)), id_(std::move(id)),
      hello_timer_(ws_.get_executor()), ping_timer_(ws_.get_executor()) {}

template <typename Stream>
WsSession<Stream>::~WsSession() {
    if (open_) hub_->close(*this);
}

template <typename Stream>
void WsSession<Stream>::run(Request request, ClientAddress address, std::optional<Refusal> refusal) {
    address_ = std::move(address);
    refusal_ = std::move(refusal);
    const Limits& limits = hub_->limits();
    // Beast times the handshake and the close; liveness is our own heartbeat (start_timers).
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = limits.handshake_timeout;
    timeouts.idle_timeout = websocket::stream_base::none();
    timeouts.keep_alive_pings = false;
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
        response.set(http::field::server, "Peerline");
    }));
    ws_.read_message_max(kNoBeastMessageLimit);
    ws_.auto_fragment(false);
    ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
        if (kind == websocket::frame_type::pong) last_heard_ = Clock::now();
    });
    ws_.async_accept(request, beast::bind_front_handler(&WsSession::on_accept, this->shared_from_this()));
}

template <typename Stream>
void WsSession<Stream>::on_accept(beast::error_code ec) {
    if (ec) {
        log_event("websocket-handshake-failed", {{"remote", address_.ip}, {"error", ec.message()}});
        return;
    }
    accepted_ = true;
    if (refusal_) return refuse(*refusal_);
    switch (hub_->open(this->shared_from_this(), address_)) {
        case Admission::stopping:
            return refuse({"", "", websocket::close_code::going_away});
        case Admission::too_many:
            return refuse({protocol::code::kTooManyConnections,
                           "too many connections from your address", 1013});  // try again later
        case Admission::ok:
            break;
    }
    open_ = true;
    start_timers();
    do_read();
}

template <typename Stream>
void WsSession<Stream>::refuse(const Refusal& refusal) {
    if (!refusal.code.empty()) {
        hub_->count_rejection(refusal.code, id_);
        enqueue({make_frame(protocol::serialize(protocol::ErrorMessage{refusal.code, refusal.message, ""})), false});
    }
    close_after_writes({static_cast<websocket::close_code>(refusal.close_code), refusal.code.empty() ? "server stopping" : refusal.code});
}

template <typename Stream>
void WsSession<Stream>::start_timers() {
    const Limits& limits = hub_->limits();
    last_heard_ = Clock::now();
    hello_timer_.expires_after(limits.handshake_timeout);
    hello_timer_.async_wait(beast::bind_front_handler(&WsSession::on_hello_deadline, this->shared_from_this()));
    schedule_ping(last_heard_ + limits.ping_interval);
}

template <typename Stream>
void WsSession<Stream>::on_hello_deadline(beast::error_code ec) {
    if (ec || closing_ || pending_close_) return;
    hub_->on_hello_deadline(*this);
}

template <typename Stream>
void WsSession<Stream>::schedule_ping(Clock::time_point at) {
    ping_timer_.expires_at(at);
    ping_timer_.async_wait(beast::bind_front_handler(&WsSession::on_ping_timer, this->shared_from_this()));
}

template <typename Stream>
void WsSession<Stream>::on_ping_timer(beast::error_code ec) {
    if (ec || closing_ || dropped_) return;
    const Limits& limits = hub_->limits();
    const auto now = Clock::now();
    if (awaiting_pong_) {
        if (last_heard_ < ping_sent_) {
            hub_->count_rejection("ping-timeout", id_);
            return drop("no answer to ping");
        }
        awaiting_pong_ = false;
    }
    if (now - last_heard_ < limits.ping_interval) return schedule_ping(last_heard_ + limits.ping_interval);
    // Silent for a whole interval: ask. One ping at a time (Beast allows one beside a write).
    awaiting_pong_ = true;
    ping_sent_ = now;
    ws_.async_ping({}, [self = this->shared_from_this()](beast::error_code) {});
    schedule_ping(now + limits.ping_timeout);
}

template <typename Stream>
void WsSession<Stream>::do_read() {
    // Read at most one byte past the limit of this message's kind, so an oversized message is
    // detected without buffering it. Before the first frame header the kind is unknown.
    const Limits& limits = hub_->limits();
    std::size_t limit = std::max(limits.max_text_bytes, limits.max_binary_bytes);
    if (buffer_.size() > 0) limit = ws_.got_binary() ? limits.max_binary_bytes : limits.max_text_bytes;
    const std::size_t room = limit + 1 - std::min(buffer_.size(), limit);
    ws_.async_read_some(buffer_, room,
                        beast::bind_front_handler(&WsSession::on_read, this->shared_from_this()));
}

template <typename Stream>
void WsSession<Stream>::on_read(beast::error_code ec, std::size_t) {
    if (ec) {
        if (ec != websocket::error::closed && ec != net::error::operation_aborted &&
            ec != net::error::eof && !dropped_) {
            log_event("read-ended", {{"id", id_}, {"error", ec.message()}});
        }
        hello_timer_.cancel();
        ping_timer_.cancel();
        return;  // the session ends when the last handler holding it returns
    }
    last_heard_ = Clock::now();
    if (closing_) return;
    if (pending_close_ || !open_) {  // closing after a refusal or an abuse: discard
        buffer_.consume(buffer_.size());
        return do_read();
    }

    const Limits& limits = hub_->limits();
    const bool binary = ws_.got_binary();
    if (buffer_.size() > (binary ? limits.max_binary_bytes : limits.max_text_bytes)) {
        // RFC 6455 §7.4.1: 1009 = message too big to process.
        hub_->on_too_large(*this, binary);  // queues the error frame ...
        buffer_.consume(buffer_.size());
        // ... which the close frame follows once it is written.
        close_after_writes({websocket::close_code::too_big, "message too large"});
        return;  // the close handshake discards the rest of the message
    }
    if (!ws_.is_message_done()) return do_read();

    const auto data = buffer_.cdata();
    const std::string_view message(static_cast<const char*>(data.data()), data.size());
    Metrics& metrics = hub_->metrics();
    ++metrics.messages_in;
    metrics.bytes_in += message.size();
    if (binary) hub_->on_binary(*this, message);
    else hub_->on_text(*this, message);
    buffer_.consume(buffer_.size());
    if (!closing_) do_read();
}

// Called on the io_context thread (the hub runs in session handlers), dispatch queues the
// frame at once, in call order, with no allocation; from another thread it would post.
template <typename Stream>
void WsSession<Stream>::send(Frame frame) {
    net::dispatch(ws_.get_executor(), [self = this->shared_from_this(), frame = std::move(frame)]() mutable {
        self->enqueue({std::move(frame), false});
    });
}

template <typename Stream>
void WsSession<Stream>::send_binary(Frame frame) {
    net::dispatch(ws_.get_executor(), [self = this->shared_from_this(), frame = std::move(frame)]() mutable {
        self->enqueue({std::move(frame), true});
    });
}

template <typename Stream>
void WsSession<Stream>::enqueue(Outgoing out) {
    if (closing_ || pending_close_ || !accepted_) return;
    const Limits& limits = hub_->limits();
    if (queue_.size() >= limits.send_queue_frames ||
        queued_bytes_ + out.frame->size() > limits.send_queue_bytes) {
        hub_->count_rejection("slow-reader", id_);
        return drop("send queue full (slow reader)");
    }
    queued_bytes_ += out.frame->size();
    queue_.push_back(std::move(out));
    if (queue_.size() == 1) do_write();
}

template <typename Stream>
void WsSession<Stream>::do_write() {
    ws_.binary(queue_.front().binary);
    ws_.async_write(net::buffer(*queue_.front().frame),
                    beast::bind_front_handler(&WsSession::on_write, this->shared_from_this()));
}

template <typename Stream>
void WsSession<Stream>::on_write(beast::error_code ec, std::size_t bytes) {
    if (ec) {
        if (ec != net::error::operation_aborted) drop("write failed");
        return;
    }
    Metrics& metrics = hub_->metrics();
    ++metrics.messages_out;
    metrics.bytes_out += bytes;
    queued_bytes_ -= queue_.front().frame->size();
    queue_.pop_front();
    if (!queue_.empty()) return do_write();
    if (pending_close_) do_close();
}

template <typename Stream>
void WsSession<Stream>::close(std::uint16_t code, std::string reason) {
    net::dispatch(ws_.get_executor(),
              beast::bind_front_handler(&WsSession::close_after_writes, this->shared_from_this(),
                                        websocket::close_reason{static_cast<websocket::close_code>(code), reason}));
}

template <typename Stream>
void WsSession<Stream>::go_away() {
    net::post(ws_.get_executor(), [self = this->shared_from_this()] {
        if (!self->accepted_) return self->drop("server stopping");
        self->close_after_writes({websocket::close_code::going_away, "server stopping"});
    });
}

template <typename Stream>
void WsSession<Stream>::close_after_writes(websocket::close_reason reason) {
    if (closing_ || pending_close_) return;
    pending_close_ = std::move(reason);
    if (queue_.empty()) do_close();
}

template <typename Stream>
void WsSession<Stream>::do_close() {
    if (closing_) return;
    closing_ = true;
    hello_timer_.cancel();
    ping_timer_.cancel();
    ws_.async_close(*pending_close_, [self = this->shared_from_this()](beast::error_code) {});
}

template <typename Stream>
void WsSession<Stream>::drop(const char* why) {
    if (dropped_) return;
    dropped_ = true;
    log_event("drop", {{"id", id_}, {"why", why}});
    closing_ = true;
    hello_timer_.cancel();
    ping_timer_.cancel();
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(ws_).close();
}

template class WsSession<TcpStream>;
template class WsSession<beast::ssl_stream<TcpStream>>;

}  // namespace peerline::server
