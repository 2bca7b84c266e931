#include "listener.hpp"

#include "event_log.hpp"
#include "http_session.hpp"

namespace peerline::server {
namespace {

constexpr auto kAcceptRetry = std::chrono::milliseconds(100);

}  // namespace

Listener::Listener(net::io_context& ioc, std::shared_ptr<const HttpContext> context,
                   std::shared_ptr<net::ssl::context> tls)
    : ioc_(ioc), acceptor_(ioc), accept_retry_(ioc.get_executor()), context_(std::move(context)), tls_(std::move(tls)) {}

beast::error_code Listener::listen(const tcp::endpoint& endpoint) {
    beast::error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (ec) return ec;
    acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (ec) return ec;
    acceptor_.bind(endpoint, ec);
    if (ec) return ec;
    acceptor_.listen(net::socket_base::max_listen_connections, ec);
    return ec;
}

tcp::endpoint Listener::local_endpoint() const {
    beast::error_code ec;
    return acceptor_.local_endpoint(ec);
}

void Listener::run() {
    net::dispatch(acceptor_.get_executor(),
                  beast::bind_front_handler(&Listener::do_accept, shared_from_this()));
}

void Listener::stop() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
        beast::error_code ignored;
        self->acceptor_.close(ignored);
        self->accept_retry_.cancel();
    });
}

void Listener::set_tls(std::shared_ptr<net::ssl::context> tls) {
    // Called on the io_context's one thread (the signal handler), like on_accept: no race.
    tls_ = std::move(tls);
}

void Listener::do_accept() {
    // The io_context's own executor, not a strand per connection: one thread runs the server
    // (net.hpp). Running several threads would need strands back, here and for the hub's sends.
    acceptor_.async_accept(ioc_.get_executor(),
                           beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(beast::error_code ec, Socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {
        // e.g. EMFILE when out of descriptors: keep accepting rather than die, but not at once:
        // the connection that failed is still queued, so an immediate retry fails the same way
        // in a loop that burns the CPU and floods the log. Descriptors free up as timeouts
        // close connections.
        log_event("accept-failed", {{"error", ec.message()}});
        accept_retry_.expires_after(kAcceptRetry);
        accept_retry_.async_wait([self = shared_from_this()](beast::error_code wait_error) {
            if (!wait_error && self->acceptor_.is_open()) self->do_accept();
        });
        return;
    }
    // Signaling frames are small and latency-bound: without this, Nagle's algorithm holds a
    // relayed frame back until the peer's ACK (measured: about half the relay rate).
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    if (tls_) {
        std::make_shared<HttpSession<TlsStream>>(TlsStream(std::move(socket), *tls_), context_)->run();
    } else {
        std::make_shared<HttpSession<PlainStream>>(PlainStream(std::move(socket)), context_)->run();
    }
    do_accept();
}

}  // namespace peerline::server
