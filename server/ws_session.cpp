// One signaling WebSocket (ws_session.hpp): the upgrade answer, admission, reading and the
// frames' events, the heartbeat. What it sends and how it closes: ws_session_output.cpp.
#include "ws_session.hpp"

#include <chrono>

#include "event_log.hpp"
#include "protocol.hpp"
#include "streams.hpp"
#include "ws_handshake.hpp"

namespace peerline::server {
namespace {

// Plain TCP sessions read into this one buffer: handlers run one at a time on the server's one
// thread (net.hpp), and every byte read is parsed before the handler returns (what is left of
// an incomplete frame is copied to the session). Large enough that a busy peer's burst of
// frames is one read.
constexpr std::size_t kReadBytes = 64 * 1024;
char g_read_buffer[kReadBytes];

// A wakeup reads at most this many times before giving other sessions their turn.
constexpr int kReadsPerWakeup = 4;

// TLS sessions decrypt into a buffer of their own, of one TLS record at most.
constexpr std::size_t kTlsReadBytes = 16 * 1024;

}  // namespace

template <typename Stream>
WsSession<Stream>::WsSession(Stream&& stream, std::shared_ptr<Hub> hub, std::string id)
    : stream_(std::move(stream)), hub_(std::move(hub)), id_(std::move(id)),
      reader_(ws::Role::server, {hub_->limits().max_text_bytes, hub_->limits().max_binary_bytes}),
      hello_timer_(stream_.get_executor()), ping_timer_(stream_.get_executor()) {}

template <typename Stream>
WsSession<Stream>::~WsSession() {
    if (open_) hub_->close(*this);
}

template <typename Stream>
void WsSession<Stream>::run(Request request, ClientAddress address, std::optional<Refusal> refusal) {
    address_ = std::move(address);
    refusal_ = std::move(refusal);
    HandshakeAnswer answer = answer_upgrade(request);
    if (!answer.accepted) {
        log_event("websocket-handshake-failed", {{"remote", address_.ip}, {"error", answer.refused_because}});
    }
    if constexpr (!kIsTls<Stream>) {
        // Readiness, then reads until the socket has no more (on_readable).
        beast::error_code ec;
        stream_.socket().non_blocking(true, ec);
    }
    auto& lowest = beast::get_lowest_layer(stream_);
    lowest.expires_after(hub_->limits().handshake_timeout);
    out_ = std::move(answer.response);
    writing_ = true;
    net::async_write(stream_, net::buffer(out_),
                     beast::bind_front_handler(&WsSession::on_handshake_written,
                                               this->shared_from_this(), answer.accepted));
}

template <typename Stream>
void WsSession<Stream>::on_handshake_written(bool accepted, beast::error_code ec, std::size_t) {
    writing_ = false;
    std::string().swap(out_);
    beast::get_lowest_layer(stream_).expires_never();  // from here on, our own deadlines
    if (ec) {
        log_event("websocket-handshake-failed", {{"remote", address_.ip}, {"error", ec.message()}});
        return close_socket();
    }
    if (!accepted) return close_socket();  // the answer said "Connection: close"
    accepted_ = true;
    on_accept();
}

template <typename Stream>
void WsSession<Stream>::on_accept() {
    do_read();  // even when refusing: the peer's close frame must be read
    if (refusal_) return refuse(*refusal_);
    switch (hub_->open(this->shared_from_this(), address_)) {
        case Admission::stopping:
            return refuse({"", "", ws::close_code::going_away});
        case Admission::too_many:
            return refuse({protocol::code::kTooManyConnections,
                           "too many connections from your address", ws::close_code::try_again_later});
        case Admission::ok:
            break;
    }
    open_ = true;
    start_timers();
}

template <typename Stream>
void WsSession<Stream>::refuse(const Refusal& refusal) {
    if (!refusal.code.empty()) {
        hub_->count_rejection(refusal.code, id_);
        enqueue({make_frame(protocol::serialize(protocol::ErrorMessage{refusal.code, refusal.message, ""})),
                 ws::Opcode::text});
    }
    close_after_writes({refusal.close_code, refusal.code.empty() ? "server stopping" : refusal.code});
}

// ---- reading --------------------------------------------------------------------------------

template <typename Stream>
void WsSession<Stream>::do_read() {
    if (socket_closed_) return;
    if constexpr (kIsTls<Stream>) {
        if (!tls_buffer_) tls_buffer_ = std::make_unique<char[]>(kTlsReadBytes);
        stream_.async_read_some(net::buffer(tls_buffer_.get(), kTlsReadBytes),
                                beast::bind_front_handler(&WsSession::on_read, this->shared_from_this()));
    } else {
        stream_.socket().async_wait(net::socket_base::wait_read,
                                    beast::bind_front_handler(&WsSession::on_readable, this->shared_from_this()));
    }
}

template <typename Stream>
void WsSession<Stream>::on_readable(beast::error_code ec) {
    if constexpr (!kIsTls<Stream>) {
        if (ec) return read_ended(ec);
        for (int round = 0; round < kReadsPerWakeup; ++round) {
            const std::size_t bytes = stream_.socket().read_some(net::buffer(g_read_buffer), ec);
            if (ec == net::error::would_block || ec == net::error::try_again) break;
            if (ec) return read_ended(ec);
            on_bytes(g_read_buffer, bytes);
            if (socket_closed_) return;
            if (bytes < kReadBytes) break;  // drained, most likely: the next wait says for sure
        }
        do_read();
    }
}

template <typename Stream>
void WsSession<Stream>::on_read(beast::error_code ec, std::size_t bytes) {
    if (ec) return read_ended(ec);
    on_bytes(tls_buffer_.get(), bytes);
    do_read();
}

template <typename Stream>
void WsSession<Stream>::on_bytes(char* data, std::size_t size) {
    last_heard_ = Clock::now();
    // Usually whole frames arrive and are parsed where they were read; the tail of a frame that
    // is not complete yet waits in partial_ (bounded: the reader refuses an oversized frame at
    // its header, before its payload is buffered).
    const bool continuing = !partial_.empty();
    if (continuing) partial_.append(data, size);
    char* bytes = continuing ? partial_.data() : data;
    const std::size_t length = continuing ? partial_.size() : size;
    std::size_t at = 0;
    for (;;) {
        ws::Event event;
        bool has_event = false;
        const std::size_t used = reader_.next(bytes + at, length - at, event, has_event);
        at += used;
        if (has_event) on_event(event);
        if (socket_closed_) return;
        if (used == 0) break;
    }
    if (continuing) partial_.erase(0, at);
    else partial_.assign(bytes + at, length - at);
    if (partial_.empty()) std::string().swap(partial_);  // idle connections hold no read bytes
}

template <typename Stream>
void WsSession<Stream>::on_event(const ws::Event& event) {
    using Kind = ws::Event::Kind;
    switch (event.kind) {
        case Kind::message:
            return on_message(event);
        case Kind::ping:
            if (close_sent_) return;
            pong_due_ = std::string(event.payload);
            return schedule_write();
        case Kind::pong:
            return;  // last_heard_ is already fresh
        case Kind::close:
            peer_closed_ = true;
            if (close_sent_) {  // the answer to ours: the handshake is complete
                if (!writing_) finish();
                return;
            }
            // Echo the peer's code (§5.5.1), after what is already queued.
            return close_after_writes({event.code == ws::close_code::no_status ? std::uint16_t{0} : event.code, ""});
        case Kind::too_large:
            if (pending_close_ || !open_) return;  // closing anyway: its bytes are skipped
            // RFC 6455 §7.4.1: 1009 = message too big to process. The typed error first, then
            // the close; the rest of the message is skipped as it arrives, never buffered.
            hub_->on_too_large(*this, event.binary);
            return close_after_writes({ws::close_code::too_big, "message too large"});
        case Kind::error:
            hub_->count_rejection("protocol-error", id_);
            log_event("protocol-error", {{"id", id_}, {"why", event.what}});
            if (pending_close_) {
                // Already closing: the reader has stopped and will not see the peer's close, so
                // do not wait for it.
                fail_after_close_ = true;
                if (close_sent_ && !writing_) finish();
                return;
            }
            return close_after_writes({event.code, event.what}, /*fail=*/true);
    }
}

template <typename Stream>
void WsSession<Stream>::on_message(const ws::Event& event) {
    if (pending_close_ || !open_) return;  // closing after a refusal or an abuse: discard
    Metrics& metrics = hub_->metrics();
    ++metrics.messages_in;
    metrics.bytes_in += event.payload.size();
    if (event.binary) hub_->on_binary(*this, event.payload);
    else hub_->on_text(*this, event.payload);
}

template <typename Stream>
void WsSession<Stream>::read_ended(beast::error_code ec) {
    if (lingering_) return close_socket();  // the peer's end after our close: done
    if (ec == net::error::eof && writing_) {
        // The peer stopped sending (its close may be what we are echoing): let the write end.
        peer_ended_ = true;
        return;
    }
    const bool expected = ec == net::error::eof || ec == net::error::operation_aborted ||
                          ec == net::error::bad_descriptor || peer_closed_;
    if (!expected && !socket_closed_) log_event("read-ended", {{"id", id_}, {"error", ec.message()}});
    close_socket();  // the session ends when the last handler holding it returns
}

// ---- heartbeat and deadlines ----------------------------------------------------------------

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
    if (ec || pending_close_ || socket_closed_) return;
    hub_->on_hello_deadline(*this);
}

template <typename Stream>
void WsSession<Stream>::schedule_ping(Clock::time_point at) {
    ping_timer_.expires_at(at);
    ping_timer_.async_wait(beast::bind_front_handler(&WsSession::on_ping_timer, this->shared_from_this()));
}

template <typename Stream>
void WsSession<Stream>::on_ping_timer(beast::error_code ec) {
    if (ec || socket_closed_) return;
    if (pending_close_) {  // the timer is the close deadline now
        // A heartbeat tick already due when the close began (its wait could not be cancelled):
        // the deadline's own wait is still pending.
        if (Clock::now() < ping_timer_.expiry()) return;
        return drop("close handshake timed out");
    }
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
    // Silent for a whole interval: ask.
    awaiting_pong_ = true;
    ping_sent_ = now;
    ping_due_ = true;
    schedule_write();
    schedule_ping(now + limits.ping_timeout);
}

template class WsSession<PlainStream>;
template class WsSession<TlsStream>;

}  // namespace peerline::server
